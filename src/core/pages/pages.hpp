// The built-in HTML pages (authjs-behaviour.md §1, §7): self-contained documents with inline
// CSS, no JavaScript needed, every dynamic value HTML-escaped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/pages/texts.hpp"
#include "linkgate/config.hpp"
#include "linkgate/store.hpp"

namespace linkgate::core::pages {

struct RenderedPage {
  int status = 200;
  std::string html;
};

struct SigninProvider {
  std::string id;
  std::string name;        // button: "Sign in with <name>"
  std::string signin_url;  // the form action: <origin><basePath>/signin/<id>
};

struct SigninPage {
  std::vector<SigninProvider> providers;
  std::string csrf_token;
  std::string email;  // prefill from ?email=
  std::string error;  // the ?error= code, or empty
  Theme theme;
  // With error "RateLimited": seconds until another attempt is allowed, from ?retryAfter=
  // (the rate limiter puts it there beside its Retry-After header, which a browser following
  // the redirect never shows). nullopt: the message names no time.
  std::optional<long long> retry_after;
  Texts texts{};  // the page language (default English)
};
// "Sign In" page: one form per email provider; the error box with Auth.js's messages
// (EmailSignin → "The e-mail could not be sent.", …, default "Unable to sign in.").
RenderedPage render_signin(const SigninPage& page);

// Reads ?retryAfter= as whole seconds: 1 to 7 days' worth of digits, else nullopt (so a
// malformed value shows the message without a time rather than a wrong one).
std::optional<long long> parse_retry_after(std::string_view text);

// The one-time-code form of the verify-request page (SPEC B3).
struct CodeForm {
  std::string action_url;  // <origin><basePath>/callback/<provider id>
  std::string csrf_token;
  std::string callback_url;  // posted back as callbackUrl
  std::string email;         // prefill (from ?email=), or empty
  std::string error;         // ?error= after a code that did not work, or empty
  int digits = 6;            // the code's length (maxlength and pattern of the field)
};

struct VerifyRequestPage {
  std::string origin;  // link target
  std::string host;    // link text
  Theme theme;
  // The dev outbox, when it is on: the page then says where the "sent" link really is.
  std::string outbox_url;
  Texts texts{};
  // Set when one-time codes are on: the form to type the emailed code, with labelled email and
  // code fields (inputmode numeric, autocomplete one-time-code).
  std::optional<CodeForm> code_form;
};
// "Check your email" page.
RenderedPage render_verify_request(const VerifyRequestPage& page);

// The confirm page of a magic link (SPEC B2, with Redemption::confirm): "Sign in as <email>?"
// and one button that POSTs the link's token and email back to the callback with the CSRF
// token. Rendering it never touches the token: mail scanners may fetch the page freely.
struct ConfirmPage {
  std::string action_url;  // <origin><basePath>/callback/<provider id>
  std::string csrf_token;
  std::string token;         // the link's token, as received
  std::string email;         // the link's email, as received (shown, and posted back)
  std::string callback_url;  // posted back as callbackUrl
  Theme theme;
  Texts texts{};
};
RenderedPage render_confirm(const ConfirmPage& page);

struct ErrorPage {
  std::string error;       // Configuration | AccessDenied | Verification | anything else
  std::string signin_url;  // <origin><basePath>/signin (the Auth.js bug of /error?…/signin fixed)
  std::string origin;
  std::string host;
  Theme theme;
  // Verification only: the address the dead link was for (?email=, which the callback adds).
  // The "Sign in" button then opens the sign-in form with it filled in, to request a new link.
  std::string email;
  Texts texts{};
};
// Status and content per the §1 /error table (500 Configuration, 403 AccessDenied and
// Verification, 200 otherwise).
RenderedPage render_error(const ErrorPage& page);

struct SignoutPage {
  std::string action_url;  // the full current request URL
  std::string csrf_token;
  Theme theme;
  Texts texts{};
};
// "Sign Out" page with the confirmation form.
RenderedPage render_signout(const SignoutPage& page);

// The dev outbox: every kept message, newest first, with the sign-in links clickable; a link
// back to `home_url` when it is not empty. Themed like the other pages, so that a developer
// trying a brand colour or logo sees it on every page of the flow.
RenderedPage render_outbox(const std::vector<OutboxMessage>& messages,
                           std::string_view home_url = {}, const Theme& theme = {});

// Who is signed in, as GET /session reports it.
struct HomeSession {
  std::string email;
  std::string name;     // empty when the user has none
  std::string expires;  // ISO 8601, as in the session's "expires"
};

struct HomePage {
  std::optional<HomeSession> session;  // nullopt: signed out
  // /session could not tell (the store is down): the page says so, with status 503, rather
  // than claim "signed out".
  bool session_unavailable = false;
  std::string signin_url;   // <base>/signin?callbackUrl=<home>
  std::string signout_url;  // <base>/signout?callbackUrl=<home>
  std::string outbox_url;   // /dev/outbox
  std::string session_url;  // <base>/session (the JSON the page was read from)
  Theme theme;
};
// The development home page at "/": signed in or not (and as whom), and links to sign in, sign
// out and the dev outbox.
RenderedPage render_home(const HomePage& page);

// HTML-escapes & < > " ' for text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace linkgate::core::pages

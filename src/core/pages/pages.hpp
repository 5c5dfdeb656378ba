// The built-in HTML pages (authjs-behaviour.md §1, §7): self-contained documents with inline
// CSS, no JavaScript needed, every dynamic value HTML-escaped.
#pragma once

#include <string>
#include <vector>

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
};
// "Sign In" page: one form per email provider; the error box with Auth.js's messages
// (EmailSignin → "The e-mail could not be sent.", …, default "Unable to sign in.").
RenderedPage render_signin(const SigninPage& page);

struct VerifyRequestPage {
  std::string origin;  // link target
  std::string host;    // link text
  Theme theme;
};
// "Check your email" page.
RenderedPage render_verify_request(const VerifyRequestPage& page);

struct ErrorPage {
  std::string error;       // Configuration | AccessDenied | Verification | anything else
  std::string signin_url;  // <origin><basePath>/signin (the Auth.js bug of /error?…/signin fixed)
  std::string origin;
  std::string host;
  Theme theme;
};
// Status and content per the §1 /error table (500 Configuration, 403 AccessDenied and
// Verification, 200 otherwise).
RenderedPage render_error(const ErrorPage& page);

struct SignoutPage {
  std::string action_url;  // the full current request URL
  std::string csrf_token;
  Theme theme;
};
// "Sign Out" page with the confirmation form.
RenderedPage render_signout(const SignoutPage& page);

// The dev outbox: every kept message, newest first, with the sign-in links clickable.
RenderedPage render_outbox(const std::vector<OutboxMessage>& messages);

// HTML-escapes & < > " ' for text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace linkgate::core::pages

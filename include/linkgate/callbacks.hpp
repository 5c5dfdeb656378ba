// Callbacks and events (SPEC P6; authjs-behaviour.md §1, §4, §5): the embedder's say in a
// sign-in, set as std::functions in AuthConfig::callbacks and AuthConfig::events.
//
// Every member may be left unset; an unset member means Auth.js's default, stated next to it.
//
// Threads: Auth::handle may run on several threads at once, so every function here must be
// safe to call concurrently. The redirect callback runs for every request, on the server's
// event loop: it must not block. The others run on a worker thread (a server treats a request
// as impure as soon as one of them may be called), so they may do I/O, but every millisecond
// they take is a millisecond of the request.
//
// Failures: callbacks and events never take the server down.
// - An exception thrown by `sign_in` means AccessDenied (like Auth.js).
// - An exception thrown by `redirect` or `jwt` during a sign-in means a Configuration error
//   redirect; during /session it means a null session (and, in JWT mode, cleared cookies).
// - An exception thrown by `session` means a null session.
// - An exception thrown by an event handler is logged (AuthConfig::log) and swallowed; the
//   request goes on as if the handler had returned.
// Log lines name the hook and the exception's what(), so keep secrets out of what() texts.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <string>

#include "linkgate/store.hpp"

namespace linkgate {

// The account behind an email sign-in, as Auth.js passes it to callbacks and events (§4.5).
// linkgate never stores it: email sign-in links no account row.
struct Account {
  std::string provider_account_id;  // the normalized email
  std::string user_id;  // the user's id before any creation (a fresh UUID for a new user)
  std::string type = "email";
  std::string provider;  // the provider id, e.g. "postmark"
};

// ---------------------------------------------------------------------------------------------
// signIn

struct SignInParams {
  // The stored user, or for an address never seen a candidate {id: fresh UUID, email}.
  const User& user;
  const Account& account;
  // true in POST /signin/:provider (before any token is made: nothing is stored and no email
  // sent unless the decision is allow); false in the callback (after the link's token was
  // consumed, before the user is created or updated).
  bool verification_request;
};

// What the signIn callback decides.
class SignInDecision {
 public:
  enum class Kind { allow, deny, redirect };

  static SignInDecision allow() { return SignInDecision(Kind::allow, {}); }
  // → <base>/error?error=AccessDenied (403 page).
  static SignInDecision deny() { return SignInDecision(Kind::deny, {}); }
  // → a redirect to `url`, resolved by the redirect callback (the default keeps it on the
  // app's origin). In POST /signin no token is stored and no email sent; in the callback the
  // token is already spent and no session is made.
  static SignInDecision redirect_to(std::string url) {
    return SignInDecision(Kind::redirect, std::move(url));
  }

  Kind kind() const { return kind_; }
  const std::string& url() const { return url_; }

 private:
  SignInDecision(Kind kind, std::string url) : kind_(kind), url_(std::move(url)) {}
  Kind kind_;
  std::string url_;
};

// ---------------------------------------------------------------------------------------------
// jwt (session_strategy == jwt only)

enum class JwtTrigger {
  none,     // GET /session
  sign_in,  // the callback, for an existing user
  sign_up,  // the callback, for a user it just created
  update,   // POST /session (the client's update())
};

struct JwtParams {
  // The claims: on sign-in {name, email, picture, sub}; on /session the decoded cookie (with
  // iat, exp and jti, which linkgate overwrites when it re-encodes).
  boost::json::object token;
  JwtTrigger trigger = JwtTrigger::none;
  // On sign-in only: the user just signed in, the account, and whether the user is new.
  const User* user = nullptr;
  const Account* account = nullptr;
  bool is_new_user = false;
  // On update only: the request body's `data` member (null when absent).
  const boost::json::value* session = nullptr;
};

// ---------------------------------------------------------------------------------------------
// session

struct SessionParams {
  // What /session would answer: {user:{name, email, image}, expires}. In database mode expires
  // is the stored expiry (before sliding), as in Auth.js.
  boost::json::object session;
  // Database mode: the user and the stored session row. Null in JWT mode.
  const User* user = nullptr;
  const Session* stored = nullptr;
  // JWT mode: the claims after the jwt callback. Null in database mode.
  const boost::json::object* token = nullptr;
  // POST /session: true, and the body's `data` member (null when absent).
  bool update = false;
  const boost::json::value* new_session = nullptr;
};

// ---------------------------------------------------------------------------------------------

struct Callbacks {
  // Unset: allow every sign-in.
  std::function<SignInDecision(const SignInParams&)> sign_in;

  // Where to send the browser for a requested `url` (the callbackUrl from the body, the query
  // or the cookie, or a URL returned by sign_in). `base_url` is the request's origin
  // (scheme://host[:port], without the base path).
  // Unset: a relative "/path" becomes base_url + path; an absolute URL on base_url's origin is
  // kept; anything else becomes base_url (the same-origin rule, SPEC C1).
  // The result is TRUSTED, as in Auth.js: it is the embedder's code and may well send people
  // to a sister domain on purpose. The only check is that it is usable as a Location header:
  // an empty result or one with control characters or spaces is a Configuration error.
  std::function<std::string(const std::string& url, const std::string& base_url)> redirect;

  // JWT mode: shapes the claims kept in the session cookie. Returning nullopt signs the
  // browser out (the cookie is cleared; /session answers null; the callback still redirects).
  // Unset: the claims unchanged.
  std::function<std::optional<boost::json::object>(const JwtParams&)> jwt;

  // The body of a non-null /session answer. Unset: params.session unchanged.
  std::function<boost::json::object(const SessionParams&)> session;
};

// ---------------------------------------------------------------------------------------------
// Events: notifications after the fact. Their return is ignored and they cannot change the
// answer; an exception thrown by one is logged and swallowed.

struct SignInEvent {
  const User& user;
  const Account& account;
  bool is_new_user;
};

struct SignOutEvent {
  // Database mode: the deleted session row (null when the cookie named no session).
  const Session* session = nullptr;
  // JWT mode: the decoded claims (null when the cookie did not decode).
  const boost::json::object* token = nullptr;
};

struct SessionEvent {
  // The /session body just answered.
  const boost::json::object& session;
  // JWT mode: the claims; null in database mode.
  const boost::json::object* token = nullptr;
};

struct Events {
  std::function<void(const User&)> create_user;     // after the store created the user
  std::function<void(const User&)> update_user;     // after a returning user's emailVerified moved
  std::function<void(const SignInEvent&)> sign_in;  // after the session cookie was set
  std::function<void(const SignOutEvent&)> sign_out;
  std::function<void(const SessionEvent&)> session;  // after every non-null /session answer
};

}  // namespace linkgate

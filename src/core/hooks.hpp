// Calling the embedder's callbacks and events (include/linkgate/callbacks.hpp) safely: each
// call is guarded so that an exception becomes the Auth.js outcome the contract names
// (AccessDenied, a Configuration error, a null session) or, for events, a log line. Nothing an
// embedder throws leaves the core.
#pragma once

#include <boost/json/object.hpp>

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "core/context.hpp"
#include "linkgate/callbacks.hpp"
#include "linkgate/result.hpp"

namespace linkgate::core {

// The account Auth.js passes with an email sign-in (authjs-behaviour.md §4.5).
Account email_account(const User& user, const std::string& provider_id);

// Where to send the browser for `url`: the redirect callback's answer, or the same-origin rule
// when it is unset. An Error (kind "callback") when the callback threw or answered something
// that cannot be a Location (empty, control characters, spaces); the caller answers
// Configuration. What goes wrong is logged under `request_id` (empty outside a request).
Result<std::string> resolve_redirect(const AuthState& state, std::string_view url,
                                     const std::string& origin, const std::string& request_id = {});

// Runs the signIn callback (authjs-behaviour.md §1 signin step 4, callback step 5). nullopt:
// go on. Otherwise the answer to give instead: AccessDenied (denied, or the callback threw), a
// redirect to the resolved URL (with the init cookies when `keep_cookies`), or Configuration
// when that URL could not be resolved.
std::optional<Response> check_sign_in(const Context& ctx, const User& user, const Account& account,
                                      bool verification_request, bool keep_cookies);

// Asks AuthConfig::sign_in_hook, when set, with `call` (sign_in_hook.hpp). nullopt: go on.
// Otherwise the answer to give instead: AccessDenied for a refusal, for a redirect the rules
// refuse (not the origin nor a redirect host), and for no decision unless
// sign_in_hook_fail_open; else the redirect (with the init cookies when `keep_cookies`). Logs the
// stage and why, never the call's data.
std::optional<Response> check_sign_in_hook(const Context& ctx, const SignInHookCall& call,
                                           bool keep_cookies);

// Runs the jwt callback, or returns the token unchanged when it is unset. nullopt means "sign
// out". An Error (kind "callback") when it threw (logged under `request_id`).
Result<std::optional<boost::json::object>> run_jwt_callback(const AuthState& state,
                                                            JwtParams params,
                                                            const std::string& request_id = {});

// Runs the session callback, or returns params.session when it is unset. An Error (kind
// "callback") when it threw (logged under `request_id`).
Result<boost::json::object> run_session_callback(const AuthState& state, SessionParams params,
                                                 const std::string& request_id = {});

// Logs what an event handler or callback threw, as a line of the request `request_id` (empty
// outside a request). Never logs anything but the hook's name and the exception's own text.
void log_hook_failure(const AuthState& state, std::string_view hook, std::exception_ptr error,
                      const std::string& request_id = {});

// Calls an event handler, if set; whatever it throws is logged (under `request_id`) and
// swallowed (§4: EventError).
template <class Handler, class Argument>
void emit_event(const AuthState& state, std::string_view name, const Handler& handler,
                const Argument& argument, const std::string& request_id = {}) {
  if (!handler) return;
  try {
    handler(argument);
  } catch (...) {
    log_hook_failure(state, name, std::current_exception(), request_id);
  }
}

}  // namespace linkgate::core

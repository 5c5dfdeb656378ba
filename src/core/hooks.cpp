#include "core/hooks.hpp"

#include "core/redirect.hpp"

namespace linkgate::core {

namespace {

// A Location header value must be non-empty and free of whitespace and control characters:
// anything else could split the header or be read differently by browsers.
bool usable_location(std::string_view url) {
  if (url.empty()) return false;
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

Error callback_error(std::string_view hook) {
  return Error{"callback", "the " + std::string(hook) + " callback failed"};
}

}  // namespace

}  // namespace linkgate::core

namespace linkgate {

const char* sign_in_hook_stage_name(SignInHookCall::Stage stage) {
  return stage == SignInHookCall::Stage::email ? "email" : "callback";
}

}  // namespace linkgate

namespace linkgate::core {

Account email_account(const User& user, const std::string& provider_id) {
  Account account;
  account.provider_account_id = user.email;
  account.user_id = user.id;
  account.type = "email";
  account.provider = provider_id;
  return account;
}

void log_hook_failure(const AuthState& state, std::string_view hook, std::exception_ptr error,
                      const std::string& request_id) {
  std::string what = "an exception that is not a std::exception";
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  state.log(LogLevel::error, std::string(hook) + " threw: " + what, request_id);
}

Result<std::string> resolve_redirect(const AuthState& state, std::string_view url,
                                     const std::string& origin, const std::string& request_id) {
  const auto& callback = state.config.callbacks.redirect;
  if (!callback) return safe_redirect(url, origin, state.config.redirect_hosts);
  std::string target;
  try {
    target = callback(std::string(url), origin);
  } catch (...) {
    log_hook_failure(state, "callbacks.redirect", std::current_exception(), request_id);
    return callback_error("redirect");
  }
  if (!usable_location(target)) {
    state.log(LogLevel::error,
              "callbacks.redirect answered an empty URL or one with spaces or control "
              "characters",
              request_id);
    return callback_error("redirect");
  }
  return target;
}

std::optional<Response> check_sign_in(const Context& ctx, const User& user, const Account& account,
                                      bool verification_request, bool keep_cookies) {
  const auto& callback = ctx.state.config.callbacks.sign_in;
  if (!callback) return std::nullopt;
  const auto audit_denied = [&] {
    ctx.audit(AuditKind::denied, AuditOutcome::denied,
              {.reason = AuditReason::sign_in_callback, .email = user.email});
  };
  std::optional<SignInDecision> decision;
  try {
    decision = callback(SignInParams{user, account, verification_request});
  } catch (...) {
    // Auth.js turns anything the signIn callback throws into AccessDenied.
    log_hook_failure(ctx.state, "callbacks.signIn", std::current_exception(), ctx.request.id);
    audit_denied();
    return ctx.error_redirect(ErrorKind::error, "AccessDenied");
  }
  switch (decision->kind()) {
    case SignInDecision::Kind::allow:
      return std::nullopt;
    case SignInDecision::Kind::deny:
      audit_denied();
      return ctx.error_redirect(ErrorKind::error, "AccessDenied");
    case SignInDecision::Kind::redirect:
      audit_denied();
      break;
  }
  auto target = resolve_redirect(ctx.state, decision->url(), ctx.origin, ctx.request.id);
  if (!target) return ctx.error_redirect(ErrorKind::error, "Configuration");
  Response r = ctx.redirect(*target);
  if (keep_cookies) ctx.add_init_cookies(r);
  return r;
}

std::optional<Response> check_sign_in_hook(const Context& ctx, const SignInHookCall& call,
                                           bool keep_cookies) {
  const AuthState& state = ctx.state;
  const auto& hook = state.config.sign_in_hook;
  if (!hook) return std::nullopt;
  const std::string stage = sign_in_hook_stage_name(call.stage);
  const auto audit_denied = [&] {
    ctx.audit(AuditKind::denied, AuditOutcome::denied,
              {.reason = AuditReason::sign_in_callback,
               .email = call.email,
               .user_id = call.user ? std::string_view(call.user->id) : std::string_view(),
               .provider = call.provider});
  };
  Result<SignInDecision> decision = Error{"hook", "it threw"};
  try {
    decision = hook->decide(call);
  } catch (...) {
    log_hook_failure(state, "sign-in hook", std::current_exception(), ctx.request.id);
  }
  if (!decision) {
    if (state.config.sign_in_hook_fail_open) {
      ctx.log(LogLevel::warn, "sign-in hook (stage " + stage + ") gave no decision: " +
                                  decision.error().message + "; allowing (fail-open)");
      return std::nullopt;
    }
    ctx.log(LogLevel::error, "sign-in hook (stage " + stage + ") gave no decision: " +
                                 decision.error().message + "; refusing (fail-closed)");
    audit_denied();
    return ctx.error_redirect(ErrorKind::error, "AccessDenied");
  }
  switch (decision->kind()) {
    case SignInDecision::Kind::allow:
      return std::nullopt;
    case SignInDecision::Kind::deny:
      ctx.log(LogLevel::info, "sign-in hook (stage " + stage + ") refused the sign-in");
      audit_denied();
      return ctx.error_redirect(ErrorKind::error, "AccessDenied");
    case SignInDecision::Kind::redirect:
      break;
  }
  // The redirect rules of every other URL: a path, the origin, or a listed host.
  const std::string& url = decision->url();
  const std::string target = safe_redirect(url, ctx.origin, state.config.redirect_hosts);
  if (target != url && !(url.starts_with('/') && target == ctx.origin + url)) {
    ctx.log(LogLevel::warn, "sign-in hook (stage " + stage +
                                ") refused the sign-in with a redirect the redirect rules do not "
                                "allow (neither the origin nor LINKGATE_REDIRECT_HOSTS); "
                                "answering AccessDenied");
    audit_denied();
    return ctx.error_redirect(ErrorKind::error, "AccessDenied");
  }
  ctx.log(LogLevel::info, "sign-in hook (stage " + stage + ") refused the sign-in with a redirect");
  audit_denied();
  Response r = ctx.redirect(target);
  if (keep_cookies) ctx.add_init_cookies(r);
  return r;
}

Result<std::optional<boost::json::object>> run_jwt_callback(const AuthState& state,
                                                            JwtParams params,
                                                            const std::string& request_id) {
  const auto& callback = state.config.callbacks.jwt;
  if (!callback) return std::optional<boost::json::object>(std::move(params.token));
  try {
    return callback(params);
  } catch (...) {
    log_hook_failure(state, "callbacks.jwt", std::current_exception(), request_id);
    return callback_error("jwt");
  }
}

Result<boost::json::object> run_session_callback(const AuthState& state, SessionParams params,
                                                 const std::string& request_id) {
  const auto& callback = state.config.callbacks.session;
  if (!callback) return std::move(params.session);
  try {
    return callback(params);
  } catch (...) {
    log_hook_failure(state, "callbacks.session", std::current_exception(), request_id);
    return callback_error("session");
  }
}

}  // namespace linkgate::core

// POST /callback/:provider with a `code` field: the one-time code typed on the verify-request
// page (SPEC B3, B4b; attack-cases.md #16, #17).
#include "core/actions/sign_in_steps.hpp"
#include "core/form.hpp"
#include "core/hooks.hpp"
#include "core/identifier.hpp"
#include "core/one_time_code.hpp"
#include "core/rate_limit.hpp"

namespace linkgate::core::actions {

namespace {

// The provider's normalizeIdentifier, or the default (§3.4), as on POST /signin: the code was
// stored under the identifier that produced. Whatever the hook throws is a rejection.
Result<std::string> normalize(const Context& ctx, const EmailProvider& provider,
                              const std::string& raw_email) {
  if (!provider.normalize_identifier) return normalize_identifier(raw_email);
  try {
    return provider.normalize_identifier(raw_email);
  } catch (...) {
    log_hook_failure(ctx.state, "normalizeIdentifier", std::current_exception(), ctx.request.id);
    return Error{"invalid_input", "normalizeIdentifier threw"};
  }
}

// Back to the code form, the address kept, the error named as Auth.js names a dead link. The
// same answer for every wrong case (unknown address, wrong code, spent or expired code), so
// the answer tells nothing about which addresses have codes. Reported as a sign_in_failed
// audit event with `reason`.
Response code_failed(const Context& ctx, const EmailProvider& provider, const std::string& email,
                     AuditReason reason = AuditReason::bad_code) {
  ctx.audit(AuditKind::sign_in_failed, AuditOutcome::failure,
            {.reason = reason, .email = email, .provider = provider.id});
  return ctx.redirect(ctx.base_url() + "/verify-request?provider=" + form_encode(provider.id) +
                      "&type=email&email=" + form_encode(email) + "&error=Verification");
}

}  // namespace

Response redeem_code(Context& ctx, const EmailProvider& provider) {
  const AuthConfig& config = ctx.state.config;
  Store& store = *ctx.state.store;
  if (!config.redemption.one_time_code) return ctx.error_redirect(ErrorKind::error, "Verification");
  const std::string raw_email = ctx.body.count("email") ? ctx.body.at("email") : std::string();

  // Every try counts against the client's address first, so guessing across many addresses
  // (each with its own attempt budget) is bounded too.
  auto decision = count_ip_attempt(config, store, request_client_ip(ctx), ctx.now());
  if (!decision) return ctx.store_failed(decision.error(), "callback");
  if (!decision->allowed) {
    ctx.log(LogLevel::info, "rate limit ip: over the limit (one-time code)");
    ctx.audit(AuditKind::rate_limited, AuditOutcome::denied, {.reason = AuditReason::limit_ip});
    return rate_limited(ctx, *decision);
  }

  auto identifier = normalize(ctx, provider, raw_email);
  if (!identifier) return code_failed(ctx, provider, raw_email, AuditReason::invalid_email);
  auto code = clean_typed_code(ctx.body.at("code"), config.redemption.code_digits);
  if (!code) return code_failed(ctx, provider, *identifier);

  // Codes made with any listed secret are accepted (SPEC C7). Each lookup counts one attempt, so
  // with n secrets a wrong try costs n and a right one at most n: a budget of max * n lets
  // exactly `code_max_attempts` wrong tries pass, however the secrets are ordered.
  const int secrets = static_cast<int>(config.secrets.size());
  const int budget = config.redemption.code_max_attempts * secrets;
  std::optional<OneTimeCode> found;
  for (const auto& secret : config.secrets) {
    auto used = store.use_one_time_code(*identifier, one_time_code_hash(secret, *identifier, *code),
                                        budget);
    if (!used) return ctx.store_failed(used.error(), "callback");
    if (used->has_value()) {
      found = std::move(**used);
      break;
    }
  }
  if (!found) return code_failed(ctx, provider, *identifier);
  if (found->expires < ctx.now())
    return code_failed(ctx, provider, *identifier, AuditReason::expired);

  // The code and its link are one sign-in: redeeming the code spends the link, and a link
  // already spent (or racing this code) voids the code.
  auto link = store.use_verification_token_and_get_user(*identifier, found->link_token_hash);
  if (!link) return ctx.store_failed(link.error(), "callback");
  if (!link->has_value()) return code_failed(ctx, provider, *identifier);
  if ((*link)->token.expires < ctx.now()) {
    return code_failed(ctx, provider, *identifier, AuditReason::expired);
  }
  return complete_sign_in(ctx, provider, *identifier, std::move((*link)->user));
}

}  // namespace linkgate::core::actions

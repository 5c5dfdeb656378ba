#include "core/rate_limit.hpp"

#include <boost/json.hpp>

#include "core/client_ip.hpp"
#include "core/form.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace linkgate::core {

namespace {

Result<RateDecision> count(Store& store, const std::string& key, int limit,
                           std::chrono::seconds window, TimePoint now) {
  if (limit <= 0 || window.count() <= 0) return RateDecision{};
  auto counted =
      store.count_hit(key, now, std::chrono::duration_cast<std::chrono::milliseconds>(window));
  if (!counted) return counted.error();
  RateDecision decision;
  if (counted->hits <= limit) return decision;
  decision.allowed = false;
  // Whole seconds until the window closes, rounded up, at least 1.
  const auto left = counted->resets_at - now;
  auto seconds = std::chrono::ceil<std::chrono::seconds>(left);
  if (seconds.count() < 1) seconds = std::chrono::seconds(1);
  decision.retry_after = seconds;
  return decision;
}

}  // namespace

std::string request_client_ip(const Context& ctx) {
  return client_ip(ctx.state.trusted_proxies, ctx.request);
}

Result<RateDecision> count_ip_attempt(const AuthConfig& config, Store& store,
                                      const std::string& client_ip, TimePoint now) {
  const RateLimits& limits = config.rate_limits;
  return count(store, "ip:" + client_ip, limits.per_ip, limits.ip_window, now);
}

Result<RateDecision> count_identifier_email(const AuthConfig& config, Store& store,
                                            const std::string& identifier, TimePoint now) {
  const RateLimits& limits = config.rate_limits;
  if (limits.per_identifier <= 0) return RateDecision{};
  // Keyed with the secret, so that the rate table of a leaked database does not give away which
  // addresses signed in (a plain hash of an address is easy to guess back).
  const std::string digest = config.secrets.empty()
                                 ? crypto::sha256_hex(identifier)
                                 : crypto::hex_encode(crypto::hmac_sha256(
                                       config.secrets.front(), "rate-limit:" + identifier));
  return count(store, "id:" + digest, limits.per_identifier, limits.identifier_window, now);
}

Result<RateDecision> count_global_send(const AuthConfig& config, Store& store, TimePoint now) {
  return count(store, "global:send", config.rate_limits.global_per_minute,
               config.rate_limits.global_window, now);
}

Response rate_limited(const Context& ctx, const RateDecision& decision) {
  const std::string seconds = std::to_string(std::max<long long>(1, decision.retry_after.count()));
  const std::string location = ctx.base_url() + "/signin?error=RateLimited&retryAfter=" + seconds;
  Response r = ctx.redirect(location);
  if (ctx.request.header("x-auth-return-redirect")) r.status = 429;
  r.set_header("Retry-After", seconds);
  return r;
}

std::optional<Response> deny_if_limited(const Context& ctx, const Result<RateDecision>& decision,
                                        const std::string& limit, std::string_view email) {
  if (!decision) return ctx.store_failed(decision.error(), "rate limit " + limit);
  if (decision->allowed) return std::nullopt;
  ctx.log(LogLevel::info, "rate limit " + limit + ": over the limit");
  ctx.audit(AuditKind::rate_limited, AuditOutcome::denied,
            {.reason = limit == "global" ? AuditReason::limit_global : AuditReason::limit_ip,
             .email = email});
  return rate_limited(ctx, *decision);
}

}  // namespace linkgate::core

// Rate limits (SPEC B1): fixed windows counted in the Store (Store::count_hit), so that every
// instance sharing one store shares the limits. Keys are namespaced and never carry a raw email:
// "ip:<client ip or IPv6 /64>", "id:<sha256hex of the identifier>", "global:send".
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/context.hpp"
#include "linkgate/config.hpp"
#include "linkgate/http.hpp"
#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate::core {

// The outcome of counting one hit against a limit.
struct RateDecision {
  bool allowed = true;
  // When denied: seconds until the window closes (at least 1). 0 when allowed.
  std::chrono::seconds retry_after{0};
};

// The rate-limit key of the request's client (client_ip.hpp), with the deployment's trusted
// proxies.
std::string request_client_ip(const Context& ctx);

// Counts one sign-in attempt of `client_ip` (an email asked for, or a one-time code tried)
// against RateLimits::per_ip. `client_ip` is the key from client_ip.hpp (an IPv4 address or an
// IPv6 /64). Allowed without touching the store when the limit is 0 (off). A store failure is an
// Error: callers fail closed, never skip the limit.
Result<RateDecision> count_ip_attempt(const AuthConfig& config, Store& store,
                                      const std::string& client_ip, TimePoint now);

// Counts one email to `identifier` (the normalized address; only its SHA-256 is stored) against
// RateLimits::per_identifier. Over it, callers answer exactly as a success (no enumeration).
Result<RateDecision> count_identifier_email(const AuthConfig& config, Store& store,
                                            const std::string& identifier, TimePoint now);

// Counts one email against the deployment-wide RateLimits::global_per_minute.
Result<RateDecision> count_global_send(const AuthConfig& config, Store& store, TimePoint now);

// The answer to a denied IP or global limit: a redirect to
// <base>/signin?error=RateLimited&retryAfter=<seconds>, or in JSON mode (X-Auth-Return-Redirect)
// status 429 with Retry-After and the same {"url"}. Never carries a Set-Cookie.
Response rate_limited(const Context& ctx, const RateDecision& decision);

// What to answer after counting a hit: nullopt when allowed; the rate_limited answer when denied;
// after a store failure, the Configuration error answer (fail closed; the failure is logged
// naming `limit`: "ip" or "global"). A denial is reported as a rate_limited audit event with
// the address asked for (`email`, when known).
std::optional<Response> deny_if_limited(const Context& ctx, const Result<RateDecision>& decision,
                                        const std::string& limit, std::string_view email = {});

}  // namespace linkgate::core

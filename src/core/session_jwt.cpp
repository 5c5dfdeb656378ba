#include "core/session_jwt.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdio>
#include <cstdlib>

#include "crypto/random.hpp"

namespace linkgate::core {
namespace {

// jose's clockTolerance as Auth.js configures it (authjs-behaviour.md §5).
constexpr std::int64_t kClockToleranceSeconds = 15;

// Whole seconds since the epoch, rounded down like JavaScript's Math.floor(Date.now() / 1000).
std::int64_t epoch_seconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

// A numeric claim as a double; nullopt when absent; false in `ok` when present but not a number.
std::optional<double> numeric_claim(const boost::json::object& claims, std::string_view name,
                                    bool& ok) {
  const auto* v = claims.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    ok = false;
    return std::nullopt;
  }
  boost::system::error_code ec;
  const double d = v->to_number<double>(ec);
  if (ec) {
    ok = false;
    return std::nullopt;
  }
  return d;
}

}  // namespace

SessionJwtCodec::SessionJwtCodec(const std::vector<std::string>& secrets,
                                 std::string_view cookie_name) {
  if (secrets.empty()) {
    std::fputs("linkgate: SessionJwtCodec needs at least one secret; aborting\n", stderr);
    std::abort();
  }
  keys_.reserve(secrets.size());
  for (const std::string& secret : secrets)
    keys_.push_back(derive_session_key(secret, cookie_name));
}

std::string SessionJwtCodec::encode(const boost::json::object& given, TimePoint now,
                                    std::chrono::seconds max_age) const {
  // The copy that gets the times and the jti lives in a buffer on this frame (a session's claims
  // fit; more spills to the heap) and never leaves it: /session re-issues the cookie on every
  // call, and a heap copy of the claims cost one allocation per member and string.
  alignas(std::max_align_t) unsigned char buffer[2048];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  boost::json::object claims(given, &arena);
  const std::int64_t iat = epoch_seconds(now);
  claims["iat"] = iat;
  claims["exp"] = iat + static_cast<std::int64_t>(max_age.count());
  claims["jti"] = crypto::random_uuid();
  return jwe_encrypt(keys_.front(), boost::json::serialize(claims));
}

std::optional<boost::json::object> SessionJwtCodec::decode(std::string_view token, TimePoint now,
                                                           boost::json::storage_ptr storage) const {
  const auto payload = jwe_decrypt(token, keys_);
  if (!payload) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*payload, ec, std::move(storage));
  if (ec || !parsed.is_object()) return std::nullopt;
  boost::json::object& claims = parsed.get_object();

  // Like jose's JWT claim checks: a present exp/nbf/iat must be a number; exp and nbf are
  // compared with the clock tolerance.
  bool ok = true;
  const auto exp = numeric_claim(claims, "exp", ok);
  const auto nbf = numeric_claim(claims, "nbf", ok);
  numeric_claim(claims, "iat", ok);
  if (!ok) return std::nullopt;
  const auto now_s = static_cast<double>(epoch_seconds(now));
  if (exp && *exp <= now_s - kClockToleranceSeconds) return std::nullopt;
  if (nbf && *nbf > now_s + kClockToleranceSeconds) return std::nullopt;
  return std::move(claims);
}

}  // namespace linkgate::core

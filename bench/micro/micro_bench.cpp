// Micro-benchmarks of the per-request CPU work on linkgate's hot paths (Google Benchmark):
// the JWT session cookie (JWE encode and decode), the verification-token hash, CSRF validation,
// the email normalizer and Cookie header parsing. Run by `make bench-micro` (and `make bench`).
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/cookies.hpp"
#include "core/csrf.hpp"
#include "core/identifier.hpp"
#include "core/session_jwt.hpp"
#include "crypto/digest.hpp"

namespace {

using linkgate::TimePoint;
namespace core = linkgate::core;

const std::string kSecret = "bench-secret-0123456789abcdef0123456789abcdef";
const std::vector<std::string> kSecrets{kSecret};
constexpr const char* kCookieName = "authjs.session-token";

TimePoint now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

boost::json::object claims() {
  return {{"name", nullptr},
          {"email", "someone@example.com"},
          {"picture", nullptr},
          {"sub", "6a0e2c44-5d0e-4c8e-9d3a-0d8e4b4b1f5e"}};
}

void BM_JweEncode(benchmark::State& state) {
  const core::SessionJwtCodec codec(kSecrets, kCookieName);
  const auto at = now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(codec.encode(claims(), at, std::chrono::hours(24 * 30)));
  }
}
BENCHMARK(BM_JweEncode);

void BM_JweDecode(benchmark::State& state) {
  const core::SessionJwtCodec codec(kSecrets, kCookieName);
  const auto at = now();
  const std::string token = codec.encode(claims(), at, std::chrono::hours(24 * 30));
  for (auto _ : state) {
    auto decoded = codec.decode(token, at);
    if (!decoded) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(decoded);
  }
}
BENCHMARK(BM_JweDecode);

// The codec's constructor derives the key with HKDF: paid once per process, shown for scale.
void BM_JweKeyDerivation(benchmark::State& state) {
  for (auto _ : state) {
    core::SessionJwtCodec codec(kSecrets, kCookieName);
    benchmark::DoNotOptimize(codec);
  }
}
BENCHMARK(BM_JweKeyDerivation);

void BM_TokenHash(benchmark::State& state) {
  std::string token(64, 'a');
  for (auto _ : state) {
    std::string input = token;
    input += kSecret;
    benchmark::DoNotOptimize(linkgate::crypto::sha256_hex(input));
  }
}
BENCHMARK(BM_TokenHash);

void BM_CsrfValidate(benchmark::State& state) {
  const std::string token(64, 'b');
  std::string cookie = token;
  cookie += '|';
  cookie += core::csrf_hash(token, kSecret);
  const std::optional<std::string> cookie_value = cookie;
  const std::optional<std::string> body_token = token;
  for (auto _ : state) {
    auto result = core::check_csrf(cookie_value, body_token, true, kSecrets);
    if (!result.verified) state.SkipWithError("CSRF check failed");
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_CsrfValidate);

void BM_NormalizeAscii(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(core::normalize_identifier("  Some.One@Example.COM "));
  }
}
BENCHMARK(BM_NormalizeAscii);

void BM_NormalizeUnicode(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        core::normalize_identifier("J\xC3\xBCrgen.M\xC3\xBCller@B\xC3\xBC"
                                   "cher.Example"));
  }
}
BENCHMARK(BM_NormalizeUnicode);

void BM_CookieParse(benchmark::State& state) {
  const core::SessionJwtCodec codec(kSecrets, kCookieName);
  std::string header = "theme=dark; authjs.csrf-token=";
  header += std::string(64, 'c');
  header += "%7C";
  header += std::string(64, 'd');
  header += "; authjs.callback-url=http%3A%2F%2Flocalhost%3A3000; authjs.session-token=";
  header += codec.encode(claims(), now(), std::chrono::hours(24));
  header += "; _ga=GA1.1.123456789.1700000000";
  for (auto _ : state) {
    core::RequestCookies cookies(header);
    benchmark::DoNotOptimize(cookies.get(kCookieName));
  }
}
BENCHMARK(BM_CookieParse);

}  // namespace

BENCHMARK_MAIN();

#include "mail/http_attempt.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "mail/curl_library.hpp"
#include "mail/provider_error.hpp"

namespace linkgate::mail {

namespace {

// A provider asking for more than a day is treated as a day; the retry budget decides anyway.
constexpr long long kMaxRetryAfterSeconds = 24 * 3600;

}  // namespace

bool is_retryable_status(long status) {
  return status == 429 || (status >= 500 && status <= 599);
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::seconds(std::min(seconds, kMaxRetryAfterSeconds));
  }
  // An HTTP-date (RFC 9110 §10.2.3); curl_getdate reads the three formats HTTP allows. The header
  // came through libcurl, so the library is loaded by now.
  const auto& curl = curl_api();
  if (!curl) return std::nullopt;
  const std::string text(value);
  const time_t when = (*curl)->getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(when);
  if (at <= now) return std::chrono::milliseconds(0);
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
  return std::min<std::chrono::milliseconds>(delay, std::chrono::seconds(kMaxRetryAfterSeconds));
}

std::string normalize_base_url(std::string url, std::string_view fallback) {
  if (url.empty()) url = std::string(fallback);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

TryOutcome post_once(std::string_view provider, HttpPost post, std::chrono::milliseconds time_left,
                     const EmailMessage& message, const std::string& api_key,
                     const std::string& credential) {
  if (time_left <= std::chrono::milliseconds(0)) {
    return permanent_failure(std::string(provider) + ": no time left for another try");
  }
  post.total_timeout = std::min(post.total_timeout, time_left);
  post.connect_timeout = std::min(post.connect_timeout, post.total_timeout);

  auto response = http_post(post);
  if (!response) {
    // "unavailable" is a refused connection or a timeout: worth another try. "invalid_input"
    // is a configuration error that no retry fixes.
    const bool transient = response.error().kind == "unavailable";
    const auto secrets = secrets_for(message, api_key, {credential});
    return TryOutcome{SendFailure{provider_transport_error(provider, response.error(), secrets),
                                  transient, std::nullopt}};
  }
  if (response->status >= 200 && response->status <= 299) return {};
  const auto secrets = secrets_for(message, api_key, {credential});
  SendFailure failure{provider_http_error(provider, response->status, response->body, secrets),
                      is_retryable_status(response->status), std::nullopt};
  if (failure.retryable) {
    failure.retry_after =
        parse_retry_after(response->retry_after, std::chrono::system_clock::now());
  }
  return TryOutcome{std::move(failure)};
}

}  // namespace linkgate::mail

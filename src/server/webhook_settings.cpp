#include "server/webhook_settings.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "server/setting_table.hpp"

namespace linkgate::server {

namespace {

constexpr std::string_view kSecretPrefix = "whsec_";

// `text` split at spaces and commas, without empty parts.
std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

bool loopback_host(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

}  // namespace

const std::vector<std::string>& webhook_event_types() {
  static const std::vector<std::string> types{"user.created", "session.created", "session.deleted",
                                              "email.failed"};
  return types;
}

std::optional<std::vector<std::chrono::milliseconds>> parse_retry_schedule(std::string_view text) {
  std::vector<std::chrono::milliseconds> waits;
  for (const std::string& word : words(text)) {
    std::size_t digits = 0;
    while (digits < word.size() && digits < 9 && word[digits] >= '0' && word[digits] <= '9') {
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    const long long number = std::stoll(word.substr(0, digits));
    const std::string_view unit = std::string_view(word).substr(digits);
    long long ms = 0;
    if (unit == "ms") {
      ms = number;
    } else if (unit == "s") {
      ms = number * 1000;
    } else if (unit == "m") {
      ms = number * 60000;
    } else if (unit == "h") {
      ms = number * 3600000;
    } else {
      return std::nullopt;
    }
    if (ms < 10 || ms > 24LL * 3600000) return std::nullopt;
    waits.emplace_back(ms);
  }
  if (waits.empty() || waits.size() > 20) return std::nullopt;
  return waits;
}

std::optional<std::string> decode_webhook_secret(std::string_view secret) {
  if (!secret.starts_with(kSecretPrefix)) return std::nullopt;
  std::string text(secret.substr(kSecretPrefix.size()));
  // Standard base64 (with or without padding) through the base64url decoder.
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') {
      c = '-';
    } else if (c == '/') {
      c = '_';
    } else if (c == '-' || c == '_') {
      return std::nullopt;
    }
  }
  auto key = crypto::base64url_decode(text);
  if (!key || key->size() < 24 || key->size() > 64) return std::nullopt;
  return key;
}

std::string make_webhook_secret() {
  return std::string(kSecretPrefix) + crypto::base64_encode(crypto::random_bytes(32));
}

bool allowed_hook_url(std::string_view text, bool production) {
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url || !url->has_authority() || url->host().empty() || url->has_fragment()) return false;
  if (url->scheme() == "https") return true;
  if (url->scheme() != "http") return false;
  return !production || loopback_host(url->encoded_host());
}

Result<WebhookSettings> read_webhook_settings(
    const std::function<std::optional<std::string>(std::string_view)>& env, bool production) {
  WebhookSettings s;
  s.url = env("LINKGATE_WEBHOOK_URL").value_or("");
  if (s.url.empty()) return s;
  if (!allowed_hook_url(s.url, production)) {
    return Error{"configuration", std::string("LINKGATE_WEBHOOK_URL must be an absolute ") +
                                      (production ? "https URL (or http on loopback) in production"
                                                  : "http(s) URL without fragment")};
  }
  for (const std::string& secret : words(env("LINKGATE_WEBHOOK_SECRET").value_or(""))) {
    auto key = decode_webhook_secret(secret);
    if (!key) {
      return Error{"configuration",
                   "LINKGATE_WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 "
                   "bytes (several separated by spaces); make one with `linkgate webhook-secret`"};
    }
    s.keys.push_back(std::move(*key));
  }
  if (s.keys.empty()) {
    return Error{"configuration",
                 "LINKGATE_WEBHOOK_URL is set but LINKGATE_WEBHOOK_SECRET is not; make one with "
                 "`linkgate webhook-secret`"};
  }
  const auto& known = webhook_event_types();
  auto listed = env("LINKGATE_WEBHOOK_EVENTS");
  s.events = listed ? words(*listed) : known;
  for (const std::string& type : s.events) {
    if (std::find(known.begin(), known.end(), type) == known.end()) {
      return Error{"configuration", "LINKGATE_WEBHOOK_EVENTS: unknown event type " + type +
                                        " (known: user.created session.created session.deleted "
                                        "email.failed)"};
    }
  }
  auto schedule = setting_text(env, "LINKGATE_WEBHOOK_RETRY_SCHEDULE");
  if (!schedule) return schedule.error();
  auto waits = parse_retry_schedule(*schedule);
  if (!waits) return Error{"configuration", "LINKGATE_WEBHOOK_RETRY_SCHEDULE is not a schedule"};
  s.retry_schedule = std::move(*waits);
  auto timeout = setting_integer(env, "LINKGATE_WEBHOOK_TIMEOUT_MS");
  if (!timeout) return timeout.error();
  s.timeout = std::chrono::milliseconds(*timeout);
  auto poll = setting_integer(env, "LINKGATE_WEBHOOK_POLL_MS");
  if (!poll) return poll.error();
  s.poll_interval = std::chrono::milliseconds(*poll);
  auto retention = setting_integer(env, "LINKGATE_WEBHOOK_RETENTION_HOURS");
  if (!retention) return retention.error();
  s.retention = std::chrono::hours(*retention);
  auto concurrency = setting_integer(env, "LINKGATE_WEBHOOK_CONCURRENCY");
  if (!concurrency) return concurrency.error();
  s.concurrency = static_cast<int>(*concurrency);
  return s;
}

}  // namespace linkgate::server

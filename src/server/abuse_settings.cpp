#include "server/abuse_settings.hpp"

#include <algorithm>
#include <charconv>

#include "core/client_ip.hpp"
#include "core/sign_in_policy.hpp"
#include "server/setting_table.hpp"

namespace linkgate::server {

namespace {

using Env = std::function<std::optional<std::string>(std::string_view)>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::optional<long long> whole_number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<std::vector<std::string>> read_domains(const Env& env, std::string_view name) {
  std::vector<std::string> rules;
  auto text = env(name);
  if (!text) return rules;
  for (const std::string& item : split_setting_list(*text)) {
    auto rule = core::canonical_domain_rule(item);
    if (!rule) return Error{"configuration", std::string(name) + ": " + rule.error().message};
    rules.push_back(std::move(*rule));
  }
  return rules;
}

}  // namespace

Result<LimitSpec> parse_limit(const std::string& name, const std::string& raw,
                              std::chrono::seconds default_window) {
  const std::string text = lower(trim(raw));
  auto bad = [&]() -> Error {
    return Error{"configuration",
                 name +
                     " must be <count>/<window> (e.g. 5/15m; window in s, m, h or d), "
                     "<count>, or 0 or off"};
  };
  if (text == "off" || text == "0") return LimitSpec{};
  const auto slash = text.find('/');
  auto count = whole_number(std::string_view(text).substr(0, slash));
  if (!count || *count < 0 || *count > 100'000'000) return bad();
  LimitSpec spec{static_cast<int>(*count), default_window};
  if (slash != std::string::npos) {
    std::string_view window = std::string_view(text).substr(slash + 1);
    if (window.empty()) return bad();
    long long unit = 0;
    switch (window.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        return bad();
    }
    auto amount = whole_number(window.substr(0, window.size() - 1));
    if (!amount || *amount < 1 || *amount * unit > 7 * 86400) {
      return Error{"configuration", name + ": the window must be from 1s to 7d"};
    }
    spec.window = std::chrono::seconds(*amount * unit);
  }
  if (spec.count == 0) spec.window = std::chrono::seconds(0);
  return spec;
}

Result<AbuseSettings> read_abuse_settings(const Env& env) {
  AbuseSettings s;
  RateLimits& limits = s.rate_limits;
  auto all = setting_flag(env, "LINKGATE_RATE_LIMITS", true);
  if (!all) return all.error();
  struct Knob {
    const char* name;
    int& count;
    std::chrono::seconds& window;
  };
  const Knob knobs[] = {
      {"LINKGATE_RATE_LIMIT_IDENTIFIER", limits.per_identifier, limits.identifier_window},
      {"LINKGATE_RATE_LIMIT_IP", limits.per_ip, limits.ip_window},
      {"LINKGATE_RATE_LIMIT_GLOBAL", limits.global_per_minute, limits.global_window},
  };
  for (const Knob& knob : knobs) {
    // Checked even when LINKGATE_RATE_LIMITS=off, so a typo never waits for the day it matters.
    if (auto text = env(knob.name)) {
      auto spec = parse_limit(knob.name, *text, knob.window);
      if (!spec) return spec.error();
      knob.count = spec->count;
      if (spec->count > 0) knob.window = spec->window;
    }
    if (!*all) knob.count = 0;
  }

  if (auto text = env("LINKGATE_TRUSTED_PROXIES")) s.trusted_proxies = split_setting_list(*text);
  if (auto parsed = core::TrustedProxies::parse(s.trusted_proxies); !parsed) {
    return Error{"configuration", "LINKGATE_TRUSTED_PROXIES: " + parsed.error().message};
  }

  auto allowed = read_domains(env, "LINKGATE_ALLOWED_DOMAINS");
  if (!allowed) return allowed.error();
  s.policy.allowed_domains = std::move(*allowed);
  auto blocked = read_domains(env, "LINKGATE_BLOCKED_DOMAINS");
  if (!blocked) return blocked.error();
  s.policy.blocked_domains = std::move(*blocked);
  auto signup = setting_flag(env, "LINKGATE_SIGNUP", true);
  if (!signup) return signup.error();
  s.policy.signup = *signup;
  auto void_older = setting_flag(env, "LINKGATE_VOID_OLDER_LINKS", false);
  if (!void_older) return void_older.error();
  s.policy.void_older_links = *void_older;
  return s;
}

}  // namespace linkgate::server

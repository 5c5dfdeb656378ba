#include "server/redemption_settings.hpp"

#include <algorithm>
#include <charconv>

namespace linkgate::server {

namespace {

using Env = std::function<std::optional<std::string>(std::string_view)>;

Result<bool> read_flag(const Env& env, std::string_view name, bool fallback) {
  auto text = env(name);
  if (!text) return fallback;
  std::string v = *text;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  return Error{"configuration", std::string(name) + " must be true or false"};
}

}  // namespace

Result<Redemption> read_redemption_settings(const Env& env) {
  Redemption r;
  auto confirm = read_flag(env, "LINKGATE_CONFIRM", r.confirm);
  if (!confirm) return confirm.error();
  r.confirm = *confirm;
  auto code = read_flag(env, "LINKGATE_ONE_TIME_CODE", r.one_time_code);
  if (!code) return code.error();
  r.one_time_code = *code;
  if (auto text = env("LINKGATE_CODE_DIGITS")) {
    int digits = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), digits);
    if (ec != std::errc() || end != text->data() + text->size() || digits < 6 || digits > 10) {
      return Error{"configuration", "LINKGATE_CODE_DIGITS must be a whole number from 6 to 10"};
    }
    r.code_digits = digits;
  }
  return r;
}

}  // namespace linkgate::server

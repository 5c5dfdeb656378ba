#include "support/fake_checks.hpp"

#include <algorithm>
#include <atomic>
#include <boost/beast/core/detail/base64.hpp>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace linkgate::testing {

namespace json = boost::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool is_json_media_type(const std::optional<std::string>& value) {
  if (!value) return false;
  return lower(trim(value->substr(0, value->find(';')))) == "application/json";
}

bool is_single_address(const std::string& input) {
  // A quoted display name ("Acme, Inc.") may hold list separators: look past it.
  std::string value = input;
  if (!value.empty() && value.front() == '"') {
    std::size_t close = 1;
    while (close < value.size() && value[close] != '"') close += value[close] == '\\' ? 2 : 1;
    if (close >= value.size()) return false;
    value = "name" + value.substr(close + 1);
  }
  if (value.find_first_of(",;") != std::string::npos) return false;
  std::string address = value;
  const auto open = value.find('<');
  if (open != std::string::npos) {
    const auto close = value.find('>', open);
    if (close == std::string::npos || close + 1 != value.size()) return false;
    address = value.substr(open + 1, close - open - 1);
  }
  const auto at = address.find('@');
  return at != std::string::npos && at > 0 && at + 1 < address.size() &&
         address.find('@', at + 1) == std::string::npos &&
         address.find_first_of(" \t\r\n<>") == std::string::npos;
}

std::string iso_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string next_id() {
  static std::atomic<unsigned> counter{0};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-00000000fa4e", ++counter);
  return buf;
}

std::optional<json::object> parse_fields(const std::string& body,
                                         const std::vector<std::string>& required,
                                         std::vector<std::string>& misses) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) {
    misses.push_back("body is not a JSON object");
    return std::nullopt;
  }
  json::object object = std::move(value.as_object());
  for (const auto& field : required) {
    const json::value* v = object.if_contains(field);
    if (v == nullptr) {
      misses.push_back("missing field " + field);
    } else if (!v->is_string()) {
      misses.push_back("field " + field + " is not a string");
    } else if (v->as_string().empty()) {
      misses.push_back("field " + field + " is empty");
    }
  }
  return object;
}

std::string field(const json::object& object, const char* name) {
  const json::value* v = object.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

FakeResponse json_response(int status, const json::object& body) {
  return FakeResponse{status, "application/json; charset=utf-8", json::serialize(body), {}};
}

std::string base64_decode(const std::string& text) {
  namespace b64 = boost::beast::detail::base64;
  // Canonical padded base64 only (what btoa() and every encoder produce). Beast's decoder
  // stops at the padding, so count it separately.
  if (text.size() % 4 != 0) return "\x01invalid base64";
  const std::size_t body = text.find_last_not_of('=') + 1;
  if (text.size() - body > 2) return "\x01invalid base64";
  std::string out(b64::decoded_size(text.size()), '\0');
  const auto [written, read] = b64::decode(out.data(), text.data(), text.size());
  if (read != body) return "\x01invalid base64";
  out.resize(written);
  return out;
}

}  // namespace linkgate::testing

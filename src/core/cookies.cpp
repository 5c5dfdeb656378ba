// Cookie parsing, serialisation and session-cookie chunking, wire-compatible with Auth.js
// (authjs-behaviour.md §0, §2, §2.4).
#include "core/cookies.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <boost/container/small_vector.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>

#include "core/form.hpp"

namespace linkgate::core {

namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

std::string_view trim_ows(std::string_view s) {
  const auto is_ows = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool is_valid_utf8(std::string_view s) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

// decodeURIComponent: fails on a malformed escape and on bytes that do not form UTF-8.
std::optional<std::string> decode_uri_component(std::string_view s) {
  auto decoded = percent_decode(s, /*plus_is_space=*/false);
  if (!decoded || !is_valid_utf8(*decoded)) return std::nullopt;
  return decoded;
}

// The bytes encodeURIComponent keeps as they are: A-Za-z0-9 and -_.!~*'().
constexpr std::array<bool, 256> kUriComponentKeeps = [] {
  std::array<bool, 256> keeps{};
  for (int c = 'A'; c <= 'Z'; ++c) keeps[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) keeps[static_cast<std::size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) keeps[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("-_.!~*'()")) keeps[static_cast<unsigned char>(c)] = true;
  return keeps;
}();

// encodeURIComponent over the bytes of value, appended to out: runs of kept bytes are copied
// whole (a session JWE is one such run), the rest become %XX.
void append_uri_component(std::string& out, std::string_view value) {
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t run = i;
    while (run < value.size() && kUriComponentKeeps[static_cast<unsigned char>(value[run])]) ++run;
    out.append(value, i, run - i);
    if (run == value.size()) break;
    const auto c = static_cast<unsigned char>(value[run]);
    out.push_back('%');
    out.push_back(kUpperHex[c >> 4]);
    out.push_back(kUpperHex[c & 0x0F]);
    i = run + 1;
  }
}

// IMF-fixdate, e.g. "Thu, 01 Jan 1970 00:00:00 GMT" (what JS Date#toUTCString writes). The time
// is clamped to years 1970..9999 so that the four-digit year format always holds.
std::string http_date(long long unix_seconds) {
  constexpr long long kMax = 253402300799LL;  // 9999-12-31T23:59:59Z
  unix_seconds = std::clamp(unix_seconds, 0LL, kMax);
  using namespace std::chrono;
  const sys_seconds tp{seconds{unix_seconds}};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{tp - day};
  static constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // Written digit by digit (years are clamped to four digits above): this runs on every
  // session cookie.
  char out[] = "Thu, 01 Jan 1970 00:00:00 GMT";
  const auto put = [&out](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10) {
      out[at + i] = static_cast<char>('0' + value % 10);
    }
  };
  std::memcpy(out, kWeekdays[weekday{day}.c_encoding()], 3);
  put(5, static_cast<unsigned>(ymd.day()), 2);
  std::memcpy(out + 8, kMonths[static_cast<unsigned>(ymd.month()) - 1], 3);
  put(12, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  put(17, static_cast<unsigned>(hms.hours().count()), 2);
  put(20, static_cast<unsigned>(hms.minutes().count()), 2);
  put(23, static_cast<unsigned>(hms.seconds().count()), 2);
  return std::string(out, sizeof out - 1);
}

// The chunk index of a cookie name belonging to the chunked cookie `base`: -1 for `base` itself,
// N for "base.N", nullopt for any other name. Beyond Auth.js (which takes every name that merely
// starts with `base`): only these exact shapes count, so an unrelated cookie such as
// "authjs.session-token-legacy" is neither read into the session nor cleared.
std::optional<long long> chunk_index(std::string_view cookie_name, std::string_view base) {
  if (cookie_name.substr(0, base.size()) != base) return std::nullopt;
  const std::string_view rest = cookie_name.substr(base.size());
  if (rest.empty()) return -1;
  if (rest.size() < 2 || rest.front() != '.') return std::nullopt;
  const std::string_view digits = rest.substr(1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  long long index = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return index;
}

// The distinct names of the request's cookies that belong to the chunked cookie `base`, in
// header order.
std::vector<std::string> seen_chunk_names(const RequestCookies& cookies, std::string_view base) {
  std::vector<std::string> names;
  for (const auto& [cookie_name, value] : cookies.all()) {
    if (!chunk_index(cookie_name, base)) continue;
    if (std::find(names.begin(), names.end(), cookie_name) == names.end()) {
      names.push_back(cookie_name);
    }
  }
  return names;
}

SetCookie clear_cookie(std::string name, const SetCookie& attributes) {
  SetCookie clear = attributes;
  clear.name = std::move(name);
  clear.value.clear();
  clear.max_age = 0;
  clear.expires.reset();
  return clear;
}

}  // namespace

RequestCookies::RequestCookies(std::string_view cookie_header) {
  std::size_t start = 0;
  while (start < cookie_header.size()) {
    std::size_t end = cookie_header.find(';', start);
    if (end == std::string_view::npos) end = cookie_header.size();
    const std::string_view pair = cookie_header.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = pair.find('=');
    // A pair without '=' or with an empty name is malformed and skipped.
    if (eq == std::string_view::npos) continue;
    const std::string_view name = trim_ows(pair.substr(0, eq));
    if (name.empty()) continue;
    std::string_view value = trim_ows(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    std::string stored(value);
    if (value.find('%') != std::string_view::npos) {
      if (auto decoded = decode_uri_component(value)) stored = std::move(*decoded);
    }
    cookies_.emplace_back(std::string(name), std::move(stored));
  }
}

std::optional<std::string> RequestCookies::get(std::string_view name) const {
  for (const auto& [cookie_name, value] : cookies_) {
    if (cookie_name == name) return value;
  }
  return std::nullopt;
}

std::string SetCookie::serialize() const {
  std::string out;
  out.reserve(name.size() + value.size() + path.size() + same_site.size() + 96);
  out.append(name).append("=");
  append_uri_component(out, value);
  if (max_age) out.append("; Max-Age=").append(std::to_string(*max_age));
  if (!path.empty()) out.append("; Path=").append(path);
  if (!domain.empty() && !name.starts_with("__Host-")) out.append("; Domain=").append(domain);
  if (expires) out.append("; Expires=").append(http_date(*expires));
  if (http_only) out.append("; HttpOnly");
  if (secure) out.append("; Secure");
  if (!same_site.empty()) out.append("; SameSite=").append(same_site);
  return out;
}

const CookieNames& CookieNames::for_scheme(bool https) {
  static const auto make = [](bool secure) {
    const std::string secure_prefix = secure ? "__Secure-" : "";
    const std::string host_prefix = secure ? "__Host-" : "";
    CookieNames names;
    names.session_token = secure_prefix + "authjs.session-token";
    names.callback_url = secure_prefix + "authjs.callback-url";
    names.csrf_token = host_prefix + "authjs.csrf-token";
    names.secure = secure;
    return names;
  };
  static const CookieNames plain = make(false);
  static const CookieNames tls = make(true);
  return https ? tls : plain;
}

std::optional<std::string> read_chunked_cookie(const RequestCookies& cookies,
                                               std::string_view name) {
  // (index, value) of the first occurrence of each matching name. The unsuffixed name sorts
  // first; Auth.js leaves its position unspecified (NaN), and a request holding both forms is
  // stale anyway.
  // Inline room for the usual one or two chunks: no allocation on the /session path.
  boost::container::small_vector<std::pair<long long, std::string_view>, 4> parts;
  boost::container::small_vector<std::string_view, 4> taken;
  for (const auto& [cookie_name, value] : cookies.all()) {
    const auto index = chunk_index(cookie_name, name);
    if (!index) continue;
    if (std::find(taken.begin(), taken.end(), cookie_name) != taken.end()) continue;
    taken.push_back(cookie_name);
    if (value.empty()) continue;
    parts.emplace_back(*index, value);
  }
  if (parts.empty()) return std::nullopt;
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string joined;
  for (const auto& part : parts) joined += part.second;
  return joined;
}

std::vector<SetCookie> write_chunked_cookie(const RequestCookies& cookies, std::string_view name,
                                            const std::string& value, const SetCookie& attributes) {
  // The new cookies. Chunks are cut by bytes; Auth.js cuts UTF-16 units, which is the same for
  // the ASCII values (JWE compact, UUID) this stores. An empty value writes no cookie, as in
  // Auth.js (zero chunks).
  std::vector<SetCookie> fresh;
  const std::size_t count = (value.size() + kSessionChunkSize - 1) / kSessionChunkSize;
  for (std::size_t i = 0; i < count; ++i) {
    SetCookie cookie = attributes;
    cookie.name = count == 1 ? std::string(name) : std::string(name) + "." + std::to_string(i);
    cookie.value = value.substr(i * kSessionChunkSize, kSessionChunkSize);
    fresh.push_back(std::move(cookie));
  }
  // Clears for every chunk name seen in the request, in request order. As in Auth.js, a name that
  // is written again carries its new value in place of the clear, so no name appears twice in one
  // response (RFC 6265 §4.1.1); the remaining new cookies follow.
  std::vector<SetCookie> out;
  for (auto& seen : seen_chunk_names(cookies, name)) {
    const auto it = std::find_if(fresh.begin(), fresh.end(),
                                 [&](const SetCookie& c) { return c.name == seen; });
    if (it != fresh.end()) {
      out.push_back(std::move(*it));
      fresh.erase(it);
    } else {
      out.push_back(clear_cookie(std::move(seen), attributes));
    }
  }
  for (auto& cookie : fresh) out.push_back(std::move(cookie));
  return out;
}

std::vector<SetCookie> clear_chunked_cookie(const RequestCookies& cookies, std::string_view name,
                                            const SetCookie& attributes) {
  std::vector<SetCookie> out;
  for (auto& seen : seen_chunk_names(cookies, name)) {
    out.push_back(clear_cookie(std::move(seen), attributes));
  }
  return out;
}

}  // namespace linkgate::core

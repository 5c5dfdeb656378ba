// Cookie parsing and serialisation with Auth.js's names, attributes and chunking
// (authjs-behaviour.md §0, §2, §2.4; SPEC C2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkgate::core {

// The cookies of one request, in header order. A value is percent-decoded only when it
// contains '%' (and kept raw when that decoding fails). Never throws on garbage.
class RequestCookies {
 public:
  RequestCookies() = default;
  explicit RequestCookies(std::string_view cookie_header);
  // The first cookie with this exact name.
  std::optional<std::string> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return cookies_; }

 private:
  std::vector<std::pair<std::string, std::string>> cookies_;
};

struct SetCookie {
  std::string name;
  std::string value;
  std::optional<long long> max_age;  // seconds
  std::string path = "/";
  // Empty: a host-only cookie. Never written on a "__Host-" cookie, which must not have one.
  std::string domain;
  std::optional<long long> expires;  // Unix seconds, written as an HTTP date
  bool http_only = true;
  bool secure = false;
  std::string same_site = "Lax";
  // "name=encodeURIComponent(value); Max-Age=…; Path=…; Domain=…; Expires=…; HttpOnly; Secure;
  // SameSite=…"
  std::string serialize() const;
};

// Cookie names for one deployment: "__Secure-"/"__Host-" prefixes when the public URL is https.
struct CookieNames {
  std::string session_token;  // [__Secure-]authjs.session-token
  std::string callback_url;   // [__Secure-]authjs.callback-url
  std::string csrf_token;     // [__Host-]authjs.csrf-token
  bool secure = false;
  // The two sets are made once; the reference lives as long as the process.
  static const CookieNames& for_scheme(bool https);
};

// Chunking of the session cookie at 3936 characters.
inline constexpr std::size_t kSessionChunkSize = 3936;

// Reads the (possibly chunked) session cookie: the non-empty cookies whose names start with
// `name`, ordered by the integer after the last '.', concatenated. nullopt when there are none.
std::optional<std::string> read_chunked_cookie(const RequestCookies& cookies,
                                               std::string_view name);
// The Set-Cookies that write `value` (chunked as name.0, name.1, … above kSessionChunkSize):
// first a clear (empty value, Max-Age=0) for every chunk name present in the request, then the
// new cookie(s), each carrying `attributes` (name and value are set per chunk).
std::vector<SetCookie> write_chunked_cookie(const RequestCookies& cookies, std::string_view name,
                                            const std::string& value, const SetCookie& attributes);
// The Set-Cookies that clear every chunk of `name` present in the request.
std::vector<SetCookie> clear_chunked_cookie(const RequestCookies& cookies, std::string_view name,
                                            const SetCookie& attributes);

}  // namespace linkgate::core

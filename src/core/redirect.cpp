// The same-origin redirect rule: Auth.js's default `redirect` callback (authjs-behaviour.md §4),
// hardened against the URL-parser differential attacks of attack-cases.md #6, #7, #13, #14, #20
// and #28.
//
// Why the extra rejections: this code parses with Boost.URL (RFC 3986), but the browser that
// follows the Location header parses with the WHATWG URL standard. The two disagree on
// backslashes (WHATWG reads '\' as '/' in http(s) URLs, so "/\evil.com" is "//evil.com"), on
// tab/CR/LF (WHATWG silently deletes them, so "/\t/evil.com" is "//evil.com"), on leading and
// trailing spaces and C0 controls (WHATWG trims them), on "http:evil.com" / "http:///evil.com"
// (WHATWG finds the host evil.com where RFC 3986 finds none), and on percent-escapes and Unicode
// in hosts (WHATWG decodes and IDNA-maps them). Any input with one of those features goes to the
// base URL instead of being interpreted.
#include "core/redirect.hpp"

#include "core/sign_in_policy.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace linkgate::core {

namespace {

namespace urls = boost::urls;

struct Origin {
  bool https = false;
  std::string host;   // lower-case, as written (no percent-escapes)
  unsigned port = 0;  // explicit or the scheme's default
  bool operator==(const Origin&) const = default;
};

// ASCII controls, space, DEL, backslash and non-ASCII bytes: what WHATWG strips, trims,
// rewrites or re-encodes while RFC 3986 rejects or keeps it.
bool has_ambiguous_byte(std::string_view url) {
  return std::any_of(url.begin(), url.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c >= 0x7F || c == '\\';
  });
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// The origin of an absolute http(s) URL with an authority and a plain host; nullopt for anything
// else (other schemes, "http:host", "http:///host", userinfo, an empty or percent-encoded host,
// IPvFuture, a bad port).
std::optional<Origin> origin_of(std::string_view text) {
  const auto parsed = urls::parse_uri(text);
  if (!parsed) return std::nullopt;
  const urls::url_view& u = *parsed;
  Origin origin;
  if (u.scheme_id() == urls::scheme::https) {
    origin.https = true;
  } else if (u.scheme_id() != urls::scheme::http) {
    return std::nullopt;
  }
  if (!u.has_authority() || u.has_userinfo()) return std::nullopt;
  // RFC 3986 wants "/" or nothing after the authority, but Boost.URL 1.81 reads
  // "https://host:443hx" as port "443" and path "hx" (found by fuzz/fuzz_redirect); WHATWG
  // fails on that port, so such a URL is not ours to pass on.
  if (const std::string_view path = u.encoded_path(); !path.empty() && path.front() != '/') {
    return std::nullopt;
  }
  if (u.host_type() != urls::host_type::name && u.host_type() != urls::host_type::ipv4 &&
      u.host_type() != urls::host_type::ipv6) {
    return std::nullopt;
  }
  const std::string_view host = u.encoded_host();
  if (host.empty() || host.find('%') != std::string_view::npos) return std::nullopt;
  origin.host.resize(host.size());
  std::transform(host.begin(), host.end(), origin.host.begin(), ascii_lower);

  origin.port = origin.https ? 443 : 80;
  const std::string_view port = u.port();
  if (u.has_port() && !port.empty()) {
    // WHATWG reads the port as a decimal number (leading zeros allowed) up to 65535.
    unsigned long value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value > 65535) {
      return std::nullopt;
    }
    origin.port = static_cast<unsigned>(value);
  }
  return origin;
}

}  // namespace

bool redirect_host_listed(std::string_view host, std::span<const std::string> hosts) {
  return std::any_of(hosts.begin(), hosts.end(),
                     [host](const std::string& entry) { return domain_matches(host, entry); });
}

std::string safe_redirect(std::string_view url, std::string_view base_url,
                          std::span<const std::string> hosts) {
  std::string base(base_url);
  // Whatever the checks below decide, the answer is `base`, which is the URL itself: the common
  // case (no callbackUrl anywhere, so the candidate is the origin) skips parsing both.
  if (url.empty() || url == base_url || has_ambiguous_byte(url)) return base;

  if (url.front() == '/') {
    // Auth.js: a relative URL is appended to the base. "//host" is a scheme-relative URL to
    // another host for every parser (#13), so it is not a path.
    if (url.size() > 1 && url[1] == '/') return base;
    if (!urls::parse_relative_ref(url)) return base;
    return base + std::string(url);
  }

  // Auth.js compares `new URL(url).origin` with the base; here both are parsed the same way and
  // compared on scheme, lower-case host and effective port (http://h:80 == http://h).
  const auto target = origin_of(url);
  if (!target) return base;
  const auto own = origin_of(base_url);
  if (!own) return base;
  if (*target == *own) return std::string(url);
  // Another host the deployment named, never a step down from https.
  if (redirect_host_listed(target->host, hosts) && (target->https || !own->https)) {
    return std::string(url);
  }
  return base;
}

}  // namespace linkgate::core

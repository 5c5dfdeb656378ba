// The same-origin redirect rule (authjs-behaviour.md §4 default `redirect`, SPEC C1,
// attack-cases.md #6, #7, #13, #20).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace linkgate::core {

// Returns where to send the browser for a requested `url`, given the app's origin `base_url`
// (scheme://host[:port], no trailing slash):
// - a relative path starting with a single "/" → base_url + url;
// - an absolute http(s) URL whose origin equals base_url → url;
// - an absolute http(s) URL whose host is in `hosts` ("app.example.com" that host on any port,
//   ".example.com" any host under example.com; lower case) → url, but only https when base_url
//   is https;
// - anything else (other origins, "//host", "/\host", backslashes, whitespace or control
//   characters anywhere, unparsable input, other schemes) → base_url.
// Never throws. Rejects whatever RFC 3986 and the WHATWG URL parser could read differently.
std::string safe_redirect(std::string_view url, std::string_view base_url,
                          std::span<const std::string> hosts = {});

// Whether `host` (lower case) is one of `hosts` as safe_redirect reads them.
bool redirect_host_listed(std::string_view host, std::span<const std::string> hosts);

}  // namespace linkgate::core

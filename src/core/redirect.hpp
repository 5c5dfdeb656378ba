// The same-origin redirect rule (authjs-behaviour.md §4 default `redirect`, SPEC C1,
// attack-cases.md #6, #7, #13, #20).
#pragma once

#include <string>
#include <string_view>

namespace linkgate::core {

// Returns where to send the browser for a requested `url`, given the app's origin `base_url`
// (scheme://host[:port], no trailing slash):
// - a relative path starting with a single "/" → base_url + url;
// - an absolute http(s) URL whose origin equals base_url → url;
// - anything else (other origins, "//host", "/\host", backslashes, whitespace or control
//   characters anywhere, unparsable input, other schemes) → base_url.
// Never throws. Rejects whatever RFC 3986 and the WHATWG URL parser could read differently.
std::string safe_redirect(std::string_view url, std::string_view base_url);

}  // namespace linkgate::core

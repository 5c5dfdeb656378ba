// callbackUrl validation (core/redirect.hpp, attack-cases.md #6, #7, #13, #14, #20, #28).
// Invariant: whatever the input, the answer is a URL that a browser reads as same-origin with the
// base (checked by an independent parser in fuzz_check.hpp); a relative input is kept as a path
// on the base, never read as a host; and the answer for the base itself is the base.
#include <string>

#include "core/redirect.hpp"
#include "fuzz_check.hpp"

namespace {

void check(std::string_view url, std::string_view base) {
  const std::string target = linkgate::core::safe_redirect(url, base);
  FUZZ_CHECK(linkgate::fuzz::same_origin(target, base));
  // Only three answers exist: the base, the base plus a single-'/' path, or the input itself.
  const bool is_base = target == base;
  const bool is_path = target.size() > base.size() && target.starts_with(base) &&
                       target.substr(base.size()) == url && url.starts_with('/') &&
                       !url.starts_with("//");
  const bool is_input = target == url;
  FUZZ_CHECK(is_base || is_path || is_input);
  // The answer is a fixed point: validating it again changes nothing.
  FUZZ_CHECK(linkgate::core::safe_redirect(target, base) == target || is_path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view url = linkgate::fuzz::as_text(data, size);
  check(url, "http://localhost:3000");
  check(url, "https://example.com");
  check(url, "http://127.0.0.1");
  return 0;
}

// The default email normalizer (authjs-behaviour.md §3.4, SPEC C4), hardened against the
// identifier attacks of attack-cases.md #1–#4 and #18.
#include "core/identifier.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>

#include "linkgate/config.hpp"  // default_normalize_identifier

namespace linkgate::core {

namespace {

constexpr std::string_view kMissing = "Missing email from request body.";
constexpr std::string_view kInvalid = "Invalid email address format.";

// Beyond Auth.js: limits of RFC 5321 (a path holds at most 254 octets of address; a local part at
// most 64). The raw input is capped first so that an oversized body costs no Unicode work; NFKC
// and trimming can shrink text, so the cap is well above the final limit.
constexpr std::size_t kMaxInputBytes = 4096;
constexpr std::size_t kMaxAddressBytes = 254;
constexpr std::size_t kMaxLocalBytes = 64;

Error invalid() {
  return Error{"invalid_input", std::string(kInvalid)};
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

// JS String.prototype.trim's set: WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP, category Zs) and
// LineTerminator (LF, CR, LS, PS).
bool is_js_trim_space(UChar32 c) {
  switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0xFEFF:
    case 0x2028:
    case 0x2029:
      return true;
    default:
      return u_charType(c) == U_SPACE_SEPARATOR;
  }
}

icu::UnicodeString js_trim(const icu::UnicodeString& s) {
  int32_t start = 0;
  int32_t end = s.length();
  while (start < end && is_js_trim_space(s.char32At(start))) start = s.moveIndex32(start, 1);
  while (end > start) {
    const int32_t previous = s.moveIndex32(end, -1);
    if (!is_js_trim_space(s.char32At(previous))) break;
    end = previous;
  }
  return icu::UnicodeString(s, start, end - start);
}

// Auth.js step 1 on UTF-16 text: NFKC, root-locale lowercase, JS trim.
icu::UnicodeString nfkc_lower_trim(const icu::Normalizer2& nfkc, const icu::UnicodeString& input,
                                   UErrorCode& status) {
  icu::UnicodeString text = nfkc.normalize(input, status);
  text.toLower(icu::Locale::getRoot());
  return js_trim(text);
}

// Beyond Auth.js: code points no address needs and that enable header injection or display
// spoofing: controls (CR/LF/TAB/NUL, C1), format characters (zero-width, bidi overrides, BOM),
// private use, and any white space.
bool is_forbidden_code_point(UChar32 c) {
  switch (u_charType(c)) {
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_PRIVATE_USE_CHAR:
    case U_SURROGATE:
    case U_SPACE_SEPARATOR:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
      return true;
    default:
      return u_isUWhiteSpace(c) != 0;
  }
}

// Beyond Auth.js: RFC 5322 specials that only appear in quoted, commented, bracketed or
// multi-recipient forms, which a transport may read as another recipient (#1, #2, #3).
bool is_forbidden_ascii(char c) {
  return c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\' ||
         c == ';' || c == ':';
}

}  // namespace

Result<std::string> normalize_identifier(std::string_view email) {
  if (email.empty()) return Error{"invalid_input", std::string(kMissing)};
  if (email.size() > kMaxInputBytes || !is_valid_utf8(email)) return invalid();

  // Auth.js step 1: NFKC, then lowercase (JS toLowerCase = locale-independent full mapping, which
  // is ICU's root-locale toLower), then trim. NFKC comes before every check, so a compatibility
  // form of '@' (U+FF20, U+FE6B) becomes a second '@' and is rejected (#4).
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status) || nfkc == nullptr) return invalid();
  const icu::UnicodeString text =
      nfkc_lower_trim(*nfkc,
                      icu::UnicodeString::fromUTF8(
                          icu::StringPiece(email.data(), static_cast<int32_t>(email.size()))),
                      status);
  // Beyond Auth.js: the result must survive step 1 unchanged, so that normalizing a stored
  // identifier gives it back and one address never splits into two users. Lowercasing can undo
  // NFKC: U+0130 (İ) becomes 'i' + U+0307, which a following mark below (ccc < 230) must precede
  // in normal form, so "İ\u0320" would map to one string now and to another on a second pass.
  if (U_FAILURE(status)) return invalid();
  const bool stable = nfkc_lower_trim(*nfkc, text, status) == text;
  if (U_FAILURE(status) || !stable) return invalid();

  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    if (is_forbidden_code_point(text.char32At(i))) return invalid();
  }
  std::string normalized;
  text.toUTF8String(normalized);

  // Auth.js step 2: no '"' anywhere (quoted local parts, #3).
  if (normalized.find('"') != std::string::npos) return invalid();
  if (std::any_of(normalized.begin(), normalized.end(), is_forbidden_ascii)) return invalid();

  // Auth.js step 3: exactly one '@', both sides non-empty (#4, #18).
  const std::size_t at = normalized.find('@');
  if (at == std::string::npos || normalized.find('@', at + 1) != std::string::npos) {
    return invalid();
  }
  const std::string local = normalized.substr(0, at);
  std::string domain = normalized.substr(at + 1);
  if (local.empty() || domain.empty()) return invalid();
  // Beyond Auth.js: an unquoted ',' in the local part is a recipient list to some transports
  // ("attacker,victim@victim.com", #1).
  if (local.find(',') != std::string::npos) return invalid();

  // Auth.js step 4: the domain ends at the first ',' ("a@b.com,evil.com" → "a@b.com").
  domain = domain.substr(0, domain.find(','));
  if (domain.empty()) return invalid();

  // Beyond Auth.js: domain shape and RFC 5321 lengths.
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos) {
    return invalid();
  }
  if (local.size() > kMaxLocalBytes || local.size() + 1 + domain.size() > kMaxAddressBytes) {
    return invalid();
  }
  return local + "@" + domain;
}

}  // namespace linkgate::core

namespace linkgate {

Result<std::string> default_normalize_identifier(std::string_view email) {
  return core::normalize_identifier(email);
}

}  // namespace linkgate

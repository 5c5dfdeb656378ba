#include "core/identifier.hpp"

#include <gtest/gtest.h>

#include <string>

namespace linkgate::core {
namespace {

constexpr const char* kMissing = "Missing email from request body.";
constexpr const char* kInvalid = "Invalid email address format.";

void expect_ok(std::string_view input, std::string_view expected) {
  const auto result = normalize_identifier(input);
  ASSERT_TRUE(result.ok()) << "input: " << input << " error: " << result.error().message;
  EXPECT_EQ(result.value(), expected) << "input: " << input;
}

void expect_invalid(std::string_view input) {
  const auto result = normalize_identifier(input);
  ASSERT_FALSE(result.ok()) << "input: " << input << " gave: " << result.value();
  EXPECT_EQ(result.error().kind, "invalid_input");
  EXPECT_EQ(result.error().message, kInvalid) << "input: " << input;
}

// authjs-behaviour.md §3.4 examples (test/email-normalizer.test.ts).
TEST(NormalizeIdentifier, Section34Examples) {
  expect_ok("Foo@Example.com", "foo@example.com");
  expect_ok("  foo@example.com  ", "foo@example.com");
  expect_ok("foo@example.com,evil.com", "foo@example.com");
  expect_invalid("\"foo@evil.com\"@example.com");
  expect_invalid("a@b@c");
  expect_invalid(
      "foo@evil.com\xEF\xBC\xA0"
      "example.com");  // fullwidth @ U+FF20
  expect_invalid(
      "foo@evil.com\xEF\xB9\xAB"
      "example.com");  // small @ U+FE6B
}

TEST(NormalizeIdentifier, Section34MissingInput) {
  const auto result = normalize_identifier("");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, "invalid_input");
  EXPECT_EQ(result.error().message, kMissing);
}

// As in Auth.js, only an empty input is "missing"; blank input fails the format check.
TEST(NormalizeIdentifier, Section34BlankInputIsInvalid) {
  expect_invalid(" ");
  expect_invalid("     ");
  expect_invalid("\t\n ");
  expect_invalid("\xE3\x80\x80");  // ideographic space U+3000
}

// authjs-behaviour.md §3.4 step 1: JS trim also removes Unicode spaces and line terminators.
TEST(NormalizeIdentifier, Section34TrimsJsWhitespace) {
  expect_ok("\t\n\v\f\r foo@example.com \r\n", "foo@example.com");
  expect_ok(
      "\xC2\xA0"
      "foo@example.com"
      "\xC2\xA0",
      "foo@example.com");  // NBSP
  expect_ok(
      "\xE2\x80\xA8"
      "foo@example.com"
      "\xE2\x80\xA9",
      "foo@example.com");  // LS, PS
  expect_ok(
      "\xEF\xBB\xBF"
      "foo@example.com"
      "\xE3\x80\x80",
      "foo@example.com");  // BOM, U+3000
}

// authjs-behaviour.md §3.4 step 1: NFKC then lowercase, before any check.
TEST(NormalizeIdentifier, Section34NfkcAndLowercase) {
  expect_ok("\xEF\xBC\xA6oo@example.com", "foo@example.com");  // fullwidth F
  expect_ok("FOO@EXAMPLE.COM", "foo@example.com");
  expect_ok("\xEF\xAC\x81le@example.com", "file@example.com");  // ﬁ ligature
  expect_ok("e\xCC\x81@example.com", "\xC3\xA9@example.com");   // e + combining acute → é
}

// JS toLowerCase maps U+0130 (İ) to 'i' + U+0307 (combining dot above), as ICU's root locale does.
TEST(NormalizeIdentifier, DottedCapitalIBecomesIWithCombiningDot) {
  expect_ok("\xC4\xB0stanbul@example.com.tr", "i\xCC\x87stanbul@example.com.tr");
  expect_ok("\xC4\xB0\xCC\x81@example.com", "i\xCC\x87\xCC\x81@example.com");  // mark above
}

// Beyond Auth.js: an address whose step-1 result changes on a second pass is refused, so every
// accepted identifier normalizes to itself. Lowercasing İ puts U+0307 (ccc 230) before a mark
// below (ccc < 230) that NFKC must order first: Auth.js maps "\u0130\u0320fm@..." to
// "i\u0307\u0320fm@...", and that to "i\u0320\u0307fm@...". Found by fuzz_normalizer; the first
// input is its seed fuzz/corpus/fuzz_normalizer/turkish_i_mark_below.
TEST(NormalizeIdentifier, AddressWhoseNormalFormIsNotStableIsRejected) {
  expect_invalid(
      "\xC4\xB0\xCC\xA0"
      "fm@example.com");                                    // İ + U+0320 minus sign below
  expect_invalid("\xC4\xB0\xCC\xBCJ\xC3\xB8J\xC3\xBC@Bc");  // İ + U+033C seagull below
  expect_invalid(
      "\xC4\xB0\xCC\xAE"
      "fo@ex,1**e.m");                               // İ + U+032E breve below
  expect_invalid("a@\xC4\xB0\xCC\xA0.example.com");  // the same in the domain
}

TEST(NormalizeIdentifier, NonAsciiLocalPartAndIdnDomainAreAccepted) {
  expect_ok("JOS\xC3\x89@Ex\xC3\xA4mple.com", "jos\xC3\xA9@ex\xC3\xA4mple.com");
  expect_ok("\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.\xE5\xB9\xBF\xE5\x91\x8A",
            "\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.\xE5\xB9\xBF\xE5\x91\x8A");
  expect_ok("\xCE\xA3\xCE\x91@example.com", "\xCF\x83\xCE\xB1@example.com");  // ΣΑ → σα
  expect_ok("user+tag@sub.example.co.uk", "user+tag@sub.example.co.uk");
}

// attack-cases.md #1: a recipient list. The list has two '@', so it is rejected outright (as in
// Auth.js's "exactly 2 parts"); a comma in the local part is rejected too (beyond Auth.js).
TEST(NormalizeIdentifier, AttackCase1RecipientListIsRejected) {
  expect_invalid("attacker@attacker.com,victim@victim.com");
  expect_invalid("attacker@attacker.com, victim@victim.com");
  expect_invalid("attacker,victim@victim.com");
  expect_invalid("attacker@attacker.com;victim@victim.com");
  expect_invalid("attacker@attacker.com;victim.com");
  // A trailing comma part without '@' is cut off (§3.4 step 4), leaving one address.
  expect_ok("attacker@attacker.com,victim.com", "attacker@attacker.com");
  expect_invalid("foo@,evil.com");
}

// attack-cases.md #2: markup in the identifier. Decision: rejected, never reduced. The '"' alone
// rejects it, and without quotes the whitespace and '<>' checks (which run on the whole input,
// before the comma cut) reject it as well.
TEST(NormalizeIdentifier, AttackCase2MarkupIsRejected) {
  expect_invalid(
      "victim@x.com, <a href=\"http://attacker.com\">Before signing in, claim your money!</a>");
  expect_invalid("victim@x.com, <a href=http://attacker.com>claim</a>");
  expect_invalid("victim@x.com,<b>x</b>");
  expect_invalid("<victim@x.com>");
  expect_invalid("Victim <victim@x.com>");
}

// attack-cases.md #3: a quoted local part.
TEST(NormalizeIdentifier, AttackCase3QuotedLocalPartIsRejected) {
  expect_invalid("\"e@attacker.com\"@victim.com");
  expect_invalid("\"e\"@victim.com");
  expect_invalid("e@victim.com\"");
}

// attack-cases.md #4 and #18: homoglyph and repeated '@'.
TEST(NormalizeIdentifier, AttackCase4And18SecondAtIsRejected) {
  expect_invalid("attacker@evil.com\xEF\xBC\xA0victim.company.com");
  expect_invalid(
      "attacker@evil.com\xEF\xB9\xAB"
      "victim.company.com");
  expect_invalid("foo@evil.com@example.com");
  expect_invalid("attacker@evil.com@company.com");
  expect_invalid("@example.com");
  expect_invalid("foo@");
  expect_invalid("@");
  expect_invalid("foo");
  expect_invalid(
      "foo\xEF\xBC\xA0"
      "example.com,evil@x.com");
}

TEST(NormalizeIdentifier, HeaderInjectionIsRejected) {
  expect_invalid("a@b.c\r\nBcc: x@y.z");
  expect_invalid("a@b.c\nBcc:x@y.z");
  expect_invalid("a@b.c\rx");
  expect_invalid(std::string_view("a@b.c\0x", 7));
  expect_invalid(std::string_view("a\0@b.c", 6));
  expect_invalid("a\t@b.c");
  expect_invalid("a@b\x7F.c");
  expect_invalid("a@b\xC2\x85.c");  // NEL U+0085
}

TEST(NormalizeIdentifier, InnerWhitespaceAndSpecialsAreRejected) {
  for (const char* input : {"a b@c.d", "a@b c.d", "a@b.c, d.e",
                            "a\xC2\xA0"
                            "b@c.d",
                            "a\xE2\x80\x8B"
                            "b@c.d",  // zero-width space
                            "a\xE2\x80\xAE"
                            "b@c.d",  // right-to-left override
                            "a<b@c.d", "a>b@c.d", "a(b)@c.d", "a@[1.2.3.4]", "a\\b@c.d", "a;b@c.d",
                            "a:b@c.d", "a@b.c:25"}) {
    expect_invalid(input);
  }
}

TEST(NormalizeIdentifier, DomainShapeIsChecked) {
  expect_invalid("a@.example.com");
  expect_invalid("a@example.com.");
  expect_invalid("a@example..com");
  expect_invalid("a@.");
  expect_invalid("a@..,x");
  expect_ok("a@localhost", "a@localhost");
}

TEST(NormalizeIdentifier, LengthLimits) {
  const std::string local64(64, 'a');
  expect_ok(local64 + "@example.com", local64 + "@example.com");
  expect_invalid(std::string(65, 'a') + "@example.com");
  // 254 bytes in total is the most an address may have.
  const std::string domain =
      std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(57, 'd') + ".com";
  const std::string at_limit = local64 + "@" + domain;
  ASSERT_EQ(at_limit.size(), 254u);
  expect_ok(at_limit, at_limit);
  expect_invalid(at_limit + "e");
  // Multi-byte characters count in bytes: 32 × "é" is 64 bytes, 33 is too long.
  std::string e_acute;
  for (int i = 0; i < 33; ++i) e_acute += "\xC3\xA9";
  expect_invalid(e_acute + "@example.com");
  expect_ok(e_acute.substr(2) + "@example.com", e_acute.substr(2) + "@example.com");
}

TEST(NormalizeIdentifier, TenThousandCharacterAddressIsRejected) {
  expect_invalid(std::string(10000, 'a') + "@example.com");
  expect_invalid("a@" + std::string(10000, 'b') + ".com");
  expect_invalid(std::string(5000, ' ') + "a@b.com" + std::string(5000, ' '));
  expect_invalid(std::string(65536, '@'));
}

TEST(NormalizeIdentifier, InvalidUtf8IsRejected) {
  expect_invalid("a\xFF@example.com");
  expect_invalid("a@example.com\xC3");              // truncated sequence
  expect_invalid("\xC0\xAF@example.com");           // overlong '/'
  expect_invalid("a\xED\xA0\x80@example.com");      // UTF-16 surrogate
  expect_invalid("a\xF4\x90\x80\x80@example.com");  // beyond U+10FFFF
  expect_invalid(
      "a@ex\x80"
      "ample.com");  // stray continuation byte
}

}  // namespace
}  // namespace linkgate::core

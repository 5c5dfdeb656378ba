// One-time codes (SPEC B3, B4b): generation, the keyed and domain-separated hash, the typed-code
// cleanup and the configuration check.
#include "core/one_time_code.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>

#include "crypto/digest.hpp"
#include "crypto/random.hpp"

namespace linkgate::core {
namespace {

TEST(OneTimeCode, HasTheConfiguredNumberOfDecimalDigits) {
  for (int digits = kMinCodeDigits; digits <= kMaxCodeDigits; ++digits) {
    for (int i = 0; i < 50; ++i) {
      const std::string code = make_one_time_code(digits);
      ASSERT_EQ(code.size(), static_cast<std::size_t>(digits));
      for (char c : code) ASSERT_TRUE(c >= '0' && c <= '9') << code;
    }
  }
}

TEST(OneTimeCode, CodesDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(make_one_time_code(10));
  EXPECT_EQ(seen.size(), 200u);  // 200 draws from 10^10: a repeat means a broken generator
}

// Every digit equally likely: 200 000 digits, each count within 4% of 20 000 (about 9 standard
// deviations), and a chi-square statistic far below what a biased generator gives. A modulo of
// a byte (256 % 10 = 6) would make 0..5 about 2.3% likelier than 6..9: the chi-square test
// (threshold 40, p < 1e-5 for 9 degrees of freedom) catches that at this sample size.
TEST(OneTimeCode, DigitsAreUniform) {
  const std::string digits = crypto::random_digits(200000);
  ASSERT_EQ(digits.size(), 200000u);
  std::array<int, 10> counts{};
  for (char c : digits) {
    ASSERT_TRUE(c >= '0' && c <= '9');
    ++counts[static_cast<std::size_t>(c - '0')];
  }
  double chi_square = 0;
  for (int count : counts) {
    EXPECT_NEAR(count, 20000, 800);
    chi_square += (count - 20000.0) * (count - 20000.0) / 20000.0;
  }
  EXPECT_LT(chi_square, 40.0);
}

TEST(OneTimeCodeHash, IsHmacSha256OfTheDomainSeparatedMessage) {
  std::string message{"linkgate one-time code"};
  message += '\0';
  message += "jane@example.com";
  message += '\0';
  message += "123456";
  const std::string expected = [&] {
    const std::string mac = crypto::hmac_sha256("secret", message);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : mac) {
      out += hex[b >> 4];
      out += hex[b & 15];
    }
    return out;
  }();
  EXPECT_EQ(one_time_code_hash("secret", "jane@example.com", "123456"), expected);
  EXPECT_EQ(expected.size(), 64u);
}

// SPEC B4b: a code's hash can never equal a link token's stored hash, sha256hex(token + secret).
TEST(OneTimeCodeHash, NeverEqualsALinkTokenHash) {
  const std::string secret = "secret";
  EXPECT_NE(one_time_code_hash(secret, "jane@example.com", "123456"),
            crypto::sha256_hex(std::string("123456") + secret));
}

TEST(OneTimeCodeHash, BindsTheIdentifierAndTheSecret) {
  const auto base = one_time_code_hash("secret", "jane@example.com", "123456");
  EXPECT_NE(base, one_time_code_hash("secret", "john@example.com", "123456"));
  EXPECT_NE(base, one_time_code_hash("other", "jane@example.com", "123456"));
  EXPECT_NE(base, one_time_code_hash("secret", "jane@example.com", "123457"));
  // The separator keeps identifier and code apart: moving a character across gives another hash.
  EXPECT_NE(one_time_code_hash("secret", "a@b.c1", "23456"),
            one_time_code_hash("secret", "a@b.c", "123456"));
  EXPECT_EQ(base, one_time_code_hash("secret", "jane@example.com", "123456"));
}

TEST(CleanTypedCode, KeepsDigitsDropsGroupingRejectsTheRest) {
  EXPECT_EQ(clean_typed_code("123456", 6), "123456");
  EXPECT_EQ(clean_typed_code(" 123 456 ", 6), "123456");
  EXPECT_EQ(clean_typed_code("123-456", 6), "123456");
  EXPECT_FALSE(clean_typed_code("12345", 6));
  EXPECT_FALSE(clean_typed_code("1234567", 6));
  EXPECT_FALSE(clean_typed_code("12345a", 6));
  EXPECT_FALSE(clean_typed_code("１２３４５６", 6));  // full-width digits are not ASCII digits
  EXPECT_FALSE(clean_typed_code("", 6));
  EXPECT_EQ(clean_typed_code("0123456789", 10), "0123456789");
}

TEST(Redemption, ValidatesDigitsAndAttempts) {
  Redemption r;
  EXPECT_TRUE(valid_redemption(r));  // the defaults: 6 digits, 5 attempts
  for (int d : {6, 8, 10}) {
    r.code_digits = d;
    EXPECT_TRUE(valid_redemption(r)) << d;
  }
  for (int d : {-1, 0, 5, 11, 100}) {
    r.code_digits = d;
    EXPECT_FALSE(valid_redemption(r)) << d;
  }
  r.code_digits = 6;
  r.code_max_attempts = 0;
  EXPECT_FALSE(valid_redemption(r));
  r.code_max_attempts = 1;
  EXPECT_TRUE(valid_redemption(r));
}

}  // namespace
}  // namespace linkgate::core

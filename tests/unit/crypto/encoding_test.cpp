#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace linkgate::crypto {
namespace {

std::string all_bytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

TEST(Hex, EncodesLowercase) {
  EXPECT_EQ(hex_encode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(hex_encode(""), "");
}

TEST(Hex, RoundTripsEveryByte) {
  const std::string bytes = all_bytes();
  EXPECT_EQ(hex_decode(hex_encode(bytes)), bytes);
}

TEST(Hex, DecodesEitherCase) {
  EXPECT_EQ(hex_decode("ABff"), std::string("\xab\xff", 2));
}

TEST(Hex, RejectsBadInput) {
  EXPECT_EQ(hex_decode("abc"), std::nullopt);   // odd length
  EXPECT_EQ(hex_decode("zz"), std::nullopt);    // not hex
  EXPECT_EQ(hex_decode("0 "), std::nullopt);    // whitespace
  EXPECT_EQ(hex_decode("0x00"), std::nullopt);  // prefix
  EXPECT_EQ(hex_decode(""), std::string());
}

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, UsesStandardAlphabet) {
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Base64Url, UsesUrlAlphabetWithoutPadding) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Url, RoundTripsEveryLength) {
  const std::string bytes = all_bytes();
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string slice = bytes.substr(bytes.size() - n);
    EXPECT_EQ(base64url_decode(base64url_encode(slice)), slice) << n;
  }
}

TEST(Base64Url, DecodesJoseHeader) {
  EXPECT_EQ(base64url_decode("eyJhbGciOiJkaXIifQ"), R"({"alg":"dir"})");
}

TEST(Base64Url, RejectsBadInput) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);       // padding
  EXPECT_EQ(base64url_decode("Zm9v YmFy"), std::nullopt);  // whitespace
  EXPECT_EQ(base64url_decode("Zm9v\nYmFy"), std::nullopt);
  EXPECT_EQ(base64url_decode("+/8"), std::nullopt);    // standard alphabet
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);  // 1 mod 4 characters
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);     // non-zero trailing bits
  EXPECT_EQ(base64url_decode(std::string("Zg\0", 3)), std::nullopt);
  EXPECT_EQ(base64url_decode("\xc3\xa9"), std::nullopt);
  EXPECT_EQ(base64url_decode(""), std::string());
}

// Every position of a whole group and of both tail lengths is checked for the alphabet, and
// both tails for leftover bits.
TEST(Base64Url, RejectsABadCharacterAtAnyPositionAndNonZeroLeftoverBits) {
  for (const std::string valid : {"Zm9vYmFy", "Zm9vYmE", "Zm9vYg"}) {
    ASSERT_TRUE(base64url_decode(valid).has_value()) << valid;
    for (std::size_t at = 0; at < valid.size(); ++at) {
      for (const char bad : {'=', '+', '/', '.', ' ', '\0', '\x80'}) {
        std::string corrupted = valid;
        corrupted[at] = bad;
        EXPECT_EQ(base64url_decode(corrupted), std::nullopt) << valid << " at " << at;
      }
    }
  }
  EXPECT_EQ(base64url_decode("Zm9vYmF"), std::nullopt);  // 3-character tail, low bits set
  EXPECT_EQ(base64url_decode("Zm9vYmE"), "fooba");
  EXPECT_EQ(base64url_decode("Zm9vYh"), std::nullopt);  // 2-character tail, low bits set
  EXPECT_EQ(base64url_decode("Zm9vYg"), "foob");
}

}  // namespace
}  // namespace linkgate::crypto

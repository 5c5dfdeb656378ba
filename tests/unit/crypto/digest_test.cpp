#include "crypto/digest.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/encoding.hpp"

namespace linkgate::crypto {
namespace {

std::string unhex(std::string_view hex) {
  return hex_decode(hex).value();
}

TEST(Digest, Sha256KnownAnswer) {
  EXPECT_EQ(hex_encode(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, Sha512KnownAnswer) {
  EXPECT_EQ(hex_encode(sha512("abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

// authjs-behaviour.md §3.2: the stored verification-token hash.
TEST(Digest, Sha256HexVerificationTokenVectorAuthjs3_2) {
  const std::string token(64, '0');
  EXPECT_EQ(sha256_hex(token + "secret"),
            "fa5790049a353d9796744fa82b1af7f283ee25b2da46e646ece34e4ac7b187cb");
}

// authjs-behaviour.md §2.3: the CSRF cookie hash.
TEST(Digest, Sha256HexCsrfVectorAuthjs2_3) {
  std::string token;
  for (int i = 0; i < 32; ++i) token += "11";
  EXPECT_EQ(sha256_hex(token + "secret"),
            "4a6f9587c373c3f7fd32e956d33cff77fa4596398cfabd990c7417a502144861");
}

// RFC 4231 test case 2.
TEST(Digest, HmacRfc4231Case2) {
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex_encode(hmac_sha512("Jefe", "what do ya want for nothing?")),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

// A thread's HMAC context keeps the last key's pads: calls that repeat, alternate or shorten
// keys must each give the MAC of their own key (RFC 4231 cases 1 and 2).
TEST(Digest, HmacGivesEachCallsOwnKeyWhenKeysRepeatOrAlternate) {
  const std::string key1(20, '\x0b');
  const std::string case1 =
      "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
      "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854";
  const std::string case2 =
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737";
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(hex_encode(hmac_sha512(key1, "Hi There")), case1);
    EXPECT_EQ(hex_encode(hmac_sha512(key1, "Hi There")), case1);
    EXPECT_EQ(hex_encode(hmac_sha512("Jefe", "what do ya want for nothing?")), case2);
    EXPECT_EQ(hex_encode(hmac_sha512("Jefe", {"what do ya ", "want for nothing?"})), case2);
  }
  // A key that is a prefix of the previous one; on the SHA-256 context, the empty key, another
  // key, then the empty key again.
  const std::string jef = hex_encode(hmac_sha512("Jef", "x"));
  EXPECT_NE(jef, hex_encode(hmac_sha512("Jefe", "x")));
  EXPECT_EQ(hex_encode(hmac_sha512("Jef", "x")), jef);
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Digest, HmacAcceptsEmptyKeyAndData) {
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// RFC 5869 test case 1.
TEST(Digest, HmacSha512OverPartsEqualsOverTheirConcatenation) {
  const std::string key(32, '\x0b');
  EXPECT_EQ(hmac_sha512(key, {"Hi ", "", "There"}), hmac_sha512(key, "Hi There"));
  EXPECT_EQ(hmac_sha512(key, {}), hmac_sha512(key, ""));
  EXPECT_NE(hmac_sha512(key, {"Hi ", "There"}), hmac_sha512(key, "Hi  There"));
}

TEST(Hkdf, Rfc5869Case1) {
  const std::string ikm(22, '\x0b');
  const std::string salt = unhex("000102030405060708090a0b0c");
  const std::string info = unhex("f0f1f2f3f4f5f6f7f8f9");
  EXPECT_EQ(hex_encode(hkdf_sha256(ikm, salt, info, 42)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865");
}

// RFC 5869 test case 3: empty salt and info.
TEST(Hkdf, Rfc5869Case3EmptySaltAndInfo) {
  const std::string ikm(22, '\x0b');
  EXPECT_EQ(hex_encode(hkdf_sha256(ikm, "", "", 42)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
            "9d201395faa4b61a96c8");
}

}  // namespace
}  // namespace linkgate::crypto

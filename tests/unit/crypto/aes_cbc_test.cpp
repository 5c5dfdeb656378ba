#include "crypto/aes_cbc.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/encoding.hpp"

namespace linkgate::crypto {
namespace {

std::string unhex(std::string_view hex) {
  return hex_decode(hex).value();
}

// NIST SP 800-38A F.2.5 (CBC-AES256.Encrypt), first block; PKCS#7 then adds one full block.
TEST(AesCbc, NistSp800_38aFirstBlock) {
  const std::string key = unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const std::string iv = unhex("000102030405060708090a0b0c0d0e0f");
  const std::string plaintext = unhex("6bc1bee22e409f96e93d7e117393172a");
  const std::string ciphertext = aes256_cbc_encrypt(key, iv, plaintext);
  ASSERT_EQ(ciphertext.size(), 32u);
  EXPECT_EQ(hex_encode(ciphertext.substr(0, 16)), "f58c4c04d6e5f1ba779eabfb5f7bfbd6");
  EXPECT_EQ(aes256_cbc_decrypt(key, iv, ciphertext), plaintext);
}

// A thread's contexts keep the last key's schedule: calls that repeat or alternate keys, change
// the IV, or follow a failed decryption must each be those of their own key and IV.
TEST(AesCbc, EachCallUsesItsOwnKeyAndIvWhenKeysRepeatOrAlternate) {
  const std::string nist_key =
      unhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  const std::string nist_iv = unhex("000102030405060708090a0b0c0d0e0f");
  const std::string block1 = unhex("6bc1bee22e409f96e93d7e117393172a");
  // F.2.5's second block is the first block's encryption with the first ciphertext block as IV.
  const std::string iv2 = unhex("f58c4c04d6e5f1ba779eabfb5f7bfbd6");
  const std::string block2 = unhex("ae2d8a571e03ac9c9eb76fac45af8e51");
  const std::string other_key(32, 'k');
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(hex_encode(aes256_cbc_encrypt(nist_key, nist_iv, block1).substr(0, 16)),
              "f58c4c04d6e5f1ba779eabfb5f7bfbd6");
    EXPECT_EQ(hex_encode(aes256_cbc_encrypt(nist_key, iv2, block2).substr(0, 16)),
              "9cfc4e967edb808d679f777bc6702c7d");
    const std::string other = aes256_cbc_encrypt(other_key, nist_iv, block1);
    EXPECT_NE(other.substr(0, 16), iv2);
    EXPECT_EQ(aes256_cbc_decrypt(other_key, nist_iv, other), block1);
    // A ciphertext whose padding is wrong under this key fails, and leaves nothing behind.
    EXPECT_EQ(aes256_cbc_decrypt(nist_key, nist_iv, other), std::nullopt);
    EXPECT_EQ(aes256_cbc_decrypt(nist_key, nist_iv, aes256_cbc_encrypt(nist_key, nist_iv, block1)),
              block1);
  }
}

TEST(AesCbc, RoundTripsEveryPaddingLength) {
  const std::string key(32, 'k');
  const std::string iv(16, 'i');
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string plaintext(n, 'p');
    const std::string ciphertext = aes256_cbc_encrypt(key, iv, plaintext);
    EXPECT_EQ(ciphertext.size(), (n / 16 + 1) * 16);
    EXPECT_EQ(aes256_cbc_decrypt(key, iv, ciphertext), plaintext);
  }
}

TEST(AesCbc, DecryptRejectsBadInput) {
  const std::string key(32, 'k');
  const std::string iv(16, 'i');
  const std::string ciphertext = aes256_cbc_encrypt(key, iv, "hello");
  EXPECT_EQ(aes256_cbc_decrypt(key.substr(1), iv, ciphertext), std::nullopt);
  EXPECT_EQ(aes256_cbc_decrypt(key, iv.substr(1), ciphertext), std::nullopt);
  EXPECT_EQ(aes256_cbc_decrypt(key, iv, ""), std::nullopt);
  EXPECT_EQ(aes256_cbc_decrypt(key, iv, ciphertext.substr(1)), std::nullopt);
  // A wrong key almost always leaves invalid padding; this one is fixed, so the check is stable.
  EXPECT_EQ(aes256_cbc_decrypt(std::string(32, 'x'), iv, ciphertext), std::nullopt);
}

}  // namespace
}  // namespace linkgate::crypto

#include "core/jwe.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/encoding.hpp"

namespace linkgate::core {
namespace {

using crypto::base64url_decode;
using crypto::base64url_encode;
using crypto::hex_encode;

std::string unhex(std::string_view hex) {
  return crypto::hex_decode(hex).value();
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
  return out;
}

// Flips one bit of the decoded bytes of part `index` and re-encodes it canonically, so only
// the authentication can notice.
std::string tamper(const std::string& token, std::size_t index) {
  auto parts = split(token);
  std::string bytes = base64url_decode(parts.at(index)).value();
  bytes[bytes.size() / 2] ^= 0x01;
  parts[index] = base64url_encode(bytes);
  return join(parts);
}

const JweKey& test_key() {
  static const JweKey key = derive_session_key("secret", "authjs.session-token");
  return key;
}

std::string header_with(std::string_view alg, std::string_view enc) {
  return std::string(R"({"alg":")") + std::string(alg) + R"(","enc":")" + std::string(enc) +
         R"(","kid":")" + test_key().kid + R"("})";
}

// RFC 7518 Appendix B.3: AEAD_AES_256_CBC_HMAC_SHA_512 test case.
TEST(Jwe, AesCbcHmacSha512Rfc7518AppendixB3) {
  const std::string key = unhex(
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
      "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
  const std::string plaintext = unhex(
      "41206369706865722073797374656d206d757374206e6f7420626520726571756972656420746f2062652073"
      "65637265742c20616e64206974206d7573742062652061626c6520746f2066616c6c20696e746f2074686520"
      "68616e6473206f662074686520656e656d7920776974686f757420696e636f6e76656e69656e6365");
  const std::string iv = unhex("1af38c2dc2b96ffdd86694092341bc04");
  const std::string aad =
      unhex("546865207365636f6e64207072696e6369706c65206f662041756775737465204b6572636b686f666673");
  ASSERT_EQ(plaintext,
            "A cipher system must not be required to be secret, and it must be able to fall into "
            "the hands of the enemy without inconvenience");
  ASSERT_EQ(aad, "The second principle of Auguste Kerckhoffs");

  const AeadSealed sealed = aes_cbc_hmac_sha512_encrypt(key, iv, aad, plaintext);
  EXPECT_EQ(hex_encode(sealed.ciphertext),
            "4affaaadb78c31c5da4b1b590d10ffbd3dd8d5d302423526912da037ecbcc7bd"
            "822c301dd67c373bccb584ad3e9279c2e6d12a1374b77f077553df829410446b"
            "36ebd97066296ae6427ea75c2e0846a11a09ccf5370dc80bfecbad28c73f09b3"
            "a3b75e662a2594410ae496b2e2e6609e31e6e02cc837f053d21f37ff4f51950b"
            "be2638d09dd7a4930930806d0703b1f6");
  EXPECT_EQ(hex_encode(sealed.tag),
            "4dd3b4c088a7f45c216839645b2012bf2e6269a8c56a816dbc1b267761955bc5");
}

// authjs-behaviour.md §5: key derivation vectors.
TEST(Jwe, DeriveSessionKeyAuthjs5Vector) {
  const JweKey key = derive_session_key("secret", "authjs.session-token");
  EXPECT_EQ(hex_encode(key.key),
            "b1ef6cdd915c44c0a71232574a6a70546a5e16d12bb38df4638e3b96bdd32025"
            "131e90695ff072a9d148f1511c7a4981a85b63a628311da1fa7ccfc49c47c2bb");
  EXPECT_EQ(
      key.kid,
      "7x9DUMVaEU6giab0l0OWDt4e4SsRH_cbwMof2EzEyy6onK5o8xSPPB799RVoqm2v6z674kQCv9jom2T8S-a1dQ");
  EXPECT_EQ(key.kid, jwk_thumbprint(key.key));
}

TEST(Jwe, DeriveSessionKeySecurePrefixIsPartOfSaltAuthjs5) {
  const JweKey key = derive_session_key("secret", "__Secure-authjs.session-token");
  EXPECT_EQ(hex_encode(key.key).substr(0, 16), "0d8bf2d720367891");
}

TEST(Jwe, RoundTripAndHeaderShape) {
  const std::string token = jwe_encrypt(test_key(), R"({"hello":"world"})");
  const auto parts = split(token);
  ASSERT_EQ(parts.size(), 5u);
  EXPECT_EQ(base64url_decode(parts[0]),
            R"({"alg":"dir","enc":"A256CBC-HS512","kid":")" + test_key().kid + R"("})");
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(base64url_decode(parts[2])->size(), 16u);
  EXPECT_EQ(base64url_decode(parts[4])->size(), 32u);
  EXPECT_EQ(jwe_decrypt(token, {test_key()}), R"({"hello":"world"})");
}

TEST(Jwe, DerivedKeyCarriesItsEncodedHeader) {
  EXPECT_EQ(base64url_decode(test_key().header_b64),
            R"({"alg":"dir","enc":"A256CBC-HS512","kid":")" + test_key().kid + R"("})");
}

// A key made by hand has no cached header: it writes and reads the very same tokens.
TEST(Jwe, KeyWithoutCachedHeaderInteroperates) {
  JweKey bare;
  bare.key = test_key().key;
  bare.kid = test_key().kid;
  const std::string from_bare = jwe_encrypt(bare, "x");
  EXPECT_EQ(split(from_bare)[0], test_key().header_b64);
  EXPECT_EQ(jwe_decrypt(from_bare, {test_key()}), "x");
  EXPECT_EQ(jwe_decrypt(jwe_encrypt(test_key(), "y"), {bare}), "y");
}

// Same members in another order: not our header byte for byte, so the header is parsed, and the
// token is accepted because that is the header it was sealed with.
TEST(Jwe, EquivalentHeaderInAnotherOrderIsParsed) {
  const std::string iv(16, '\x05');
  const std::string token = jwe_encrypt_with(
      test_key(), R"({"kid":")" + test_key().kid + R"(","enc":"A256CBC-HS512","alg":"dir"})", iv,
      "x");
  EXPECT_EQ(jwe_decrypt(token, {test_key()}), "x");
}

TEST(Jwe, FreshIvEachTime) {
  EXPECT_NE(jwe_encrypt(test_key(), "same"), jwe_encrypt(test_key(), "same"));
}

TEST(Jwe, RoundTripsEmptyAndLongPlaintexts) {
  for (const std::size_t n : {0u, 1u, 15u, 16u, 17u, 5000u}) {
    const std::string plaintext(n, 'x');
    EXPECT_EQ(jwe_decrypt(jwe_encrypt(test_key(), plaintext), {test_key()}), plaintext) << n;
  }
}

TEST(Jwe, TamperedPartsAreRejected) {
  const std::string token = jwe_encrypt(test_key(), R"({"sub":"1"})");
  ASSERT_TRUE(jwe_decrypt(token, {test_key()}));
  EXPECT_EQ(jwe_decrypt(tamper(token, 2), {test_key()}), std::nullopt) << "iv";
  EXPECT_EQ(jwe_decrypt(tamper(token, 3), {test_key()}), std::nullopt) << "ciphertext";
  EXPECT_EQ(jwe_decrypt(tamper(token, 4), {test_key()}), std::nullopt) << "tag";

  // A header that still parses and names the same key, but is not the authenticated text.
  auto parts = split(token);
  parts[0] =
      base64url_encode(R"({"enc":"A256CBC-HS512","alg":"dir","kid":")" + test_key().kid + R"("})");
  EXPECT_EQ(jwe_decrypt(join(parts), {test_key()}), std::nullopt) << "header";
}

TEST(Jwe, TruncatedOrExtendedTagIsRejected) {
  const std::string token = jwe_encrypt(test_key(), "x");
  auto parts = split(token);
  const std::string tag = base64url_decode(parts[4]).value();
  parts[4] = base64url_encode(tag.substr(0, 16));
  EXPECT_EQ(jwe_decrypt(join(parts), {test_key()}), std::nullopt);
  parts[4] = base64url_encode(tag + "x");
  EXPECT_EQ(jwe_decrypt(join(parts), {test_key()}), std::nullopt);
}

TEST(Jwe, WrongKeyIsRejected) {
  const std::string token = jwe_encrypt(test_key(), "x");
  const JweKey other = derive_session_key("other", "authjs.session-token");
  EXPECT_EQ(jwe_decrypt(token, {other}), std::nullopt);
  EXPECT_EQ(jwe_decrypt(token, {}), std::nullopt);
  // Same kid, different key bytes: the tag check still fails.
  JweKey impostor = other;
  impostor.kid = test_key().kid;
  EXPECT_EQ(jwe_decrypt(token, {impostor}), std::nullopt);
}

TEST(Jwe, PicksKeyByKid) {
  const JweKey other = derive_session_key("other", "authjs.session-token");
  const std::string token = jwe_encrypt(test_key(), "x");
  EXPECT_EQ(jwe_decrypt(token, {other, test_key()}), "x");
}

TEST(Jwe, NoKidUsesFirstKey) {
  const JweKey other = derive_session_key("other", "authjs.session-token");
  const std::string iv(16, '\x07');
  const std::string token =
      jwe_encrypt_with(test_key(), R"({"alg":"dir","enc":"A256CBC-HS512"})", iv, "x");
  EXPECT_EQ(jwe_decrypt(token, {test_key(), other}), "x");
  EXPECT_EQ(jwe_decrypt(token, {other, test_key()}), std::nullopt);
}

TEST(Jwe, OnlyDirAndA256CbcHs512AreAccepted) {
  const std::string iv(16, '\x01');
  // Correctly authenticated, so only the header check can reject them.
  EXPECT_EQ(jwe_decrypt(jwe_encrypt_with(test_key(), header_with("dir", "A256CBC-HS512"), iv, "x"),
                        {test_key()}),
            "x");
  for (const auto& [alg, enc] :
       std::vector<std::pair<std::string, std::string>>{{"A256KW", "A256CBC-HS512"},
                                                        {"none", "A256CBC-HS512"},
                                                        {"DIR", "A256CBC-HS512"},
                                                        {"dir", "A256GCM"},
                                                        {"dir", "A128CBC-HS256"},
                                                        {"dir", "a256cbc-hs512"}}) {
    EXPECT_EQ(
        jwe_decrypt(jwe_encrypt_with(test_key(), header_with(alg, enc), iv, "x"), {test_key()}),
        std::nullopt)
        << alg << " " << enc;
  }
}

TEST(Jwe, MalformedHeadersAreRejected) {
  const std::string iv(16, '\x01');
  const std::string kid = test_key().kid;
  for (const std::string& header : {
           std::string("not json"),
           std::string("[]"),
           std::string(R"("dir")"),
           std::string(R"({"enc":"A256CBC-HS512"})"),
           std::string(R"({"alg":"dir"})"),
           std::string(R"({"alg":1,"enc":"A256CBC-HS512"})"),
           std::string(R"({"alg":"dir","enc":"A256CBC-HS512","kid":7})"),
           std::string(R"({"alg":"dir","enc":"A256CBC-HS512","kid":""})"),
           R"({"alg":"dir","enc":"A256CBC-HS512","kid":")" + kid + R"(","zip":"DEF"})",
           R"({"alg":"dir","enc":"A256CBC-HS512","kid":")" + kid + R"(","crit":["exp"]})",
           std::string(R"({"alg":"dir","enc":"A256CBC-HS512")"),
       }) {
    EXPECT_EQ(jwe_decrypt(jwe_encrypt_with(test_key(), header, iv, "x"), {test_key()}),
              std::nullopt)
        << header;
  }
}

TEST(Jwe, StructurallyBrokenTokensAreRejected) {
  const std::string token = jwe_encrypt(test_key(), "payload");
  const auto parts = split(token);
  const std::vector<std::string> bad = {
      "",
      ".",
      "....",
      "a.b.c.d.e",
      parts[0] + ".." + parts[2] + "." + parts[3],                         // four parts
      token + ".x",                                                        // six parts
      token + ".",                                                         // six, last empty
      "." + parts[1] + "." + parts[2] + "." + parts[3] + "." + parts[4],   // empty header
      parts[0] + "..." + parts[3] + "." + parts[4],                        // empty iv
      parts[0] + ".." + parts[2] + ".." + parts[4],                        // empty ciphertext
      parts[0] + ".." + parts[2] + "." + parts[3] + ".",                   // empty tag
      parts[0] + ".AAAA." + parts[2] + "." + parts[3] + "." + parts[4],    // encrypted key
      parts[0] + ".." + parts[2] + "." + parts[3] + "=" + "." + parts[4],  // padding
      parts[0] + ".." + parts[2] + ".!!!!." + parts[4],                    // garbage base64
      parts[0] + "==.." + parts[2] + "." + parts[3] + "." + parts[4],
      parts[0] + ".." + parts[2] + "." + parts[3].substr(1) + "." + parts[4],
      " " + token,
      token + "\n",
  };
  for (const std::string& t : bad) EXPECT_EQ(jwe_decrypt(t, {test_key()}), std::nullopt) << t;
}

TEST(Jwe, HugeInputIsRejected) {
  std::string huge(8 * 1024 * 1024, 'A');
  EXPECT_EQ(jwe_decrypt(huge, {test_key()}), std::nullopt);
  huge[100] = '.';
  huge[200] = '.';
  huge[300] = '.';
  huge[400] = '.';
  EXPECT_EQ(jwe_decrypt(huge, {test_key()}), std::nullopt);
  const std::string big_plaintext(2 * 1024 * 1024, 'p');
  EXPECT_EQ(jwe_decrypt(jwe_encrypt(test_key(), big_plaintext), {test_key()}), std::nullopt);
}

TEST(Jwe, DeeplyNestedHeaderIsRejected) {
  const std::string header = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(
      jwe_decrypt(jwe_encrypt_with(test_key(), header, std::string(16, 'i'), "x"), {test_key()}),
      std::nullopt);
}

}  // namespace
}  // namespace linkgate::core

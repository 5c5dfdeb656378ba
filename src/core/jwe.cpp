#include "core/jwe.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "crypto/aes_cbc.hpp"
#include "crypto/ct_equal.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace linkgate::core {
namespace {

constexpr std::size_t kKeySize = 64;
constexpr std::size_t kMacKeySize = 32;
constexpr std::size_t kIvSize = 16;
constexpr std::size_t kTagSize = 32;
// Far above any session cookie (Auth.js chunks at 3936 characters per cookie), low enough that
// a hostile token cannot make us allocate or hash much.
constexpr std::size_t kMaxTokenSize = 256 * 1024;

constexpr std::string_view kEnc = "A256CBC-HS512";

// AL of RFC 7518 §5.2.2.1: the AAD length in bits as a 64-bit big-endian integer.
std::array<char, 8> aad_length_bits(std::size_t aad_size) {
  const std::uint64_t bits = static_cast<std::uint64_t>(aad_size) * 8;
  std::array<char, 8> out{};
  for (int i = 0; i < 8; ++i) out[7 - i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  return out;
}

std::string compute_tag(std::string_view mac_key, std::string_view aad, std::string_view iv,
                        std::string_view ciphertext) {
  const auto al = aad_length_bits(aad.size());
  std::string tag =
      crypto::hmac_sha512(mac_key, {aad, iv, ciphertext, std::string_view(al.data(), al.size())});
  tag.resize(kTagSize);
  return tag;
}

std::optional<std::string> aes_cbc_hmac_sha512_decrypt(std::string_view key, std::string_view iv,
                                                       std::string_view aad,
                                                       std::string_view ciphertext,
                                                       std::string_view tag) {
  if (key.size() != kKeySize || iv.size() != kIvSize || tag.size() != kTagSize) {
    return std::nullopt;
  }
  const std::string expected = compute_tag(key.substr(0, kMacKeySize), aad, iv, ciphertext);
  if (!crypto::ct_equal(expected, tag)) return std::nullopt;
  return crypto::aes256_cbc_decrypt(key.substr(kMacKeySize), iv, ciphertext);
}

// The five parts of a compact JWE; nullopt unless there are exactly five.
std::optional<std::array<std::string_view, 5>> split_compact(std::string_view token) {
  std::array<std::string_view, 5> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t dot = token.find('.', start);
    if (dot == std::string_view::npos) return std::nullopt;
    parts[i] = token.substr(start, dot - start);
    start = dot + 1;
  }
  parts[4] = token.substr(start);
  if (parts[4].find('.') != std::string_view::npos) return std::nullopt;
  return parts;
}

// Reads the protected header. Returns the kid ("" when absent) or nullopt when the header is
// not one we accept: alg must be "dir", enc "A256CBC-HS512", and no "crit" or "zip" (we
// implement no extensions and no compression, so such a token cannot be honoured).
std::optional<std::string> check_header(std::string_view header_json) {
  boost::system::error_code ec;
  const boost::json::value header = boost::json::parse(header_json, ec);
  if (ec || !header.is_object()) return std::nullopt;
  const auto& obj = header.get_object();
  const auto* alg = obj.if_contains("alg");
  const auto* enc = obj.if_contains("enc");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != "dir") return std::nullopt;
  if (enc == nullptr || !enc->is_string() || enc->get_string() != kEnc) return std::nullopt;
  if (obj.contains("crit") || obj.contains("zip")) return std::nullopt;
  const auto* kid = obj.if_contains("kid");
  if (kid == nullptr) return std::string();
  if (!kid->is_string() || kid->get_string().empty()) return std::nullopt;
  return std::string(kid->get_string());
}

// The key a protected header names: the first key when it names none. nullptr when the header is
// not acceptable (check_header) or names no key we have.
const JweKey* key_for_header(std::string_view header_b64, const std::vector<JweKey>& keys) {
  const auto header_json = crypto::base64url_decode(header_b64);
  if (!header_json) return nullptr;
  const auto kid = check_header(*header_json);
  if (!kid) return nullptr;
  if (kid->empty()) return &keys.front();
  for (const JweKey& candidate : keys) {
    if (candidate.kid == *kid) return &candidate;
  }
  return nullptr;
}

std::string header_json_for(const JweKey& key) {
  // The kid is base64url, so it needs no JSON escaping.
  return R"({"alg":"dir","enc":"A256CBC-HS512","kid":")" + key.kid + R"("})";
}

}  // namespace

AeadSealed aes_cbc_hmac_sha512_encrypt(std::string_view key, std::string_view iv,
                                       std::string_view aad, std::string_view plaintext) {
  if (key.size() != kKeySize || iv.size() != kIvSize) {
    std::fputs("linkgate: aes_cbc_hmac_sha512_encrypt: bad key/IV size; aborting\n", stderr);
    std::abort();
  }
  AeadSealed sealed;
  sealed.ciphertext = crypto::aes256_cbc_encrypt(key.substr(kMacKeySize), iv, plaintext);
  sealed.tag = compute_tag(key.substr(0, kMacKeySize), aad, iv, sealed.ciphertext);
  return sealed;
}

std::string jwk_thumbprint(std::string_view key) {
  const std::string jwk = R"({"k":")" + crypto::base64url_encode(key) + R"(","kty":"oct"})";
  return crypto::base64url_encode(crypto::sha512(jwk));
}

JweKey derive_session_key(std::string_view secret, std::string_view cookie_name) {
  std::string info = "Auth.js Generated Encryption Key (";
  info.append(cookie_name).append(")");
  JweKey key;
  key.key = crypto::hkdf_sha256(secret, cookie_name, info, kKeySize);
  key.kid = jwk_thumbprint(key.key);
  key.header_b64 = crypto::base64url_encode(header_json_for(key));
  return key;
}

namespace {

// The compact serialization of `plaintext` sealed under `key` with this (already encoded)
// protected header and IV.
std::string seal_compact(const JweKey& key, std::string_view header_b64, std::string_view iv,
                         std::string_view plaintext) {
  const AeadSealed sealed = aes_cbc_hmac_sha512_encrypt(key.key, iv, header_b64, plaintext);
  std::string token;
  token.reserve(header_b64.size() + 4 + (iv.size() + sealed.ciphertext.size() + kTagSize) * 4 / 3 +
                6);
  token.append(header_b64)
      .append("..")
      .append(crypto::base64url_encode(iv))
      .append(".")
      .append(crypto::base64url_encode(sealed.ciphertext))
      .append(".")
      .append(crypto::base64url_encode(sealed.tag));
  return token;
}

}  // namespace

std::string jwe_encrypt_with(const JweKey& key, std::string_view protected_header_json,
                             std::string_view iv, std::string_view plaintext) {
  return seal_compact(key, crypto::base64url_encode(protected_header_json), iv, plaintext);
}

std::string jwe_encrypt(const JweKey& key, std::string_view plaintext) {
  const std::string iv = crypto::random_bytes(kIvSize);
  if (key.header_b64.empty()) return jwe_encrypt_with(key, header_json_for(key), iv, plaintext);
  return seal_compact(key, key.header_b64, iv, plaintext);
}

std::optional<std::string> jwe_decrypt(std::string_view token, const std::vector<JweKey>& keys) {
  if (keys.empty() || token.size() > kMaxTokenSize) return std::nullopt;
  const auto parts = split_compact(token);
  if (!parts) return std::nullopt;
  const auto& [header_b64, encrypted_key_b64, iv_b64, ciphertext_b64, tag_b64] = *parts;
  // "dir" carries no encrypted key; every other part is required.
  if (!encrypted_key_b64.empty() || header_b64.empty() || iv_b64.empty() ||
      ciphertext_b64.empty() || tag_b64.empty()) {
    return std::nullopt;
  }

  // Our own header, byte for byte: its key is known without decoding and parsing it.
  const JweKey* key = nullptr;
  for (const JweKey& candidate : keys) {
    if (!candidate.header_b64.empty() && candidate.header_b64 == header_b64) {
      key = &candidate;
      break;
    }
  }
  if (key == nullptr) key = key_for_header(header_b64, keys);
  if (key == nullptr) return std::nullopt;

  const auto iv = crypto::base64url_decode(iv_b64);
  const auto ciphertext = crypto::base64url_decode(ciphertext_b64);
  const auto tag = crypto::base64url_decode(tag_b64);
  if (!iv || !ciphertext || !tag) return std::nullopt;
  return aes_cbc_hmac_sha512_decrypt(key->key, *iv, header_b64, *ciphertext, *tag);
}

}  // namespace linkgate::core

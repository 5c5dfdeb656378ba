// JWE compact serialization with alg "dir" and enc "A256CBC-HS512" (RFC 7516, RFC 7518 §5.2.5),
// the format of Auth.js session cookies (authjs-behaviour.md §5).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkgate::core {

struct JweKey {
  std::string key;  // 64 bytes: MAC key (first 32) || AES key (last 32)
  std::string kid;  // RFC 7638 thumbprint of the key
  // base64url of the protected header written with this key ({"alg":"dir","enc":"A256CBC-HS512",
  // "kid":…}); derive_session_key sets it. Encrypting reuses it; decrypting recognises a token
  // that carries exactly it without decoding and parsing the header. Empty: computed when needed.
  std::string header_b64;
};

// The Auth.js session key: HKDF-SHA256(secret, salt = cookie_name,
// info = "Auth.js Generated Encryption Key (<cookie_name>)", 64 bytes), with its thumbprint kid.
JweKey derive_session_key(std::string_view secret, std::string_view cookie_name);
// RFC 7638 thumbprint: base64url(SHA-512('{"k":"<b64url key>","kty":"oct"}')).
std::string jwk_thumbprint(std::string_view key);

// Encrypts plaintext with a fresh random IV. Header {"alg":"dir","enc":"A256CBC-HS512","kid":…}.
std::string jwe_encrypt(const JweKey& key, std::string_view plaintext);
// For tests against published vectors: a fixed IV and a header given as its JSON text.
std::string jwe_encrypt_with(const JweKey& key, std::string_view protected_header_json,
                             std::string_view iv, std::string_view plaintext);

// The raw AEAD of RFC 7518 §5.2.2 for A256CBC-HS512, exposed for its Appendix B.3 vector.
// REQUIRES: key.size() == 64, iv.size() == 16. The tag is 32 bytes.
struct AeadSealed {
  std::string ciphertext;
  std::string tag;
};
AeadSealed aes_cbc_hmac_sha512_encrypt(std::string_view key, std::string_view iv,
                                       std::string_view aad, std::string_view plaintext);

// Decrypts a token made with any of the keys: the key whose kid matches the header's kid, or
// the first key when the header has no kid. nullopt for anything malformed, any alg other than
// "dir", any enc other than "A256CBC-HS512", or a failed tag check (compared in constant time).
std::optional<std::string> jwe_decrypt(std::string_view token, const std::vector<JweKey>& keys);

}  // namespace linkgate::core

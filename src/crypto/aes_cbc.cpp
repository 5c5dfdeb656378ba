#include "crypto/aes_cbc.hpp"

#include <openssl/evp.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace linkgate::crypto {
namespace {

constexpr std::size_t kKeySize = 32;
constexpr std::size_t kBlockSize = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// A context per thread and direction, and the key it was last initialised with. Every call sets
// the IV and the padding afresh and restarts the cipher (OpenSSL clears the partial block and the
// final-block state on every init), so nothing of one message reaches the next. The key schedule
// is kept while the key stays the same: the JWE path encrypts and decrypts with the same few
// keys on every call. Encryption and decryption have separate schedules, hence two contexts.
struct KeyedCipher {
  CipherCtx ctx{EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
  std::string key;
  bool keyed = false;
};

KeyedCipher& thread_cipher(bool encrypt) {
  thread_local KeyedCipher encrypting;
  thread_local KeyedCipher decrypting;
  return encrypt ? encrypting : decrypting;
}

const unsigned char* bytes(std::string_view s) {
  static const unsigned char empty = 0;
  return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "linkgate: %s; aborting\n", what);
  std::abort();
}

// Fetched once, like the digests (crypto/digest.cpp): EVP_aes_256_cbc() would make every
// init look the cipher up again in the provider store.
const EVP_CIPHER* aes256_cbc() {
  static const EVP_CIPHER* const cipher = [] {
    EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
    if (fetched == nullptr) fail("OpenSSL has no AES-256-CBC");
    return fetched;  // kept for the life of the process
  }();
  return cipher;
}

// Initialises this thread's context for `encrypt` with `key` and `iv`, padding on; null on
// failure.
EVP_CIPHER_CTX* start(bool encrypt, std::string_view key, std::string_view iv) {
  KeyedCipher& cipher = thread_cipher(encrypt);
  EVP_CIPHER_CTX* ctx = cipher.ctx.get();
  if (ctx == nullptr) return nullptr;
  const bool same_key = cipher.keyed && key == cipher.key;
  cipher.keyed = false;
  const int done =
      same_key
          ? EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, bytes(iv), encrypt ? 1 : 0)
          : EVP_CipherInit_ex(ctx, aes256_cbc(), nullptr, bytes(key), bytes(iv), encrypt ? 1 : 0);
  if (done != 1 || EVP_CIPHER_CTX_set_padding(ctx, 1) != 1) return nullptr;
  if (!same_key) cipher.key.assign(key);
  cipher.keyed = true;
  return ctx;
}

}  // namespace

std::string aes256_cbc_encrypt(std::string_view key, std::string_view iv,
                               std::string_view plaintext) {
  if (key.size() != kKeySize || iv.size() != kBlockSize)
    fail("aes256_cbc_encrypt: bad key/IV size");
  if (plaintext.size() > static_cast<std::size_t>(INT_MAX) - kBlockSize) {
    fail("aes256_cbc_encrypt: plaintext too large");
  }
  EVP_CIPHER_CTX* ctx = start(true, key, iv);
  if (ctx == nullptr) fail("AES-CBC init failed");
  std::string out(plaintext.size() + kBlockSize, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int total = 0;
  if (EVP_EncryptUpdate(ctx, dst, &len, bytes(plaintext), static_cast<int>(plaintext.size())) !=
      1) {
    fail("AES-CBC encrypt failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx, dst + total, &len) != 1) fail("AES-CBC encrypt failed");
  total += len;
  out.resize(static_cast<std::size_t>(total));
  return out;
}

std::optional<std::string> aes256_cbc_decrypt(std::string_view key, std::string_view iv,
                                              std::string_view ciphertext) {
  if (key.size() != kKeySize || iv.size() != kBlockSize) return std::nullopt;
  if (ciphertext.empty() || ciphertext.size() % kBlockSize != 0 ||
      ciphertext.size() > static_cast<std::size_t>(INT_MAX) - kBlockSize) {
    return std::nullopt;
  }
  EVP_CIPHER_CTX* ctx = start(false, key, iv);
  if (ctx == nullptr) return std::nullopt;
  std::string out(ciphertext.size() + kBlockSize, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int total = 0;
  if (EVP_DecryptUpdate(ctx, dst, &len, bytes(ciphertext), static_cast<int>(ciphertext.size())) !=
      1) {
    return std::nullopt;
  }
  total = len;
  if (EVP_DecryptFinal_ex(ctx, dst + total, &len) != 1) return std::nullopt;  // bad padding
  total += len;
  out.resize(static_cast<std::size_t>(total));
  return out;
}

}  // namespace linkgate::crypto

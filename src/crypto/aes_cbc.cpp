#include "crypto/aes_cbc.hpp"

#include <openssl/evp.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace linkgate::crypto {
namespace {

constexpr std::size_t kKeySize = 32;
constexpr std::size_t kBlockSize = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// One context per thread, re-initialised (key and IV) by every call: OpenSSL 3 keeps the
// provider's cipher state when the cipher stays the same, so no call allocates. Every call sets
// the key, the IV and the padding afresh, so nothing of one message reaches the next.
EVP_CIPHER_CTX* thread_ctx() {
  thread_local CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  return ctx.get();
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

}  // namespace

std::string aes256_cbc_encrypt(std::string_view key, std::string_view iv,
                               std::string_view plaintext) {
  if (key.size() != kKeySize || iv.size() != kBlockSize)
    fail("aes256_cbc_encrypt: bad key/IV size");
  if (plaintext.size() > static_cast<std::size_t>(INT_MAX) - kBlockSize) {
    fail("aes256_cbc_encrypt: plaintext too large");
  }
  EVP_CIPHER_CTX* ctx = thread_ctx();
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx, aes256_cbc(), nullptr, bytes(key), bytes(iv)) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 1) != 1) {
    fail("AES-CBC init failed");
  }
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
  EVP_CIPHER_CTX* ctx = thread_ctx();
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx, aes256_cbc(), nullptr, bytes(key), bytes(iv)) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 1) != 1) {
    return std::nullopt;
  }
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

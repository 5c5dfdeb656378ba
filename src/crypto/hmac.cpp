#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "crypto/digest.hpp"

namespace linkgate::crypto {
namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "linkgate: %s; aborting\n", what);
  std::abort();
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// An HMAC context bound to one digest, made once per thread and re-keyed by every call.
// OpenSSL 3's one-shot HMAC() fetches the MAC and the digest by name and builds and frees a
// context on every call; on the JWT /session path that cost more than the MAC itself
// (bench/README.md, micro-benchmarks). A context is not shared between threads.
MacCtx new_hmac_ctx(const char* digest) {
  static EVP_MAC* const mac = [] {
    EVP_MAC* fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (fetched == nullptr) fail("OpenSSL has no HMAC");
    return fetched;  // kept for the life of the process
  }();
  MacCtx ctx(EVP_MAC_CTX_new(mac));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_CTX_set_params(ctx.get(), params) != 1) fail("HMAC setup failed");
  return ctx;
}

// A thread's HMAC context and the key it was last keyed with. Keying costs two compressions of
// the digest (the inner and outer pads) plus the provider's set-up; the JWE and CSRF paths key
// with the same few secrets on every call, so a call with the previous key skips it: OpenSSL
// restarts the MAC from the pads it computed for that key.
struct KeyedMac {
  explicit KeyedMac(MacCtx c) : ctx(std::move(c)) {}
  MacCtx ctx;
  std::string key;
  bool keyed = false;
};

std::string hmac(KeyedMac& mac, std::string_view key,
                 std::initializer_list<std::string_view> parts) {
  EVP_MAC_CTX* ctx = mac.ctx.get();
  if (mac.keyed && key == mac.key) {
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) fail("HMAC failed");
  } else {
    // A null key would mean "keep the previous key"; an empty key is valid HMAC input.
    static const unsigned char empty = 0;
    const auto* key_ptr = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
    if (EVP_MAC_init(ctx, key_ptr, key.size(), nullptr) != 1) fail("HMAC failed");
    mac.key.assign(key);
    mac.keyed = true;
  }
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size()) !=
        1) {
      fail("HMAC failed");
    }
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (EVP_MAC_final(ctx, out, &len, sizeof out) != 1) fail("HMAC failed");
  return std::string(reinterpret_cast<const char*>(out), len);
}

KeyedMac& sha512_mac() {
  thread_local KeyedMac mac(new_hmac_ctx("SHA512"));
  return mac;
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  thread_local KeyedMac mac(new_hmac_ctx("SHA256"));
  return hmac(mac, key, {data});
}

std::string hmac_sha512(std::string_view key, std::string_view data) {
  return hmac(sha512_mac(), key, {data});
}

std::string hmac_sha512(std::string_view key, std::initializer_list<std::string_view> parts) {
  return hmac(sha512_mac(), key, parts);
}

}  // namespace linkgate::crypto

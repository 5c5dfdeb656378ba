#include "crypto/random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>

#include "crypto/encoding.hpp"

namespace linkgate::crypto {

namespace {

[[noreturn]] void csprng_failed() {
  // Continuing with predictable bytes would silently weaken every token and key.
  std::fputs("linkgate: the CSPRNG failed; aborting\n", stderr);
  std::abort();
}

void fill_from_openssl(unsigned char* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t chunk =
        std::min<std::size_t>(n - done, static_cast<std::size_t>(std::numeric_limits<int>::max()));
    if (RAND_bytes(out + done, static_cast<int>(chunk)) != 1) csprng_failed();
    done += chunk;
  }
}

// Each thread draws its small requests (IVs, tokens, ids: 16 to 32 bytes) from a block it refills
// from RAND_bytes 4 KiB at a time: one DRBG call, and one fork check (a getpid system call in
// OpenSSL 3), per 128 tokens instead of per token. Bytes are wiped as they are handed out, so the
// block never holds bytes that were already given to someone. A forked child must not replay its
// parent's block: the fork handler empties the block of the thread that forked, the only thread a
// child has.
class RandomBlock {
 public:
  static constexpr std::size_t kSize = 4096;

  RandomBlock() { register_fork_handler(); }
  ~RandomBlock() { OPENSSL_cleanse(bytes_, sizeof bytes_); }

  void take(unsigned char* out, std::size_t n) {
    if (n > kSize / 4) {
      fill_from_openssl(out, n);
      return;
    }
    if (n > available_) {
      fill_from_openssl(bytes_, kSize);
      available_ = kSize;
    }
    unsigned char* from = bytes_ + (kSize - available_);
    std::memcpy(out, from, n);
    OPENSSL_cleanse(from, n);
    available_ -= n;
  }

  void discard() {
    OPENSSL_cleanse(bytes_, sizeof bytes_);
    available_ = 0;
  }

 private:
  static void register_fork_handler();

  unsigned char bytes_[kSize];
  std::size_t available_ = 0;
};

RandomBlock& this_thread_block() {
  thread_local RandomBlock block;
  return block;
}

void RandomBlock::register_fork_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (pthread_atfork(nullptr, nullptr, [] { this_thread_block().discard(); }) != 0) {
      csprng_failed();
    }
  });
}

}  // namespace

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  this_thread_block().take(reinterpret_cast<unsigned char*>(out.data()), n);
  return out;
}

std::string random_hex(std::size_t n) {
  return hex_encode(random_bytes(n));
}

std::string random_uuid() {
  std::string b = random_bytes(16);
  b[6] = static_cast<char>((static_cast<unsigned char>(b[6]) & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((static_cast<unsigned char>(b[8]) & 0x3f) | 0x80);  // variant 10xx
  const std::string hex = hex_encode(b);
  std::string out;
  out.reserve(36);
  out.append(hex, 0, 8).append("-");
  out.append(hex, 8, 4).append("-");
  out.append(hex, 12, 4).append("-");
  out.append(hex, 16, 4).append("-");
  out.append(hex, 20, 12);
  return out;
}

std::string random_digits(std::size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (unsigned char byte : random_bytes(n - out.size() + 4)) {
      // 250 = 25 * 10: the bytes 0..249 map onto the ten digits evenly.
      if (byte >= 250) continue;
      out += static_cast<char>('0' + byte % 10);
      if (out.size() == n) break;
    }
  }
  return out;
}

}  // namespace linkgate::crypto

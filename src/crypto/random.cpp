#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <limits>

#include "crypto/encoding.hpp"

namespace linkgate::crypto {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  std::size_t done = 0;
  while (done < n) {
    const std::size_t chunk =
        std::min<std::size_t>(n - done, static_cast<std::size_t>(std::numeric_limits<int>::max()));
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data() + done), static_cast<int>(chunk)) !=
        1) {
      // Continuing with predictable bytes would silently weaken every token and key.
      std::fputs("linkgate: the CSPRNG failed; aborting\n", stderr);
      std::abort();
    }
    done += chunk;
  }
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

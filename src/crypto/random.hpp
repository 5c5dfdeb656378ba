// Randomness from the OS CSPRNG (OpenSSL RAND_bytes, seeded by getrandom), drawn by each thread
// from a block it refills 4 KiB at a time (see random.cpp). Safe from any thread, and across fork.
#pragma once

#include <cstddef>
#include <string>

namespace linkgate::crypto {

// n random bytes. Aborts the process if the CSPRNG fails (never returns weak bytes).
std::string random_bytes(std::size_t n);
// n random bytes as 2n lowercase hex characters (the Auth.js token format for n = 32).
std::string random_hex(std::size_t n);
// A random RFC 4122 version 4 UUID, lowercase, 36 characters.
std::string random_uuid();
// n random decimal digits ('0'..'9'), each uniform and independent: bytes of 250 or more are
// drawn again, so no digit is likelier than another (no modulo bias).
std::string random_digits(std::size_t n);

}  // namespace linkgate::crypto

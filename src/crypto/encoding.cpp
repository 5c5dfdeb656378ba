#include "crypto/encoding.hpp"

#include <array>
#include <cstdint>

namespace linkgate::crypto {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string base64_with(const char* alphabet, std::string_view bytes, bool pad) {
  const std::size_t whole = bytes.size() / 3;
  const std::size_t rest = bytes.size() - whole * 3;
  std::string out(whole * 4 + (rest == 0 ? 0 : (pad ? 4 : rest + 1)), '\0');
  // Written through a pointer into the sized string: push_back per character showed in the JWT
  // /session profile (bench/README.md).
  char* dst = out.data();
  const auto* src = reinterpret_cast<const unsigned char*>(bytes.data());
  for (std::size_t n = 0; n < whole; ++n, src += 3, dst += 4) {
    const std::uint32_t v = (std::uint32_t{src[0]} << 16) | (std::uint32_t{src[1]} << 8) | src[2];
    dst[0] = alphabet[(v >> 18) & 63];
    dst[1] = alphabet[(v >> 12) & 63];
    dst[2] = alphabet[(v >> 6) & 63];
    dst[3] = alphabet[v & 63];
  }
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{src[0]} << 16;
    dst[0] = alphabet[(v >> 18) & 63];
    dst[1] = alphabet[(v >> 12) & 63];
    if (pad) dst[2] = dst[3] = '=';
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{src[0]} << 16) | (std::uint32_t{src[1]} << 8);
    dst[0] = alphabet[(v >> 18) & 63];
    dst[1] = alphabet[(v >> 12) & 63];
    dst[2] = alphabet[(v >> 6) & 63];
    if (pad) dst[3] = '=';
  }
  return out;
}

// Maps each byte to its base64url sextet, or -1 when it is not in the alphabet.
constexpr std::array<std::int8_t, 256> make_base64url_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i)
    table[static_cast<unsigned char>(kBase64Url[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr auto kBase64UrlTable = make_base64url_table();

}  // namespace

std::string hex_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]);
    const int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return base64_with(kBase64, bytes, true);
}

std::string base64url_encode(std::string_view bytes) {
  return base64_with(kBase64Url, bytes, false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // A lone trailing character cannot carry a whole byte.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out(text.size() * 6 / 8, '\0');
  char* dst = out.data();
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  const auto sextet = [](unsigned char c) { return int{kBase64UrlTable[c]}; };
  // Four characters make three bytes (a character outside the alphabet maps to -1, which makes
  // the OR negative). Whole groups rather than a bit accumulator per character: this decodes
  // every session cookie.
  for (std::size_t n = text.size() / 4; n > 0; --n, src += 4, dst += 3) {
    const int a = sextet(src[0]), b = sextet(src[1]), c = sextet(src[2]), d = sextet(src[3]);
    if ((a | b | c | d) < 0) return std::nullopt;
    const auto v = static_cast<std::uint32_t>((a << 18) | (b << 12) | (c << 6) | d);
    dst[0] = static_cast<char>(v >> 16);
    dst[1] = static_cast<char>((v >> 8) & 0xff);
    dst[2] = static_cast<char>(v & 0xff);
  }
  // The last 2 or 3 characters carry 1 or 2 bytes; their leftover bits must be zero, so that
  // every byte string has exactly one encoding.
  const std::size_t rest = text.size() % 4;
  if (rest == 2) {
    const int a = sextet(src[0]), b = sextet(src[1]);
    if ((a | b) < 0 || (b & 0x0f) != 0) return std::nullopt;
    dst[0] = static_cast<char>((a << 2) | (b >> 4));
  } else if (rest == 3) {
    const int a = sextet(src[0]), b = sextet(src[1]), c = sextet(src[2]);
    if ((a | b | c) < 0 || (c & 0x03) != 0) return std::nullopt;
    const auto v = static_cast<std::uint32_t>((a << 12) | (b << 6) | c);
    dst[0] = static_cast<char>(v >> 10);
    dst[1] = static_cast<char>((v >> 2) & 0xff);
  }
  return out;
}

}  // namespace linkgate::crypto

#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace linkgate::crypto {
namespace {

TEST(Random, BytesHaveRequestedLength) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(1).size(), 1u);
  EXPECT_EQ(random_bytes(1000).size(), 1000u);
}

TEST(Random, BytesDiffer) {
  EXPECT_NE(random_bytes(32), random_bytes(32));
}

// authjs-behaviour.md §3.1: 32 bytes as 64 lowercase hex characters.
TEST(Random, HexHasLengthAndAlphabetAuthjs3_1) {
  const std::string token = random_hex(32);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(random_hex(0), "");
  EXPECT_NE(random_hex(32), random_hex(32));
}

TEST(Random, UuidIsVersion4Variant1) {
  const std::regex format("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = random_uuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_TRUE(std::regex_match(id, format)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace linkgate::crypto

#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace linkgate::crypto {
namespace {

// xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, lowercase hex, V in [89ab] (RFC 4122 §4.4).
bool is_uuid_v4(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return id[14] == '4' && std::string_view("89ab").find(id[19]) != std::string_view::npos;
}

TEST(Random, UuidCheckerRejectsNearMisses) {
  EXPECT_TRUE(is_uuid_v4("123e4567-e89b-42d3-a456-426614174000"));
  EXPECT_FALSE(is_uuid_v4("123e4567-e89b-12d3-a456-426614174000"));  // version 1
  EXPECT_FALSE(is_uuid_v4("123e4567-e89b-42d3-c456-426614174000"));  // variant 110
  EXPECT_FALSE(is_uuid_v4("123E4567-e89b-42d3-a456-426614174000"));  // uppercase
  EXPECT_FALSE(is_uuid_v4("123e4567e89b-42d3-a456-426614174000-"));
}

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

TEST(Random, UuidIsVersion4Variant1Authjs5) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = random_uuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_TRUE(is_uuid_v4(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace linkgate::crypto

#include "crypto/ct_equal.hpp"

#include <gtest/gtest.h>

#include <string>

namespace linkgate::crypto {
namespace {

TEST(CtEqual, ComparesContentsAndLengths) {
  EXPECT_TRUE(ct_equal("", ""));
  EXPECT_TRUE(ct_equal("abc", "abc"));
  EXPECT_FALSE(ct_equal("abc", "abd"));
  EXPECT_FALSE(ct_equal("abc", "bbc"));
  EXPECT_FALSE(ct_equal("abc", "ab"));
  EXPECT_FALSE(ct_equal("", "a"));
  EXPECT_TRUE(ct_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ct_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace linkgate::crypto

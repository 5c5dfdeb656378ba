#include "core/used_links.hpp"

#include <gtest/gtest.h>

#include <string>

namespace linkgate::core {
namespace {

const TimePoint kStart = TimePoint(std::chrono::hours(1000));

TEST(UsedLinks, RemembersALinkFor24Hours) {
  UsedLinks links;
  EXPECT_FALSE(links.was_used("a", kStart));
  links.remember("a", kStart);
  EXPECT_TRUE(links.was_used("a", kStart));
  EXPECT_TRUE(links.was_used("a", kStart + std::chrono::hours(23)));
  EXPECT_FALSE(links.was_used("a", kStart + std::chrono::hours(24)));
  EXPECT_FALSE(links.was_used("b", kStart));
}

TEST(UsedLinks, KeepsTheNewestWhenFull) {
  UsedLinks links;
  for (std::size_t i = 0; i < kUsedLinksKept + 10; ++i) {
    links.remember("link-" + std::to_string(i), kStart);
  }
  for (std::size_t i = 0; i < 10; ++i)
    EXPECT_FALSE(links.was_used("link-" + std::to_string(i), kStart)) << i;
  EXPECT_TRUE(links.was_used("link-10", kStart));
  EXPECT_TRUE(links.was_used("link-" + std::to_string(kUsedLinksKept + 9), kStart));
}

TEST(UsedLinks, ALinkRememberedAgainKeepsItsLaterTime) {
  UsedLinks links;
  links.remember("a", kStart);
  links.remember("a", kStart + std::chrono::hours(20));
  // The first entry ages out (another remember makes it forget old ones); the later one stays.
  links.remember("b", kStart + std::chrono::hours(30));
  EXPECT_TRUE(links.was_used("a", kStart + std::chrono::hours(30)));
}

}  // namespace
}  // namespace linkgate::core

#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

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

// Draws are served from a per-thread block refilled 4 KiB at a time: across many refills, and
// with sizes that straddle the block's end, no 16-byte draw ever repeats.
TEST(Random, SmallDrawsAcrossBlockRefillsNeverRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 3000; ++i) {
    seen.insert(random_bytes(16));
    (void)random_bytes(static_cast<std::size_t>(i % 37));  // shifts where draws meet the block end
  }
  EXPECT_EQ(seen.size(), 3000u);
  // Larger than a quarter block: drawn straight from OpenSSL, still fresh each time.
  EXPECT_NE(random_bytes(2000), random_bytes(2000));
}

TEST(Random, ThreadsDrawDifferentBytes) {
  std::vector<std::string> drawn(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    threads.emplace_back([&drawn, i] { drawn[i] = random_bytes(32); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(drawn.begin(), drawn.end()).size(), drawn.size());
}

// A forked child must not hand out the bytes its parent's block still holds: both draw right
// after the fork, and the draws differ.
TEST(Random, ForkedChildDoesNotReplayTheParentsBlock) {
  (void)random_bytes(16);  // the block is now filled, with most of it unused
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string bytes = random_bytes(32);
    const bool written = write(pipe_fds[1], bytes.data(), bytes.size()) == 32;
    _exit(written ? 0 : 1);
  }
  close(pipe_fds[1]);
  const std::string parent = random_bytes(32);
  std::string from_child(32, '\0');
  std::size_t got = 0;
  while (got < from_child.size()) {
    const ssize_t n = read(pipe_fds[0], from_child.data() + got, from_child.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, 32u);
  EXPECT_NE(from_child, parent);
}

}  // namespace
}  // namespace linkgate::crypto

#include "core/csrf.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace linkgate::core {
namespace {

const std::string kToken(64, '1');  // "11" * 32
const std::string kVectorHash = "4a6f9587c373c3f7fd32e956d33cff77fa4596398cfabd990c7417a502144861";

bool is_lower_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void expect_minted(const CsrfState& state, const std::string& secret) {
  EXPECT_FALSE(state.verified);
  EXPECT_EQ(state.token.size(), 64u);
  EXPECT_TRUE(is_lower_hex(state.token));
  ASSERT_TRUE(state.new_cookie_value);
  EXPECT_EQ(*state.new_cookie_value, state.token + "|" + csrf_hash(state.token, secret));
}

// authjs-behaviour.md §2.3 vector.
TEST(Csrf, Section23HashVector) {
  EXPECT_EQ(csrf_hash(kToken, "secret"), kVectorHash);
}

TEST(Csrf, Section23ValidCookieIsReusedAndPostVerifies) {
  const std::string cookie = kToken + "|" + kVectorHash;
  const auto state = check_csrf(cookie, kToken, /*is_post=*/true, {"secret"});
  EXPECT_EQ(state.token, kToken);
  EXPECT_TRUE(state.verified);
  EXPECT_FALSE(state.new_cookie_value);
}

TEST(Csrf, Section23GetIsNeverVerified) {
  const std::string cookie = kToken + "|" + kVectorHash;
  const auto state = check_csrf(cookie, kToken, /*is_post=*/false, {"secret"});
  EXPECT_EQ(state.token, kToken);
  EXPECT_FALSE(state.verified);
  EXPECT_FALSE(state.new_cookie_value);
}

TEST(Csrf, Section23WrongOrMissingBodyTokenIsNotVerified) {
  const std::string cookie = kToken + "|" + kVectorHash;
  for (const std::optional<std::string>& body :
       {std::optional<std::string>(), std::optional<std::string>(""),
        std::optional<std::string>(std::string(64, '2')), std::optional<std::string>(kToken + "1"),
        std::optional<std::string>(kToken.substr(1)), std::optional<std::string>(kVectorHash)}) {
    const auto state = check_csrf(cookie, body, /*is_post=*/true, {"secret"});
    EXPECT_EQ(state.token, kToken);
    EXPECT_FALSE(state.verified);
    EXPECT_FALSE(state.new_cookie_value);
  }
}

TEST(Csrf, Section23MintsWhenCookieMissing) {
  const auto state = check_csrf(std::nullopt, kToken, /*is_post=*/true, {"secret"});
  expect_minted(state, "secret");
  EXPECT_NE(state.token, kToken);
  const auto again = check_csrf(std::nullopt, std::nullopt, false, {"secret"});
  EXPECT_NE(again.token, state.token);
}

TEST(Csrf, Section23MintsWhenCookieTamperedOrMalformed) {
  std::string flipped = kVectorHash;
  flipped[0] = '5';
  for (const std::string& cookie :
       {kToken + "|" + flipped, std::string(64, '2') + "|" + kVectorHash, kToken, kToken + "|",
        "|" + kVectorHash, std::string("|"), std::string(""), kToken + "|" + kVectorHash + "|x",
        kToken + "|" + kVectorHash.substr(1), kToken + "|" + std::string(64, 'G'),
        std::string("garbage\r\n|\x01")}) {
    // Even a POST whose body repeats the cookie's token is not verified.
    const auto state = check_csrf(cookie, kToken, /*is_post=*/true, {"secret"});
    expect_minted(state, "secret");
  }
}

TEST(Csrf, HashUnderAnotherSecretIsTampered) {
  const std::string cookie = kToken + "|" + csrf_hash(kToken, "other");
  expect_minted(check_csrf(cookie, kToken, true, {"secret"}), "secret");
}

// SPEC C7: a cookie hashed under any listed secret is accepted; new cookies use the first.
TEST(Csrf, SpecC7RotationAcceptsEverySecret) {
  const std::vector<std::string> secrets = {"new", "old", "older"};
  for (const auto& secret : secrets) {
    const std::string cookie = kToken + "|" + csrf_hash(kToken, secret);
    const auto state = check_csrf(cookie, kToken, true, secrets);
    EXPECT_TRUE(state.verified) << secret;
    EXPECT_EQ(state.token, kToken);
    EXPECT_FALSE(state.new_cookie_value);
  }
  expect_minted(check_csrf(std::nullopt, std::nullopt, false, secrets), "new");
  // Unlike Auth.js's String(array) ("new,old,older"), the joined secret is not a secret.
  const std::string joined = kToken + "|" + csrf_hash(kToken, "new,old,older");
  expect_minted(check_csrf(joined, kToken, true, secrets), "new");
}

}  // namespace
}  // namespace linkgate::core

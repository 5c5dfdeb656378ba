// A custom sendVerificationRequest (SPEC P6) with one-time codes on (SPEC B3): the hook gets the
// code in VerificationRequest::code, and the code it was given signs in; with codes off it gets
// an empty code.
#include "integration/hooks_fixture.hpp"

namespace linkgate::testing {
namespace {

TEST_F(HooksTest, CustomSenderGetsTheOneTimeCodeAndItSignsIn) {
  AuthConfig config = make_config();
  config.redemption.one_time_code = true;
  Auth auth(config, store_);
  Browser browser(auth);
  ASSERT_EQ(browser.sign_in("custom", "hook-code@example.com").status, 302);
  std::string code;
  {
    std::lock_guard lock(mutex_);
    ASSERT_EQ(codes_.size(), 1u);
    code = codes_.back();
  }
  ASSERT_EQ(code.size(), 6u);
  EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos) << code;

  const std::string csrf = browser.csrf();
  auto redeemed = browser.send(
      "POST", "/api/auth/callback/custom",
      "csrfToken=" + csrf + "&email=" + url_encode("hook-code@example.com") + "&code=" + code,
      "application/x-www-form-urlencoded");
  EXPECT_EQ(redeemed.status, 302);
  auto session = session_of(browser);
  ASSERT_TRUE(session.is_object()) << boost::json::serialize(session);
  EXPECT_EQ(session.at("user").at("email"), "hook-code@example.com");
}

TEST_F(HooksTest, CustomSenderGetsNoCodeWhenCodesAreOff) {
  Auth auth(make_config(), store_);
  Browser browser(auth);
  ASSERT_EQ(browser.sign_in("custom", "no-code@example.com").status, 302);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(codes_.size(), 1u);
  EXPECT_TRUE(codes_.back().empty());
}

}  // namespace
}  // namespace linkgate::testing

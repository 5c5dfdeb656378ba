// The Forward Email mailer (SPEC P2, P5) against the fake Forward Email API.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "mail/providers.hpp"
#include "support/fake_providers.hpp"

namespace linkgate::mail {
namespace {

using linkgate::testing::FakeFailure;
using linkgate::testing::FakeForwardEmail;
using namespace std::chrono_literals;

const std::string kKey = "fe-test-key";
const std::string kBasic = "Basic ZmUtdGVzdC1rZXk6";  // base64("fe-test-key:"), by coreutils
const std::string kToken = "77aa88bb99cc00dd";
const std::string kUrl = "https://app.example.com/api/auth/callback/forwardemail?callbackUrl=" +
                         std::string("https%3A%2F%2Fapp.example.com&token=") + kToken +
                         "&email=sam%40example.net";

EmailMessage message() {
  return EmailMessage{"sam@example.net",
                      "linkgate <no-reply@example.com>",
                      "Sign in to app.example.com",
                      "Sign in to app.example.com\n" + kUrl + "\n\n",
                      "<p>Sign in</p><a href=\"" + kUrl + "\">Sign in</a>",
                      kUrl};
}

std::shared_ptr<Mailer> mailer_for(const std::string& base, const std::string& key = kKey,
                                   std::chrono::milliseconds total = 5000ms) {
  HttpProviderOptions options;
  options.api_key = key;
  options.base_url = base;
  options.connect_timeout = 2000ms;
  options.total_timeout = total;
  return make_forwardemail_mailer(options);
}

void expect_no_secrets(const std::string& text) {
  EXPECT_EQ(text.find(kKey), std::string::npos) << text;
  EXPECT_EQ(text.find("ZmUtdGVzdC1rZXk6"), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
  EXPECT_EQ(text.find("callback/forwardemail"), std::string::npos) << text;
}

TEST(ForwardEmailMailer, SendsEveryRequiredHeaderAndField) {
  FakeForwardEmail forwardemail(kKey);
  const auto sent = mailer_for(forwardemail.base_url())->send(message());
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_TRUE(forwardemail.failures().empty()) << forwardemail.failures().front();

  ASSERT_EQ(forwardemail.requests().size(), 1u);
  const auto request = forwardemail.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/emails");
  EXPECT_EQ(request.header("Authorization"), kBasic);
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_FALSE(request.header("X-Postmark-Server-Token").has_value());

  const auto body = boost::json::parse(request.body).as_object();
  EXPECT_EQ(body.size(), 5u);
  EXPECT_EQ(std::string(body.at("from").as_string()), "linkgate <no-reply@example.com>");
  EXPECT_EQ(std::string(body.at("to").as_string()), "sam@example.net");
  EXPECT_EQ(std::string(body.at("subject").as_string()), "Sign in to app.example.com");
  EXPECT_EQ(std::string(body.at("text").as_string()), message().text);
  EXPECT_EQ(std::string(body.at("html").as_string()), message().html);

  ASSERT_EQ(forwardemail.messages().size(), 1u);
  EXPECT_EQ(forwardemail.messages()[0].link, kUrl);
  EXPECT_EQ(forwardemail.messages()[0].subject, "Sign in to app.example.com");
}

TEST(ForwardEmailMailer, WrongKeyIs401WithoutTheKey) {
  FakeForwardEmail forwardemail("another-key");
  const auto sent = mailer_for(forwardemail.base_url())->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_EQ(sent.error().message, "forwardemail: HTTP 401: Invalid API token.");
  EXPECT_FALSE(forwardemail.failures().empty());
}

TEST(ForwardEmailMailer, Http422BecomesAMailErrorWithTheProvidersText) {
  FakeForwardEmail forwardemail(kKey);
  forwardemail.fail_next(422, 1, FakeFailure::with_message("Domain is not verified"));
  const auto sent = mailer_for(forwardemail.base_url())->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_EQ(sent.error().message, "forwardemail: HTTP 422: Domain is not verified");
  EXPECT_TRUE(forwardemail.messages().empty());
}

TEST(ForwardEmailMailer, Http500BecomesAMailErrorAndLaterSendsWork) {
  FakeForwardEmail forwardemail(kKey);
  forwardemail.fail_next(500, 2);
  const auto mailer = mailer_for(forwardemail.base_url());
  for (int i = 0; i < 2; ++i) {
    const auto sent = mailer->send(message());
    ASSERT_FALSE(sent.ok());
    EXPECT_NE(sent.error().message.find("forwardemail: HTTP 500: "), std::string::npos);
    expect_no_secrets(sent.error().message);
  }
  EXPECT_TRUE(mailer->send(message()).ok());
  EXPECT_EQ(forwardemail.messages().size(), 1u);
}

TEST(ForwardEmailMailer, EchoedRequestIsScrubbed) {
  FakeForwardEmail forwardemail(kKey);
  forwardemail.fail_next(400, 1, FakeFailure::with_message("auth " + kBasic, true));
  const auto sent = mailer_for(forwardemail.base_url())->send(message());
  ASSERT_FALSE(sent.ok());
  expect_no_secrets(sent.error().message);
  EXPECT_NE(sent.error().message.find("[redacted]"), std::string::npos);
}

TEST(ForwardEmailMailer, RefusedConnectionIsAMailError) {
  std::string base;
  {
    FakeForwardEmail forwardemail(kKey);
    base = forwardemail.base_url();
  }
  const auto sent = mailer_for(base)->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_EQ(sent.error().message.rfind("forwardemail: ", 0), 0u) << sent.error().message;
}

TEST(ForwardEmailMailer, ServerThatNeverAnswersFailsWithinTheTotalTimeout) {
  FakeForwardEmail forwardemail(kKey);
  forwardemail.server().set_never_answer(true);
  const auto start = std::chrono::steady_clock::now();
  const auto sent = mailer_for(forwardemail.base_url(), kKey, 400ms)->send(message());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_GE(elapsed, 350ms);
  EXPECT_LT(elapsed, 2s);
}

}  // namespace
}  // namespace linkgate::mail

// The Postmark mailer (SPEC P1, P5) against the fake Postmark API.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "mail/providers.hpp"
#include "support/fake_providers.hpp"

namespace linkgate::mail {
namespace {

using linkgate::testing::FakeFailure;
using linkgate::testing::FakePostmark;
using namespace std::chrono_literals;

const std::string kKey = "pm-test-token-5f1e";
const std::string kToken = "9c1d2e3f4a5b6c7d8e9f";
const std::string kUrl =
    "http://localhost:3000/api/auth/callback/postmark?callbackUrl=%2F&token=" + kToken +
    "&email=jane%40example.org";

EmailMessage message() {
  return EmailMessage{"jane@example.org",
                      "linkgate <no-reply@example.com>",
                      "Sign in to localhost:3000",
                      "Sign in to localhost:3000\n" + kUrl + "\n\n",
                      "<a href=\"" + kUrl + "\">Sign in</a>",
                      kUrl};
}

std::shared_ptr<Mailer> mailer_for(const std::string& base, const std::string& key = kKey,
                                   std::chrono::milliseconds total = 5000ms) {
  HttpProviderOptions options;
  options.api_key = key;
  options.base_url = base;
  options.connect_timeout = 2000ms;
  options.total_timeout = total;
  return make_postmark_mailer(options);
}

void expect_no_secrets(const std::string& text) {
  EXPECT_EQ(text.find(kKey), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
  EXPECT_EQ(text.find("callback/postmark"), std::string::npos) << text;
}

TEST(PostmarkMailer, SendsEveryRequiredHeaderAndField) {
  FakePostmark postmark(kKey);
  const auto sent = mailer_for(postmark.base_url())->send(message());
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  EXPECT_TRUE(postmark.failures().empty()) << postmark.failures().front();

  ASSERT_EQ(postmark.requests().size(), 1u);
  const auto request = postmark.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/email");
  EXPECT_EQ(request.header("Accept"), "application/json");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.header("X-Postmark-Server-Token"), kKey);
  EXPECT_FALSE(request.header("Authorization").has_value());

  const auto body = boost::json::parse(request.body).as_object();
  EXPECT_EQ(body.size(), 6u);
  EXPECT_EQ(std::string(body.at("From").as_string()), "linkgate <no-reply@example.com>");
  EXPECT_EQ(std::string(body.at("To").as_string()), "jane@example.org");
  EXPECT_EQ(std::string(body.at("Subject").as_string()), "Sign in to localhost:3000");
  EXPECT_EQ(std::string(body.at("TextBody").as_string()), message().text);
  EXPECT_EQ(std::string(body.at("HtmlBody").as_string()), message().html);
  EXPECT_EQ(std::string(body.at("MessageStream").as_string()), "outbound");

  ASSERT_EQ(postmark.messages().size(), 1u);
  const auto accepted = postmark.messages()[0];
  EXPECT_EQ(accepted.to, "jane@example.org");
  EXPECT_EQ(accepted.link, kUrl);
}

TEST(PostmarkMailer, ToleratesATrailingSlashInTheBaseUrl) {
  FakePostmark postmark(kKey);
  ASSERT_TRUE(mailer_for(postmark.base_url() + "/")->send(message()).ok());
  EXPECT_TRUE(postmark.failures().empty());
  EXPECT_EQ(postmark.messages().size(), 1u);
}

TEST(PostmarkMailer, WrongTokenIs401WithoutTheKey) {
  FakePostmark postmark("the-right-token");
  const auto sent = mailer_for(postmark.base_url())->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_NE(sent.error().message.find("postmark: HTTP 401: "), std::string::npos);
  EXPECT_NE(sent.error().message.find("Server Token"), std::string::npos);
  expect_no_secrets(sent.error().message);
  EXPECT_TRUE(postmark.messages().empty());
}

TEST(PostmarkMailer, Http422BecomesAMailErrorWithTheProvidersText) {
  FakePostmark postmark(kKey);
  postmark.fail_next(422, 1,
                     FakeFailure::with_message("You tried to send to an inactive recipient"));
  const auto sent = mailer_for(postmark.base_url())->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_EQ(sent.error().message,
            "postmark: HTTP 422: You tried to send to an inactive recipient (ErrorCode 300)");
  EXPECT_TRUE(postmark.messages().empty());
  // The next send goes through again.
  EXPECT_TRUE(mailer_for(postmark.base_url())->send(message()).ok());
}

TEST(PostmarkMailer, Http500BecomesAMailError) {
  FakePostmark postmark(kKey);
  postmark.fail_next(500);
  const auto sent = mailer_for(postmark.base_url())->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_NE(sent.error().message.find("postmark: HTTP 500: simulated failure"), std::string::npos)
      << sent.error().message;
  expect_no_secrets(sent.error().message);
}

TEST(PostmarkMailer, EchoedRequestIsScrubbedOfKeyTokenAndLink) {
  FakePostmark postmark(kKey);
  postmark.fail_next(422, 1, FakeFailure::with_message("bad input " + kKey, true));
  const auto sent = mailer_for(postmark.base_url())->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_NE(sent.error().message.find("[redacted]"), std::string::npos);
  expect_no_secrets(sent.error().message);
  EXPECT_EQ(sent.error().message.find('\n'), std::string::npos);  // one log line
}

TEST(PostmarkMailer, RefusedConnectionIsAMailError) {
  std::string base;
  {
    FakePostmark postmark(kKey);
    base = postmark.base_url();
  }
  const auto sent = mailer_for(base)->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_EQ(sent.error().message.rfind("postmark: ", 0), 0u) << sent.error().message;
  expect_no_secrets(sent.error().message);
}

TEST(PostmarkMailer, ServerThatNeverAnswersFailsWithinTheTotalTimeout) {
  FakePostmark postmark(kKey);
  postmark.server().set_never_answer(true);
  const auto start = std::chrono::steady_clock::now();
  const auto sent = mailer_for(postmark.base_url(), kKey, 400ms)->send(message());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_NE(sent.error().message.find("postmark: "), std::string::npos);
  EXPECT_GE(elapsed, 350ms);
  EXPECT_LT(elapsed, 2s);
  expect_no_secrets(sent.error().message);
}

TEST(PostmarkMailer, MissingKeyFailsWithoutCallingTheApi) {
  FakePostmark postmark(kKey);
  const auto sent = mailer_for(postmark.base_url(), "")->send(message());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.error().kind, "mail");
  EXPECT_TRUE(postmark.requests().empty());
}

TEST(PostmarkMailer, IsSafeToCallFromSeveralThreads) {
  FakePostmark postmark(kKey);
  const auto mailer = mailer_for(postmark.base_url());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (mailer->send(message()).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(postmark.messages().size(), 8u);
  EXPECT_TRUE(postmark.failures().empty());
}

}  // namespace
}  // namespace linkgate::mail

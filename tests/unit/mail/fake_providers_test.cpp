// The fake provider APIs themselves: they must reject what the real APIs reject, or the mailer
// tests prove nothing.
#include "support/fake_providers.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mail/http_client.hpp"

namespace linkgate::testing {
namespace {

using mail::http_post;
using mail::HttpPost;

const std::string kPostmarkBody =
    R"({"From":"a <x@y.z>","To":"to@example.org","Subject":"s","TextBody":"go https://h.example/cb?token=1 now","HtmlBody":"<p>","MessageStream":"outbound"})";

HttpPost postmark_post(const FakePostmark& fake, std::string body = kPostmarkBody) {
  HttpPost post;
  post.url = fake.base_url() + "/email";
  post.body = std::move(body);
  post.headers = {{"Accept", "application/json"},
                  {"Content-Type", "application/json"},
                  {"X-Postmark-Server-Token", "tok"}};
  return post;
}

bool has_failure(const std::vector<std::string>& failures, const std::string& part) {
  for (const auto& f : failures) {
    if (f.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(FakePostmark, AcceptsAValidRequestLikeTheRealApi) {
  FakePostmark fake("tok");
  const auto response = http_post(postmark_post(fake));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
  const auto body = boost::json::parse(response->body).as_object();
  EXPECT_EQ(body.at("ErrorCode").as_int64(), 0);
  EXPECT_EQ(std::string(body.at("Message").as_string()), "OK");
  EXPECT_EQ(std::string(body.at("To").as_string()), "to@example.org");
  EXPECT_TRUE(body.contains("MessageID"));
  EXPECT_TRUE(body.contains("SubmittedAt"));
  ASSERT_EQ(fake.messages().size(), 1u);
  EXPECT_EQ(fake.messages()[0].link, "https://h.example/cb?token=1");
  EXPECT_TRUE(fake.failures().empty());
}

TEST(FakePostmark, RejectsEachMissingHeader) {
  for (const std::string header : {"Accept", "Content-Type", "X-Postmark-Server-Token"}) {
    FakePostmark fake("tok");
    auto post = postmark_post(fake);
    std::erase_if(post.headers, [&](const auto& h) { return h.first == header; });
    const auto response = http_post(post);
    ASSERT_TRUE(response.ok());
    EXPECT_GE(response->status, 400) << header;
    EXPECT_TRUE(has_failure(fake.failures(), header)) << header;
    EXPECT_TRUE(fake.messages().empty());
  }
}

TEST(FakePostmark, RejectsBadBodiesWith422) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "JSON"},
      {R"({"From":"a@b.c","To":"x@y.z","Subject":"s","TextBody":"t","HtmlBody":"h"})",
       "missing field MessageStream"},
      {R"({"From":"a@b.c","To":"x@y.z, w@y.z","Subject":"s","TextBody":"t","HtmlBody":"h","MessageStream":"outbound"})",
       "To is not exactly one address"},
      {R"({"From":"a@b.c","To":"x@y.z","Subject":"","TextBody":"t","HtmlBody":"h","MessageStream":"outbound"})",
       "field Subject is empty"},
      {R"({"From":"a@b.c","To":"x@y.z","Subject":"s","TextBody":1,"HtmlBody":"h","MessageStream":"outbound"})",
       "field TextBody is not a string"},
      {R"({"From":"a@b.c","To":"x@y.z","Subject":"s","TextBody":"t","HtmlBody":"h","MessageStream":"broadcast"})",
       "MessageStream"},
  };
  for (const auto& [body, expected] : cases) {
    FakePostmark fake("tok");
    const auto response = http_post(postmark_post(fake, body));
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->status, 422) << body;
    EXPECT_TRUE(has_failure(fake.failures(), expected)) << body;
    EXPECT_TRUE(boost::json::parse(response->body).as_object().contains("ErrorCode"));
  }
}

TEST(FakePostmark, FailNextAnswersTheStatusThenRecovers) {
  FakePostmark fake("tok");
  fake.fail_next(429, 1, FakeFailure::with_retry_after(3));
  const auto first = http_post(postmark_post(fake));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, 429);
  EXPECT_EQ(fake.requests().size(), 1u);
  EXPECT_TRUE(fake.messages().empty());
  const auto second = http_post(postmark_post(fake));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->status, 200);
  EXPECT_TRUE(fake.wait_for_messages(1));
}

TEST(FakeForwardEmail, ChecksBasicAuthAndFields) {
  FakeForwardEmail fake("key");
  HttpPost post;
  post.url = fake.base_url() + "/v1/emails";
  post.body = R"({"from":"a@b.c","to":"x@y.z","subject":"s","html":"h","text":"t"})";
  post.headers = {{"Content-Type", "application/json"}, {"Authorization", "Basic a2V5Og=="}};
  auto response = http_post(post);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(boost::json::parse(response->body).as_object().at("object").as_string(), "email");

  post.headers[1].second = "Basic a2V5";  // base64("key"): no colon
  response = http_post(post);
  EXPECT_EQ(response->status, 401);
  EXPECT_TRUE(has_failure(fake.failures(), "Authorization"));

  post.headers[1].second = "Basic a2V5Og==";
  post.body = R"({"from":"a@b.c","to":"x@y.z","subject":"s","html":"h"})";
  response = http_post(post);
  EXPECT_EQ(response->status, 400);
  EXPECT_TRUE(has_failure(fake.failures(), "missing field text"));
  EXPECT_EQ(fake.messages().size(), 1u);
}

}  // namespace
}  // namespace linkgate::testing

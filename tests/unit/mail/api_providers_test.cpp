// The Resend, SendGrid, Mailgun and Loops transports (authjs-behaviour.md §6, SPEC P3, P5)
// against fake APIs that check every header and field.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>

#include "core/form.hpp"
#include "mail/providers.hpp"
#include "support/fake_api_providers.hpp"

namespace linkgate::mail {
namespace {

using linkgate::testing::FakeFailure;
using linkgate::testing::FakeMailProvider;
using namespace std::chrono_literals;

const std::string kToken = "5e6f7a8b9c0d1e2f";
const std::string kUrl =
    "https://app.acme.test/api/auth/callback/x?callbackUrl=%2F&token=" + kToken +
    "&email=ann%40example.org";

EmailMessage message(std::string from = "Acme Login <login@acme.test>") {
  return EmailMessage{"ann@example.org",
                      std::move(from),
                      "Sign in to app.acme.test",
                      "Sign in to app.acme.test\n" + kUrl + "\n\n",
                      "<a href=\"" + kUrl + "\">Sign in</a>",
                      kUrl};
}

HttpProviderOptions http(const std::string& key, const std::string& base) {
  HttpProviderOptions o;
  o.api_key = key;
  o.base_url = base;
  o.connect_timeout = 2000ms;
  o.total_timeout = 3000ms;
  return o;
}

struct Case {
  std::string id;
  std::function<std::unique_ptr<FakeMailProvider>()> fake;
  std::function<std::shared_ptr<Transport>(const std::string& key, const std::string& base)>
      transport;
  std::string key;
};

std::vector<Case> cases() {
  return {
      {"resend", [] { return std::make_unique<testing::FakeResend>("re_123"); },
       [](const std::string& k, const std::string& b) { return make_resend_transport(http(k, b)); },
       "re_123"},
      {"sendgrid", [] { return std::make_unique<testing::FakeSendGrid>("SG.abc"); },
       [](const std::string& k, const std::string& b) {
         return make_sendgrid_transport(http(k, b));
       },
       "SG.abc"},
      {"mailgun", [] { return std::make_unique<testing::FakeMailgun>("mg-key", "acme.test"); },
       [](const std::string& k, const std::string& b) {
         return make_mailgun_transport(MailgunOptions{http(k, b), "US"});
       },
       "mg-key"},
      {"loops", [] { return std::make_unique<testing::FakeLoops>("lp-key", "tx-42"); },
       [](const std::string& k, const std::string& b) {
         return make_loops_transport(LoopsOptions{http(k, b), "tx-42"});
       },
       "lp-key"},
  };
}

class ApiProvider : public ::testing::TestWithParam<int> {
 protected:
  Case c() const { return cases()[GetParam()]; }
};

void expect_no_secrets(const std::string& text, const std::string& key) {
  EXPECT_EQ(text.find(key), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
  EXPECT_EQ(text.find("callback/x"), std::string::npos) << text;
}

TEST_P(ApiProvider, SendsARequestTheFakeApiAccepts) {
  auto fake = c().fake();
  auto transport = c().transport(c().key, fake->base_url());
  EXPECT_EQ(transport->id(), c().id);
  const auto outcome = transport->try_send(message(), 5s);
  ASSERT_TRUE(outcome.ok()) << outcome.failure->error.message;
  EXPECT_TRUE(fake->failures().empty()) << fake->failures().front();
  ASSERT_EQ(fake->messages().size(), 1u);
  EXPECT_EQ(fake->messages()[0].to, "ann@example.org");
  EXPECT_EQ(fake->messages()[0].link, kUrl);
  if (c().id != "loops") {
    EXPECT_EQ(fake->messages()[0].from, "Acme Login <login@acme.test>");
    EXPECT_EQ(fake->messages()[0].subject, "Sign in to app.acme.test");
    EXPECT_EQ(fake->messages()[0].html, message().html);
    EXPECT_EQ(fake->messages()[0].text, message().text);
  }
}

TEST_P(ApiProvider, WrongKeyIsAPermanentFailureWithoutTheKey) {
  auto fake = c().fake();
  const auto outcome = c().transport("wrong-key-0xdead", fake->base_url())->try_send(message(), 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.failure->retryable);
  EXPECT_EQ(outcome.failure->error.kind, "mail");
  EXPECT_EQ(outcome.failure->error.message.rfind(c().id + ": HTTP 40", 0), 0u)
      << outcome.failure->error.message;
  expect_no_secrets(outcome.failure->error.message, "wrong-key-0xdead");
  EXPECT_FALSE(fake->failures().empty());
}

TEST_P(ApiProvider, Status500IsRetryableAnd422IsNot) {
  auto fake = c().fake();
  auto transport = c().transport(c().key, fake->base_url());
  fake->fail_next(500, 1, FakeFailure::with_message("upstream exploded"));
  auto first = transport->try_send(message(), 5s);
  ASSERT_FALSE(first.ok());
  EXPECT_TRUE(first.failure->retryable);
  EXPECT_EQ(first.failure->error.message, c().id + ": HTTP 500: upstream exploded");
  fake->fail_next(422, 1, FakeFailure::with_message("recipient is suppressed"));
  auto second = transport->try_send(message(), 5s);
  ASSERT_FALSE(second.ok());
  EXPECT_FALSE(second.failure->retryable);
  EXPECT_EQ(second.failure->error.message, c().id + ": HTTP 422: recipient is suppressed");
}

TEST_P(ApiProvider, Status429CarriesRetryAfter) {
  auto fake = c().fake();
  fake->fail_next(429, 1, FakeFailure::with_retry_after(7));
  auto outcome = c().transport(c().key, fake->base_url())->try_send(message(), 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.failure->retryable);
  ASSERT_TRUE(outcome.failure->retry_after.has_value());
  EXPECT_EQ(*outcome.failure->retry_after, 7000ms);
}

TEST_P(ApiProvider, EchoedRequestIsScrubbed) {
  auto fake = c().fake();
  fake->fail_next(400, 1, FakeFailure::with_message("bad request", true));
  auto outcome = c().transport(c().key, fake->base_url())->try_send(message(), 5s);
  ASSERT_FALSE(outcome.ok());
  expect_no_secrets(outcome.failure->error.message, c().key);
}

TEST_P(ApiProvider, TimeLeftBoundsTheTry) {
  auto fake = c().fake();
  fake->server().set_never_answer(true);
  const auto start = std::chrono::steady_clock::now();
  auto outcome = c().transport(c().key, fake->base_url())->try_send(message(), 300ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.failure->retryable);
  EXPECT_LT(elapsed, 1500ms);
  EXPECT_GE(elapsed, 250ms);
}

TEST_P(ApiProvider, ClosedPortIsRetryable) {
  std::string base;
  {
    auto fake = c().fake();
    base = fake->base_url();
  }
  auto outcome = c().transport(c().key, base)->try_send(message(), 2s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.failure->retryable);
  EXPECT_EQ(outcome.failure->error.message.rfind(c().id + ": ", 0), 0u);
}

TEST_P(ApiProvider, MissingKeyFailsWithoutARequest) {
  auto fake = c().fake();
  auto outcome = c().transport("", fake->base_url())->try_send(message(), 2s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.failure->retryable);
  EXPECT_TRUE(fake->requests().empty());
}

INSTANTIATE_TEST_SUITE_P(Providers, ApiProvider, ::testing::Values(0, 1, 2, 3),
                         [](const auto& info) { return cases()[info.param].id; });

TEST(Resend, RequestShape) {
  testing::FakeResend fake("re_123");
  ASSERT_TRUE(make_resend_transport(http("re_123", fake.base_url()))->try_send(message(), 5s).ok());
  const auto r = fake.requests().at(0);
  EXPECT_EQ(r.target, "/emails");
  EXPECT_EQ(r.header("Authorization"), "Bearer re_123");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.size(), 5u);
  EXPECT_EQ(body.at("to").as_string(), "ann@example.org");
  EXPECT_EQ(body.at("from").as_string(), "Acme Login <login@acme.test>");
}

TEST(SendGrid, SplitsTheFromIntoEmailAndName) {
  testing::FakeSendGrid fake("SG.abc");
  auto transport = make_sendgrid_transport(http("SG.abc", fake.base_url()));
  ASSERT_TRUE(transport->try_send(message(), 5s).ok());
  ASSERT_TRUE(transport->try_send(message("login@acme.test"), 5s).ok());
  EXPECT_TRUE(fake.failures().empty());
  const auto named = boost::json::parse(fake.requests().at(0).body).as_object();
  EXPECT_EQ(fake.requests().at(0).target, "/v3/mail/send");
  EXPECT_EQ(fake.requests().at(0).header("Authorization"), "Bearer SG.abc");
  EXPECT_EQ(boost::json::serialize(named.at("from")),
            R"({"email":"login@acme.test","name":"Acme Login"})");
  EXPECT_EQ(boost::json::serialize(named.at("personalizations")),
            R"([{"to":[{"email":"ann@example.org"}]}])");
  EXPECT_EQ(named.at("content").as_array().at(0).as_object().at("type").as_string(), "text/plain");
  const auto bare = boost::json::parse(fake.requests().at(1).body).as_object();
  EXPECT_EQ(boost::json::serialize(bare.at("from")), R"({"email":"login@acme.test"})");
}

TEST(SendGrid, ErrorsArrayTextIsReported) {
  testing::FakeSendGrid fake("SG.abc");
  fake.fail_next(400, 1,
                 FakeFailure::with_message("The from address does not match a verified "
                                           "Sender Identity."));
  auto outcome = make_sendgrid_transport(http("SG.abc", fake.base_url()))->try_send(message(), 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.failure->error.message,
            "sendgrid: HTTP 400: The from address does not match a verified Sender Identity.");
}

TEST(Mailgun, DomainFromTheAddressDisplayNameKeptBasicApiKey) {
  testing::FakeMailgun fake("mg-key", "mg.acme.test");
  auto transport = make_mailgun_transport(MailgunOptions{http("mg-key", fake.base_url()), "EU"});
  ASSERT_TRUE(transport->try_send(message("\"Acme, Inc.\" <login@mg.acme.test>"), 5s).ok());
  EXPECT_TRUE(fake.failures().empty()) << fake.failures().front();
  const auto r = fake.requests().at(0);
  EXPECT_EQ(r.target, "/v3/mg.acme.test/messages");
  EXPECT_EQ(r.header("Authorization"), "Basic YXBpOm1nLWtleQ==");  // base64("api:mg-key")
  EXPECT_EQ(r.header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(fake.messages().at(0).from, "\"Acme, Inc.\" <login@mg.acme.test>");
  EXPECT_EQ(core::parse_form(r.body).at("to"), "ann@example.org");
}

TEST(Mailgun, RegionPicksTheApiHost) {
  EXPECT_EQ(mailgun_api_base("US"), "https://api.mailgun.net");
  EXPECT_EQ(mailgun_api_base(""), "https://api.mailgun.net");
  EXPECT_EQ(mailgun_api_base("EU"), "https://api.eu.mailgun.net");
  EXPECT_EQ(mailgun_api_base("eu"), "https://api.eu.mailgun.net");
}

TEST(Mailgun, FromWithoutADomainFailsBeforeAnyRequest) {
  testing::FakeMailgun fake("mg-key", "acme.test");
  auto transport = make_mailgun_transport(MailgunOptions{http("mg-key", fake.base_url()), "US"});
  auto outcome = transport->try_send(message("Acme <nobody>"), 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.failure->retryable);
  EXPECT_TRUE(fake.requests().empty());
}

TEST(Loops, SendsTheTransactionalIdAndTheUrlOnly) {
  testing::FakeLoops fake("lp-key", "tx-42");
  ASSERT_TRUE(make_loops_transport(LoopsOptions{http("lp-key", fake.base_url()), "tx-42"})
                  ->try_send(message(), 5s)
                  .ok());
  const auto r = fake.requests().at(0);
  EXPECT_EQ(r.target, "/api/v1/transactional");
  EXPECT_EQ(r.header("Authorization"), "Bearer lp-key");
  EXPECT_EQ(r.body, R"({"transactionalId":"tx-42","email":"ann@example.org","dataVariables":)"
                    R"({"url":")" +
                        kUrl + R"("}})");
  auto wrong = make_loops_transport(LoopsOptions{http("lp-key", fake.base_url()), "tx-other"})
                   ->try_send(message(), 5s);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.failure->error.message, "loops: HTTP 404: Transactional email not found.");
}

}  // namespace
}  // namespace linkgate::mail

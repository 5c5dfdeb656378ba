// The sign-in flow through local fake Postmark and Forward Email APIs that check every header and
// field of the real APIs (SPEC P1, P2, P5).
#include <map>
#include <string>

#include "integration/harness.hpp"
#include "support/fake_providers.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

struct ProviderCase {
  std::string id;
  std::function<std::unique_ptr<FakeMailProvider>()> make_fake;
  std::string key_env;
  std::string url_env;
  std::string key;
};

std::vector<ProviderCase> provider_cases() {
  return {
      {"postmark", [] { return std::make_unique<FakePostmark>("pm-test-key"); },
       "AUTH_POSTMARK_KEY", "AUTH_POSTMARK_API_URL", "pm-test-key"},
      {"forwardemail", [] { return std::make_unique<FakeForwardEmail>("fe-test-key"); },
       "AUTH_FORWARDEMAIL_KEY", "AUTH_FORWARDEMAIL_API_URL", "fe-test-key"},
  };
}

class ProviderFlow : public ::testing::TestWithParam<std::tuple<int, std::string>> {
 protected:
  ProviderCase provider() const { return provider_cases()[std::get<0>(GetParam())]; }
  std::string strategy() const { return std::get<1>(GetParam()); }
  // A server that sends through `fake` with the right key.
  std::map<std::string, std::string> server_env(const ProviderCase& p,
                                                const FakeMailProvider& fake) const {
    return {{p.key_env, p.key},
            {p.url_env, fake.base_url()},
            {"EMAIL_FROM", "Acme <login@acme.test>"},
            {"AUTH_SESSION_STRATEGY", strategy()}};
  }
};

TEST_P(ProviderFlow, SignsInThroughTheProviderApi) {
  ProviderCase p = provider();
  auto fake = p.make_fake();
  RunningServer server(server_env(p, *fake));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();

  // With a provider key set, the dev outbox is off.
  EXPECT_EQ(browser.get("/dev/outbox.json").status, 404);
  auto providers = json::parse(browser.get("/api/auth/providers").body).as_object();
  ASSERT_TRUE(providers.contains(p.id));
  EXPECT_EQ(providers[p.id].as_object()["signinUrl"].as_string(),
            server.origin() + "/api/auth/signin/" + p.id);

  auto sent = request_link(browser, p.id, "Someone@Example.org",
                           {{"callbackUrl", server.origin() + "/dashboard"}});
  ASSERT_EQ(sent.status, 302) << server.process().logs();
  EXPECT_EQ(sent.header("location"),
            server.origin() + "/api/auth/verify-request?provider=" + p.id + "&type=email");
  ASSERT_TRUE(fake->wait_for_messages(1));
  EXPECT_TRUE(fake->failures().empty()) << fake->failures().front();
  FakeEmail email = fake->messages().front();
  EXPECT_EQ(email.to, "someone@example.org");
  EXPECT_EQ(email.from, "Acme <login@acme.test>");
  EXPECT_EQ(email.subject, "Sign in to 127.0.0.1:" + std::to_string(server.process().port()));
  EXPECT_EQ(email.html.find("someone@example.org"), std::string::npos);
  EXPECT_NE(email.html.find("127&#8203;.0&#8203;.0&#8203;.1"), std::string::npos);
  ASSERT_FALSE(email.link.empty());
  EXPECT_EQ(query_param(email.link, "callbackUrl"), server.origin() + "/dashboard");

  auto callback = browser.get(local_target(email.link, server.origin()));
  ASSERT_EQ(callback.status, 302);
  EXPECT_EQ(callback.header("location"), server.origin() + "/dashboard");
  auto session = session_json(browser);
  ASSERT_TRUE(session.is_object());
  EXPECT_EQ(session.as_object()["user"].as_object()["email"].as_string(), "someone@example.org");
  // The API key never reaches the logs.
  EXPECT_EQ(server.process().logs().find(p.key), std::string::npos);
}

TEST_P(ProviderFlow, ProviderErrorsRedirectToEmailSignin) {
  ProviderCase p = provider();
  for (int status : {422, 500}) {
    auto fake = p.make_fake();
    RunningServer server(
        {{p.key_env, p.key}, {p.url_env, fake->base_url()}, {"AUTH_SESSION_STRATEGY", strategy()}});
    ASSERT_FALSE(server.process().failed()) << server.process().logs();
    TestClient browser = server.client();
    fake->fail_next(status, 100);
    auto sent = request_link(browser, p.id, "fail@example.org");
    EXPECT_EQ(sent.status, 302);
    EXPECT_EQ(sent.header("location"), server.origin() + "/api/auth/signin?error=EmailSignin");
    EXPECT_TRUE(fake->messages().empty());
    std::string logs = server.process().logs();
    EXPECT_NE(logs.find(p.id), std::string::npos) << logs;
    EXPECT_NE(logs.find(std::to_string(status)), std::string::npos) << logs;
    EXPECT_EQ(logs.find(p.key), std::string::npos);
    // The sign-in page shows the seeds' message for that code.
    auto page = browser.get("/api/auth/signin?error=EmailSignin");
    EXPECT_NE(page.body.find("The e-mail could not be sent."), std::string::npos);
  }
}

TEST_P(ProviderFlow, WrongApiKeyIsAnEmailSigninError) {
  ProviderCase p = provider();
  auto fake = p.make_fake();
  RunningServer server({{p.key_env, "not-the-right-key"}, {p.url_env, fake->base_url()}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto sent = request_link(browser, p.id, "who@example.org");
  EXPECT_EQ(sent.header("location"), server.origin() + "/api/auth/signin?error=EmailSignin");
  EXPECT_FALSE(fake->failures().empty());
  EXPECT_EQ(server.process().logs().find("not-the-right-key"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(ProvidersAndStrategies, ProviderFlow,
                         ::testing::Combine(::testing::Values(0, 1),
                                            ::testing::Values("database", "jwt")),
                         [](const auto& info) {
                           return provider_cases()[std::get<0>(info.param)].id + "_" +
                                  std::get<1>(info.param);
                         });

TEST(ProviderFlow, SeveralProvidersEachGetTheirOwnForm) {
  FakePostmark postmark("pm");
  FakeForwardEmail forward("fe");
  RunningServer server({{"AUTH_POSTMARK_KEY", "pm"},
                        {"AUTH_POSTMARK_API_URL", postmark.base_url()},
                        {"AUTH_FORWARDEMAIL_KEY", "fe"},
                        {"AUTH_FORWARDEMAIL_API_URL", forward.base_url()}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto page = browser.get("/api/auth/signin");
  EXPECT_NE(page.body.find("action=\"" + server.origin() + "/api/auth/signin/postmark\""),
            std::string::npos);
  EXPECT_NE(page.body.find("action=\"" + server.origin() + "/api/auth/signin/forwardemail\""),
            std::string::npos);
  ASSERT_EQ(request_link(browser, "forwardemail", "a@example.org").status, 302);
  ASSERT_TRUE(forward.wait_for_messages(1));
  EXPECT_TRUE(postmark.messages().empty());
}

}  // namespace
}  // namespace linkgate::testing

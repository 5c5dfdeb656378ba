// Every transport and dependable delivery through the linkgate binary (SPEC P3, P5; issue 4
// "Transports" and "Dependable delivery"): the user's redirect, how many tries the provider
// saw, how long it took and what the logs say, with fake APIs and a fake SMTP server.
#include <cctype>
#include <chrono>

#include "integration/harness.hpp"
#include "support/fake_api_providers.hpp"
#include "support/fake_smtp_server.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Short retries keep the suite fast; the defaults are in README.md.
std::map<std::string, std::string> fast_retries(std::map<std::string, std::string> env) {
  env.try_emplace("LINKGATE_EMAIL_RETRY_MAX_TRIES", "3");
  env.try_emplace("LINKGATE_EMAIL_RETRY_BASE_MS", "50");
  env.try_emplace("LINKGATE_EMAIL_RETRY_BUDGET_MS", "3000");
  env.try_emplace("LINKGATE_PROVIDER_TIMEOUT_MS", "1000");
  env.try_emplace("EMAIL_FROM", "Acme <login@acme.test>");
  return env;
}

// Quoted-printable soft breaks and =XX escapes undone (the SMTP message's text part).
std::string qp_decode(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && in.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (in[i] == '=' && i + 2 < in.size() && std::isxdigit(in[i + 1]) &&
               std::isxdigit(in[i + 2])) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

void expect_signed_in(RunningServer& server, TestClient& browser, const std::string& link) {
  ASSERT_FALSE(link.empty());
  auto callback = browser.get(local_target(link, server.origin()));
  ASSERT_EQ(callback.status, 302) << link;
  auto session = session_json(browser);
  ASSERT_TRUE(session.is_object());
  EXPECT_EQ(session.as_object()["user"].as_object()["email"].as_string(), "dana@example.org");
}

struct HttpCase {
  std::string id;
  std::string name;
  std::function<std::unique_ptr<FakeMailProvider>()> make_fake;
  std::map<std::string, std::string> env;  // without the API URL
  std::string url_env;
  std::string key;
};

std::vector<HttpCase> http_cases() {
  return {
      {"resend",
       "Resend",
       [] { return std::make_unique<FakeResend>("re_k"); },
       {{"AUTH_RESEND_KEY", "re_k"}},
       "AUTH_RESEND_API_URL",
       "re_k"},
      {"sendgrid",
       "SendGrid",
       [] { return std::make_unique<FakeSendGrid>("SG.k"); },
       {{"AUTH_SENDGRID_KEY", "SG.k"}},
       "AUTH_SENDGRID_API_URL",
       "SG.k"},
      {"mailgun",
       "Mailgun",
       [] { return std::make_unique<FakeMailgun>("mg_k", "acme.test"); },
       {{"AUTH_MAILGUN_KEY", "mg_k"}, {"AUTH_MAILGUN_REGION", "EU"}},
       "AUTH_MAILGUN_API_URL",
       "mg_k"},
      {"loops",
       "Loops",
       [] { return std::make_unique<FakeLoops>("lp_k", "tx-9"); },
       {{"AUTH_LOOPS_KEY", "lp_k"}, {"AUTH_LOOPS_TRANSACTIONAL_ID", "tx-9"}},
       "AUTH_LOOPS_API_URL",
       "lp_k"},
  };
}

class HttpTransportFlow : public ::testing::TestWithParam<int> {};

TEST_P(HttpTransportFlow, SignsInThroughTheProviderApi) {
  const HttpCase c = http_cases()[GetParam()];
  auto fake = c.make_fake();
  auto env = c.env;
  env[c.url_env] = fake->base_url();
  RunningServer server(fast_retries(env));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto providers = json::parse(browser.get("/api/auth/providers").body).as_object();
  ASSERT_TRUE(providers.contains(c.id));
  EXPECT_EQ(providers[c.id].as_object()["name"].as_string(), c.name);
  EXPECT_EQ(providers[c.id].as_object()["type"].as_string(), "email");

  auto sent = request_link(browser, c.id, "Dana@Example.org");
  EXPECT_EQ(sent.header("location"),
            server.origin() + "/api/auth/verify-request?provider=" + c.id + "&type=email");
  ASSERT_TRUE(fake->wait_for_messages(1));
  EXPECT_TRUE(fake->failures().empty()) << fake->failures().front();
  EXPECT_EQ(fake->messages()[0].to, "dana@example.org");
  if (c.id != "loops") {
    EXPECT_EQ(fake->messages()[0].from, "Acme <login@acme.test>");
  }
  expect_signed_in(server, browser, fake->messages()[0].link);
  EXPECT_EQ(server.process().logs().find(c.key), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Providers, HttpTransportFlow, ::testing::Values(0, 1, 2, 3),
                         [](const auto& info) { return http_cases()[info.param].id; });

TEST(SmtpFlow, SignsInThroughStartTlsAndAuth) {
  FakeSmtpServer smtp(
      {.tls = FakeSmtpOptions::Tls::starttls, .user = "mailer", .password = "pw-8f1e"});
  RunningServer server(fast_retries({{"EMAIL_SERVER", smtp.url("mailer", "pw-8f1e")},
                                     {"LINKGATE_SMTP_CA_FILE", smtp.ca_file()}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto providers = json::parse(browser.get("/api/auth/providers").body).as_object();
  ASSERT_TRUE(providers.contains("smtp"));
  EXPECT_EQ(providers["smtp"].as_object()["name"].as_string(), "Email");
  EXPECT_NE(browser.get("/api/auth/signin").body.find("/api/auth/signin/smtp\""),
            std::string::npos);

  auto sent = request_link(browser, "smtp", "dana@example.org");
  EXPECT_EQ(sent.header("location"),
            server.origin() + "/api/auth/verify-request?provider=smtp&type=email");
  ASSERT_TRUE(smtp.wait_for_messages(1)) << server.process().logs();
  const SmtpSession s = smtp.sessions().back();
  EXPECT_TRUE(s.tls);
  EXPECT_EQ(s.auth_user, "mailer");
  EXPECT_EQ(s.mail_from, "login@acme.test");
  EXPECT_EQ(s.rcpt_to, std::vector<std::string>{"dana@example.org"});
  EXPECT_TRUE(smtp.problems().empty()) << smtp.problems().front();
  const std::string text = qp_decode(s.data);
  EXPECT_EQ(text.find("dana@example.org", text.find("\r\n\r\n")), std::string::npos)
      << "the body never shows the recipient";
  expect_signed_in(server, browser, first_link(text.substr(text.find("text/plain"))));
  EXPECT_EQ(server.process().logs().find("pw-8f1e"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Dependable delivery, with Resend as the provider under test.

struct Delivery {
  std::unique_ptr<FakeResend> fake = std::make_unique<FakeResend>("re_secret_key");
  std::unique_ptr<RunningServer> server;
  HttpResponse answer;
  std::chrono::milliseconds took{0};

  explicit Delivery(std::map<std::string, std::string> extra = {}) {
    extra.try_emplace("AUTH_RESEND_KEY", "re_secret_key");
    extra.try_emplace("AUTH_RESEND_API_URL", fake->base_url());
    server = std::make_unique<RunningServer>(fast_retries(extra));
  }
  void sign_in() {
    TestClient browser = server->client();
    const auto start = std::chrono::steady_clock::now();
    answer = request_link(browser, "resend", "dana@example.org");
    took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }
  std::string location() const { return answer.header("location"); }
  std::string error_page() const { return server->origin() + "/api/auth/signin?error=EmailSignin"; }
  std::string logs() { return server->process().logs(); }
  void expect_clean_logs() {
    const std::string l = logs();
    EXPECT_EQ(l.find("re_secret_key"), std::string::npos);
    EXPECT_EQ(l.find("token="), std::string::npos) << l;
    EXPECT_EQ(l.find("/callback/resend"), std::string::npos) << l;
  }
};

TEST(DeliveryFailure, Http500IsRetriedThenEmailSignin) {
  Delivery d;
  d.fake->fail_next(500, 100, FakeFailure::with_message("database on fire"));
  d.sign_in();
  EXPECT_EQ(d.location(), d.error_page());
  EXPECT_EQ(d.fake->requests().size(), 3u);
  const std::string logs = d.logs();
  EXPECT_NE(logs.find("email: try 1 of 3 failed: resend: HTTP 500: database on fire; retrying in"),
            std::string::npos)
      << logs;
  EXPECT_NE(logs.find("provider resend failed: resend: HTTP 500: database on fire (gave up after "
                      "3 tries"),
            std::string::npos)
      << logs;
  d.expect_clean_logs();
}

TEST(DeliveryFailure, Http503ThenOkSignsIn) {
  Delivery d;
  d.fake->fail_next(503, 1);
  d.sign_in();
  EXPECT_EQ(d.location(),
            d.server->origin() + "/api/auth/verify-request?provider=resend&type=email");
  EXPECT_EQ(d.fake->requests().size(), 2u);
  EXPECT_EQ(d.fake->messages().size(), 1u);
  EXPECT_NE(d.logs().find("resend accepted the message on try 2"), std::string::npos) << d.logs();
  d.expect_clean_logs();
}

TEST(DeliveryFailure, Http429HonoursRetryAfter) {
  Delivery d;
  d.fake->fail_next(429, 1, FakeFailure::with_retry_after(1));
  d.sign_in();
  EXPECT_EQ(d.location(),
            d.server->origin() + "/api/auth/verify-request?provider=resend&type=email");
  EXPECT_EQ(d.fake->requests().size(), 2u);
  EXPECT_GE(d.took, 1000ms);  // the 50 ms backoff gave way to Retry-After: 1
  EXPECT_LT(d.took, 2500ms);
  EXPECT_NE(d.logs().find("HTTP 429"), std::string::npos);
  EXPECT_NE(d.logs().find("retrying in 1000 ms"), std::string::npos) << d.logs();
}

TEST(DeliveryFailure, Http422IsNotRetried) {
  Delivery d;
  d.fake->fail_next(422, 100, FakeFailure::with_message("Invalid `to` field."));
  d.sign_in();
  EXPECT_EQ(d.location(), d.error_page());
  EXPECT_EQ(d.fake->requests().size(), 1u);
  EXPECT_NE(d.logs().find("provider resend failed: resend: HTTP 422: Invalid `to` field."),
            std::string::npos)
      << d.logs();
  d.expect_clean_logs();
}

TEST(DeliveryFailure, ServerThatNeverAnswersEndsWithinTheBudget) {
  Delivery d({{"LINKGATE_PROVIDER_TIMEOUT_MS", "500"}, {"LINKGATE_EMAIL_RETRY_BUDGET_MS", "1500"}});
  d.fake->server().set_never_answer(true);
  d.sign_in();
  EXPECT_EQ(d.location(), d.error_page());
  EXPECT_GE(d.fake->requests().size(), 2u);
  EXPECT_LE(d.fake->requests().size(), 3u);
  EXPECT_GE(d.took, 1000ms);
  EXPECT_LT(d.took, 2500ms) << d.logs();
  EXPECT_NE(d.logs().find("provider resend failed: resend: "), std::string::npos) << d.logs();
  // The server kept serving other requests meanwhile (the send ran on a worker).
  EXPECT_EQ(d.server->client().get("/healthz").status, 200);
}

TEST(DeliveryFailure, ClosedPortIsRetriedThenEmailSignin) {
  std::string closed;
  {
    FakeResend gone;
    closed = gone.base_url();
  }
  Delivery d({{"AUTH_RESEND_API_URL", closed}});
  d.sign_in();
  EXPECT_EQ(d.location(), d.error_page());
  const std::string logs = d.logs();
  EXPECT_NE(logs.find("email: try 2 of 3 failed: resend: "), std::string::npos) << logs;
  EXPECT_NE(logs.find("gave up after 3 tries"), std::string::npos) << logs;
  d.expect_clean_logs();
}

TEST(DeliveryFallback, FailingProviderFallsBackToSmtp) {
  FakeSmtpServer smtp;
  Delivery d({{"EMAIL_SERVER", smtp.url()}, {"LINKGATE_EMAIL_FALLBACK", "smtp"}});
  ASSERT_FALSE(d.server->process().failed()) << d.logs();
  // The fallback is a backup, not a sign-in choice.
  auto providers = json::parse(d.server->client().get("/api/auth/providers").body).as_object();
  EXPECT_TRUE(providers.contains("resend"));
  EXPECT_FALSE(providers.contains("smtp"));
  d.fake->fail_next(401, 100, FakeFailure::with_message("API key is invalid"));
  d.sign_in();
  EXPECT_EQ(d.location(),
            d.server->origin() + "/api/auth/verify-request?provider=resend&type=email");
  ASSERT_TRUE(smtp.wait_for_messages(1));
  EXPECT_EQ(d.fake->requests().size(), 1u);
  EXPECT_NE(d.logs().find("resend: HTTP 401: API key is invalid; trying the fallback"),
            std::string::npos)
      << d.logs();
  d.expect_clean_logs();
}

TEST(DeliveryFallback, BothFailingIsEmailSignin) {
  FakeSmtpServer smtp;
  smtp.fail_next(SmtpStage::rcpt_to, 550, "5.1.1 no such user", 100);
  Delivery d({{"EMAIL_SERVER", smtp.url()}, {"LINKGATE_EMAIL_FALLBACK", "smtp"}});
  d.fake->fail_next(422, 100);
  d.sign_in();
  EXPECT_EQ(d.location(), d.error_page());
  EXPECT_NE(d.logs().find("; fallback: smtp: "), std::string::npos) << d.logs();
}

TEST(DeliverySettings, BadEmailSettingsStopTheServer) {
  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {{"AUTH_LOOPS_KEY", "k"}},
           {{"AUTH_MAILGUN_KEY", "k"}, {"AUTH_MAILGUN_REGION", "ASIA"}},
           {{"EMAIL_SERVER", "http://u:hidden-pw@h"}},
           {{"AUTH_RESEND_KEY", "k"}, {"LINKGATE_EMAIL_FALLBACK", "smtp"}},
           {{"AUTH_RESEND_KEY", "k"}, {"LINKGATE_EMAIL_RETRY_BUDGET_MS", "soon"}}}) {
    LinkgateProcess process(env, make_temp_dir());
    EXPECT_TRUE(process.failed()) << env.begin()->first;
    EXPECT_EQ(process.logs().find("hidden-pw"), std::string::npos);
  }
}

}  // namespace
}  // namespace linkgate::testing

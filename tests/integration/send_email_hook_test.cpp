// The `webhook` email provider over real HTTP against the built binary
// (LINKGATE_HOOK_SEND_EMAIL_URL, docs/webhooks.md "The webhook email provider"): the signed
// payload (address, link, code, expiry, host, locale, rendered subject, text and HTML), sign-in
// through the link it carried, retries with one webhook-id, no retry of a 4xx, a fallback
// provider, and no link or code in the logs when the app echoes them back.
#include <chrono>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "integration/harness.hpp"
#include "support/fake_api_providers.hpp"
#include "support/fake_http_server.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kKey = "send-email-hook-key-0123456789";  // 30 bytes
const std::string kSecret = "whsec_" + crypto::base64_encode(kKey);

FakeResponse answer(int status, std::string body = "{}") {
  return FakeResponse{status, "application/json", std::move(body), {}};
}

std::map<std::string, std::string> hook_env(const FakeHttpServer& receiver,
                                            std::map<std::string, std::string> env = {}) {
  env.try_emplace("LINKGATE_HOOK_SEND_EMAIL_URL", receiver.base_url() + "/send");
  env.try_emplace("LINKGATE_WEBHOOK_SECRET", kSecret);  // the hook's default secret
  env.try_emplace("LINKGATE_EMAIL_RETRY_MAX_TRIES", "3");
  env.try_emplace("LINKGATE_EMAIL_RETRY_BASE_MS", "20");
  env.try_emplace("LINKGATE_EMAIL_RETRY_BUDGET_MS", "3000");
  env.try_emplace("LINKGATE_PROVIDER_TIMEOUT_MS", "1000");
  env.try_emplace("EMAIL_FROM", "Acme <login@acme.test>");
  return env;
}

void expect_signed(const RecordedRequest& r) {
  const std::string id = r.header("webhook-id").value_or("");
  const std::string timestamp = r.header("webhook-timestamp").value_or("");
  EXPECT_TRUE(id.starts_with("msg_")) << id;
  EXPECT_EQ(r.header("webhook-signature").value_or(""),
            "v1," + crypto::base64_encode(
                        crypto::hmac_sha256(kKey, id + "." + timestamp + "." + r.body)));
}

json::object data_of(const RecordedRequest& r) {
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body["type"].as_string(), "email.send");
  return body["data"].as_object();
}

TEST(SendEmailHook, DeliversTheSignedMessageAndItsLinkSignsIn) {
  FakeHttpServer receiver([](const RecordedRequest&) { return answer(202, ""); });
  RunningServer server(hook_env(receiver));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto providers = json::parse(browser.get("/api/auth/providers").body).as_object();
  ASSERT_TRUE(providers.contains("webhook")) << json::serialize(providers);
  EXPECT_EQ(providers["webhook"].as_object()["name"].as_string(), "Email");
  EXPECT_FALSE(providers.contains("outbox")) << "a real provider turns the dev outbox off";

  auto sent = request_link(browser, "webhook", "Dana@Example.org");
  EXPECT_EQ(sent.header("location"),
            server.origin() + "/api/auth/verify-request?provider=webhook&type=email");
  ASSERT_EQ(receiver.request_count(), 1u);
  const RecordedRequest r = receiver.requests()[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/send");
  EXPECT_EQ(r.header("content-type").value_or(""), "application/json");
  expect_signed(r);
  json::object data = data_of(r);
  const std::string host = server.origin().substr(std::string("http://").size());
  EXPECT_EQ(data["to"].as_string(), "dana@example.org");
  EXPECT_EQ(data["from"].as_string(), "Acme <login@acme.test>");
  EXPECT_EQ(data["subject"].as_string(), "Sign in to " + host);
  EXPECT_EQ(data["host"].as_string(), host);
  EXPECT_EQ(data["locale"].as_string(), "en");
  EXPECT_FALSE(data.contains("code")) << "one-time codes are off";
  const std::string url = json::value_to<std::string>(data["url"]);
  EXPECT_TRUE(url.starts_with(server.origin() + "/api/auth/callback/webhook?")) << url;
  EXPECT_NE(json::value_to<std::string>(data["text"]).find(url), std::string::npos);
  std::string escaped;  // the link as the HTML carries it
  for (char c : url) escaped += c == '&' ? std::string("&amp;") : std::string(1, c);
  const std::string html = json::value_to<std::string>(data["html"]);
  EXPECT_NE(html.find("<body"), std::string::npos) << html;
  EXPECT_NE(html.find(escaped), std::string::npos) << html;
  const std::string expires = json::value_to<std::string>(data["expires"]);
  EXPECT_EQ(expires.size(), 24u) << expires;  // 2026-11-24T10:00:00.000Z
  EXPECT_EQ(expires.back(), 'Z');

  auto callback = browser.get(local_target(url, server.origin()));
  EXPECT_EQ(callback.status, 302);
  auto session = session_json(browser);
  ASSERT_TRUE(session.is_object());
  EXPECT_EQ(session.as_object()["user"].as_object()["email"].as_string(), "dana@example.org");
}

TEST(SendEmailHook, CarriesTheOneTimeCode) {
  FakeHttpServer receiver([](const RecordedRequest&) { return answer(200); });
  RunningServer server(hook_env(receiver, {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  request_link(browser, "webhook", "dana@example.org");
  ASSERT_EQ(receiver.request_count(), 1u);
  json::object data = data_of(receiver.requests()[0]);
  ASSERT_TRUE(data.contains("code"));
  const std::string code = json::value_to<std::string>(data["code"]);
  EXPECT_EQ(code.size(), 6u);
  EXPECT_NE(json::value_to<std::string>(data["text"]).find(code), std::string::npos);
  // The code signs in as the emailed one does.
  std::string csrf = browser.csrf_token();
  auto redeemed =
      browser.post_form("/api/auth/callback/webhook",
                        {{"csrfToken", csrf}, {"email", "dana@example.org"}, {"code", code}});
  EXPECT_EQ(redeemed.status, 302);
  EXPECT_TRUE(session_json(browser).is_object());
}

TEST(SendEmailHook, RetriesWithOneWebhookIdThenDelivers) {
  int calls = 0;
  FakeHttpServer receiver([&calls](const RecordedRequest&) {
    ++calls;
    if (calls == 1) return answer(503);
    if (calls == 2) return FakeResponse{429, "application/json", "{}", {{"Retry-After", "0"}}};
    return answer(200);
  });
  RunningServer server(hook_env(receiver));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto sent = request_link(browser, "webhook", "dana@example.org");
  EXPECT_EQ(sent.header("location"),
            server.origin() + "/api/auth/verify-request?provider=webhook&type=email");
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    expect_signed(r);
    EXPECT_EQ(r.header("webhook-id"), requests[0].header("webhook-id"));
    EXPECT_EQ(data_of(r)["url"], data_of(requests[0])["url"]);
  }
  EXPECT_NE(server.process().logs().find("webhook accepted the message on try 3"),
            std::string::npos)
      << server.process().logs();
  // Another email is another message: another id.
  request_link(browser, "webhook", "dana@example.org");
  ASSERT_EQ(receiver.request_count(), 4u);
  EXPECT_NE(receiver.requests()[3].header("webhook-id"), requests[0].header("webhook-id"));
}

TEST(SendEmailHook, AClientErrorIsNotRetriedAndNeverLogsTheLinkOrCode) {
  // The app echoes the whole request back in its error.
  FakeHttpServer receiver([](const RecordedRequest& r) { return answer(422, r.body); });
  RunningServer server(hook_env(receiver, {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto sent = request_link(browser, "webhook", "dana@example.org");
  EXPECT_EQ(sent.header("location"), server.origin() + "/api/auth/signin?error=EmailSignin");
  ASSERT_EQ(receiver.request_count(), 1u);
  json::object data = data_of(receiver.requests()[0]);
  const std::string url = json::value_to<std::string>(data["url"]);
  const std::string token = query_param(url, "token").value_or("");
  const std::string code = json::value_to<std::string>(data["code"]);
  const std::string logs = server.process().logs();
  EXPECT_NE(logs.find("webhook: HTTP 422"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(token), std::string::npos);
  EXPECT_EQ(logs.find("\"" + code + "\""), std::string::npos);
  EXPECT_EQ(logs.find(kSecret), std::string::npos);
}

TEST(SendEmailHook, FallsBackToAnotherProviderAfterItsRetries) {
  FakeHttpServer receiver([](const RecordedRequest&) { return answer(500); });
  FakeResend resend("re_k");
  RunningServer server(hook_env(receiver, {{"AUTH_RESEND_KEY", "re_k"},
                                           {"AUTH_RESEND_API_URL", resend.base_url()},
                                           {"LINKGATE_EMAIL_FALLBACK", "resend"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto sent = request_link(browser, "webhook", "dana@example.org");
  EXPECT_EQ(sent.header("location"),
            server.origin() + "/api/auth/verify-request?provider=webhook&type=email");
  EXPECT_EQ(receiver.request_count(), 3u) << "the webhook's own retries first";
  ASSERT_TRUE(resend.wait_for_messages(1));
  EXPECT_TRUE(
      resend.messages()[0].link.starts_with(server.origin() + "/api/auth/callback/webhook?"));
}

TEST(SendEmailHook, IsAFallbackForAnotherProvider) {
  FakeHttpServer receiver([](const RecordedRequest&) { return answer(200); });
  FakeResend resend("re_k");
  resend.fail_next(500, 10);
  RunningServer server(hook_env(receiver, {{"AUTH_RESEND_KEY", "re_k"},
                                           {"AUTH_RESEND_API_URL", resend.base_url()},
                                           {"LINKGATE_EMAIL_FALLBACK", "webhook"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  auto providers = json::parse(browser.get("/api/auth/providers").body).as_object();
  EXPECT_FALSE(providers.contains("webhook")) << "a fallback is not a sign-in choice";
  auto sent = request_link(browser, "resend", "dana@example.org");
  EXPECT_EQ(sent.header("location"),
            server.origin() + "/api/auth/verify-request?provider=resend&type=email");
  ASSERT_EQ(receiver.request_count(), 1u);
  expect_signed(receiver.requests()[0]);
  EXPECT_TRUE(json::value_to<std::string>(data_of(receiver.requests()[0])["url"])
                  .starts_with(server.origin() + "/api/auth/callback/resend?"));
}

TEST(SendEmailHook, AReceiverThatNeverAnswersEndsWithinTheBudget) {
  FakeHttpServer receiver;
  receiver.set_never_answer(true);
  RunningServer server(hook_env(receiver, {{"LINKGATE_EMAIL_RETRY_BUDGET_MS", "900"},
                                           {"LINKGATE_PROVIDER_TIMEOUT_MS", "300"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  const auto started = std::chrono::steady_clock::now();
  auto sent = request_link(browser, "webhook", "dana@example.org");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_EQ(sent.header("location"), server.origin() + "/api/auth/signin?error=EmailSignin");
  EXPECT_GE(receiver.request_count(), 2u) << "a timeout is retried";
}

}  // namespace
}  // namespace linkgate::testing

// The sign-in decision hook over real HTTP against the built binary (LINKGATE_HOOK_SIGN_IN_URL,
// docs/webhooks.md "Decision hook"), at both stages: allowing, denying, denying with a redirect,
// a redirect to a foreign host refused, a receiver slower than LINKGATE_HOOK_TIMEOUT_MS (fail
// closed and fail open), a 500, garbage, and a redirect status that is not followed. Every call
// is checked: its Standard Webhooks signature, its payload, and that it carries no token, code or
// cookie. A slow hook holds up neither the event loop nor other requests.
#include <chrono>
#include <future>
#include <thread>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"
#include "support/fake_http_server.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kKey = "hook-test-key-0123456789abcdef";  // 30 bytes
const std::string kSecret = "whsec_" + crypto::base64_encode(kKey);

// What the receiver answers at the stage under test; the other stage is always allowed.
struct Behaviour {
  std::string name;
  FakeResponse answer;
  bool never_in_time = false;  // answers after the hook's timeout
};

FakeResponse json_answer(std::string body, int status = 200) {
  return FakeResponse{status, "application/json", std::move(body), {}};
}

// The signature check a receiver makes: v1 HMAC-SHA256 of id.timestamp.body with the key.
void expect_signed(const RecordedRequest& r) {
  const std::string id = r.header("webhook-id").value_or("");
  const std::string timestamp = r.header("webhook-timestamp").value_or("");
  EXPECT_TRUE(id.starts_with("msg_")) << id;
  const long long sent = std::stoll(timestamp.empty() ? "0" : timestamp);
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_LE(std::llabs(now - sent), 10);
  const std::string expected =
      "v1," + crypto::base64_encode(crypto::hmac_sha256(kKey, id + "." + timestamp + "." + r.body));
  EXPECT_EQ(r.header("webhook-signature").value_or(""), expected);
  EXPECT_EQ(r.header("content-type").value_or(""), "application/json");
}

class SignInHook : public ::testing::Test {
 protected:
  // Starts linkgate (dev outbox) with the hook at receiver_; `stage` is the stage whose calls get
  // `behaviour`'s answer.
  void start(const std::string& stage, const Behaviour& behaviour,
             std::map<std::string, std::string> env = {}) {
    stage_ = stage;
    receiver_.set_handler([stage, behaviour](const RecordedRequest& r) {
      auto body = json::parse(r.body).as_object();
      if (json::value_to<std::string>(body["data"].as_object()["stage"]) != stage) {
        return json_answer(R"({"allow": true})");
      }
      if (behaviour.never_in_time) std::this_thread::sleep_for(1200ms);
      return behaviour.answer;
    });
    env.try_emplace("LINKGATE_HOOK_SIGN_IN_URL", receiver_.base_url() + "/decide");
    env.try_emplace("LINKGATE_HOOK_SECRET", kSecret);
    env.try_emplace("LINKGATE_HOOK_TIMEOUT_MS", "400");
    server_ = std::make_unique<RunningServer>(std::move(env));
    ASSERT_FALSE(server_->process().failed()) << server_->process().logs();
  }

  // Asks for a link for `email` and, at the callback stage, follows it. The answer to the stage
  // under test.
  HttpResponse run_stage(TestClient& browser, const std::string& email = "ann@example.org") {
    auto asked = request_link(browser, "outbox", email);
    if (stage_ == "email") return asked;
    EXPECT_EQ(asked.header("location"),
              server_->origin() + "/api/auth/verify-request?provider=outbox&type=email");
    const std::string link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
    return browser.get(local_target(link, server_->origin()));
  }

  std::string access_denied() const {
    return server_->origin() + "/api/auth/error?error=AccessDenied";
  }

  // The request the receiver saw at the stage under test.
  json::object call_at_stage() {
    for (const auto& r : receiver_.requests()) {
      auto body = json::parse(r.body).as_object();
      if (json::value_to<std::string>(body["data"].as_object()["stage"]) == stage_) return body;
    }
    ADD_FAILURE() << "no hook call at stage " << stage_;
    return {};
  }

  // Refused: no session, and (at the email stage) no email.
  void expect_refused(TestClient& browser) {
    EXPECT_TRUE(session_json(browser).is_null());
    if (stage_ == "email") {
      EXPECT_EQ(outbox_size(browser), 0u);
    }
  }

  void expect_signed_in_or_mailed(TestClient& browser, const HttpResponse& answer) {
    if (stage_ == "email") {
      EXPECT_EQ(answer.header("location"),
                server_->origin() + "/api/auth/verify-request?provider=outbox&type=email");
      EXPECT_EQ(outbox_size(browser), 1u);
    } else {
      EXPECT_EQ(answer.status, 302);
      EXPECT_EQ(answer.header("location").find("error"), std::string::npos)
          << answer.header("location");
      auto session = session_json(browser);
      ASSERT_TRUE(session.is_object());
      EXPECT_EQ(session.as_object()["user"].as_object()["email"].as_string(), "ann@example.org");
    }
  }

  std::string stage_;
  FakeHttpServer receiver_;
  std::unique_ptr<RunningServer> server_;
};

class SignInHookAtStage : public SignInHook, public ::testing::WithParamInterface<std::string> {};

TEST_P(SignInHookAtStage, AllowGoesOnAndTheCallIsSignedWithoutSecrets) {
  start(GetParam(), {"allow", json_answer(R"({"allow": true})")});
  TestClient browser = server_->client();
  auto answer = run_stage(browser);
  expect_signed_in_or_mailed(browser, answer);
  const auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), GetParam() == "email" ? 1u : 2u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/decide");
    expect_signed(r);
    // No token, code, cookie or secret in the payload.
    for (const auto& [name, value] : browser.cookies) {
      if (value.size() > 8) {
        EXPECT_EQ(r.body.find(value), std::string::npos) << name;
      }
    }
    EXPECT_EQ(r.body.find("token"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(kSecret), std::string::npos);
  }
  if (GetParam() == "callback") {
    const std::string link = json::value_to<std::string>(newest_outbox_message(browser)["url"]);
    const std::string token = query_param(link, "token").value_or("");
    ASSERT_FALSE(token.empty());
    for (const auto& r : requests) EXPECT_EQ(r.body.find(token), std::string::npos);
    EXPECT_NE(requests[0].header("webhook-id"), requests[1].header("webhook-id"));
  }
  json::object call = call_at_stage();
  EXPECT_EQ(call["type"].as_string(), "sign_in");
  EXPECT_TRUE(call["timestamp"].is_string());
  json::object data = call["data"].as_object();
  EXPECT_EQ(data["email"].as_string(), "ann@example.org");
  EXPECT_TRUE(data["user"].is_null()) << "a first sign-in has no user yet";
  EXPECT_EQ(data["provider"].as_string(), "outbox");
  EXPECT_EQ(data["client_ip"].as_string(), "127.0.0.1");
}

TEST_P(SignInHookAtStage, AReturningUserIsSent) {
  start(GetParam(), {"allow", json_answer(R"({"allow": true})")});
  TestClient first = server_->client();
  expect_signed_in_or_mailed(first, run_stage(first));
  if (GetParam() == "email") {  // the user exists once a link was redeemed
    const std::string link = json::value_to<std::string>(newest_outbox_message(first)["url"]);
    ASSERT_EQ(first.get(local_target(link, server_->origin())).status, 302);
  }
  receiver_.clear_requests();
  TestClient again = server_->client();
  run_stage(again);
  json::object data = call_at_stage()["data"].as_object();
  ASSERT_TRUE(data["user"].is_object()) << json::serialize(data);
  json::object user = data["user"].as_object();
  EXPECT_EQ(user["email"].as_string(), "ann@example.org");
  EXPECT_FALSE(user["id"].as_string().empty());
  EXPECT_TRUE(user["email_verified"].is_string());
}

TEST_P(SignInHookAtStage, DenyIsAccessDenied) {
  start(GetParam(), {"deny", json_answer(R"({"allow": false})")});
  TestClient browser = server_->client();
  auto answer = run_stage(browser);
  EXPECT_EQ(answer.status, 302);
  EXPECT_EQ(answer.header("location"), access_denied());
  expect_refused(browser);
  EXPECT_NE(server_->process().logs().find("sign-in hook (stage " + GetParam() + ") refused"),
            std::string::npos);
}

TEST_P(SignInHookAtStage, DenyWithASameOriginRedirectGoesThere) {
  start(GetParam(), {"redirect", json_answer(R"({"allow": false, "redirect": "/blocked?why=1"})")});
  TestClient browser = server_->client();
  auto answer = run_stage(browser);
  EXPECT_EQ(answer.status, 302);
  EXPECT_EQ(answer.header("location"), server_->origin() + "/blocked?why=1");
  expect_refused(browser);
}

TEST_P(SignInHookAtStage, ARedirectToAListedHostIsFollowed) {
  start(GetParam(),
        {"listed", json_answer(R"({"allow": false, "redirect": "http://app.example.com/no"})")},
        {{"LINKGATE_REDIRECT_HOSTS", "app.example.com"}});
  TestClient browser = server_->client();
  EXPECT_EQ(run_stage(browser).header("location"), "http://app.example.com/no");
  expect_refused(browser);
}

TEST_P(SignInHookAtStage, ARedirectToAForeignHostIsRefused) {
  for (const char* target : {"https://evil.example/phish", "//evil.example/x", "/\\evil.example"}) {
    json::object body{{"allow", false}, {"redirect", target}};
    start(GetParam(), {"foreign", json_answer(json::serialize(body))});
    TestClient browser = server_->client();
    auto answer = run_stage(browser);
    EXPECT_EQ(answer.header("location"), access_denied()) << target;
    expect_refused(browser);
    EXPECT_NE(server_->process().logs().find("redirect the redirect rules do not allow"),
              std::string::npos);
  }
}

TEST_P(SignInHookAtStage, ASlowHookFailsClosedWithinTheTimeout) {
  start(GetParam(), {"slow", json_answer(R"({"allow": true})"), true});
  TestClient browser = server_->client();
  const auto started = std::chrono::steady_clock::now();
  auto answer = run_stage(browser);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(answer.header("location"), access_denied());
  EXPECT_LT(took, 1100ms) << "the hook's 400 ms timeout bounds the request";
  expect_refused(browser);
  const std::string logs = server_->process().logs();
  EXPECT_NE(logs.find("gave no decision: no answer after"), std::string::npos) << logs;
  EXPECT_NE(logs.find("refusing (fail-closed)"), std::string::npos) << logs;
}

TEST_P(SignInHookAtStage, ASlowHookFailsOpenWhenAsked) {
  start(GetParam(), {"slow", json_answer(R"({"allow": false})"), true},
        {{"LINKGATE_HOOK_FAIL_OPEN", "true"}});
  TestClient browser = server_->client();
  expect_signed_in_or_mailed(browser, run_stage(browser));
  const std::string logs = server_->process().logs();
  EXPECT_NE(logs.find("allowing (fail-open)"), std::string::npos) << logs;
}

TEST_P(SignInHookAtStage, AServerErrorFailsClosed) {
  start(GetParam(), {"500", json_answer(R"({"allow": true})", 500)});
  TestClient browser = server_->client();
  EXPECT_EQ(run_stage(browser).header("location"), access_denied());
  expect_refused(browser);
  EXPECT_NE(server_->process().logs().find("answered HTTP 500"), std::string::npos);
}

TEST_P(SignInHookAtStage, GarbageFailsClosedAndOpen) {
  for (const char* open : {"false", "true"}) {
    start(GetParam(), {"garbage", json_answer(R"(<html>allow: true</html>)")},
          {{"LINKGATE_HOOK_FAIL_OPEN", open}});
    TestClient browser = server_->client();
    auto answer = run_stage(browser);
    if (std::string(open) == "false") {
      EXPECT_EQ(answer.header("location"), access_denied());
      expect_refused(browser);
    } else {
      expect_signed_in_or_mailed(browser, answer);
    }
    EXPECT_NE(server_->process().logs().find("not a JSON object"), std::string::npos);
  }
}

TEST_P(SignInHookAtStage, ARedirectStatusIsNotFollowed) {
  FakeHttpServer elsewhere([](const RecordedRequest&) { return json_answer(R"({"allow":true})"); });
  FakeResponse moved = json_answer("", 307);
  moved.headers = {{"Location", elsewhere.base_url() + "/decide"}};
  start(GetParam(), {"307", moved});
  TestClient browser = server_->client();
  EXPECT_EQ(run_stage(browser).header("location"), access_denied());
  expect_refused(browser);
  EXPECT_EQ(elsewhere.request_count(), 0u);
  EXPECT_NE(server_->process().logs().find("redirects are not followed"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Stages, SignInHookAtStage, ::testing::Values("email", "callback"));

// While one sign-in waits on a hook that never answers in time, the server keeps serving: pages
// on its event loop and store requests on their own workers answer at once.
TEST_F(SignInHook, ASlowHookHoldsUpNoOtherRequest) {
  receiver_.set_never_answer(true);
  server_ = std::make_unique<RunningServer>(std::map<std::string, std::string>{
      {"LINKGATE_HOOK_SIGN_IN_URL", receiver_.base_url() + "/decide"},
      {"LINKGATE_HOOK_SECRET", kSecret},
      {"LINKGATE_HOOK_TIMEOUT_MS", "1500"},
      {"LINKGATE_WORKERS", "1"}});
  ASSERT_FALSE(server_->process().failed()) << server_->process().logs();
  stage_ = "email";
  auto waiting = std::async(std::launch::async, [this] {
    TestClient browser = server_->client();
    return request_link(browser, "outbox", "ann@example.org");
  });
  ASSERT_TRUE(receiver_.wait_for_requests(1));
  TestClient other = server_->client();
  for (const char* target : {"/api/auth/csrf", "/api/auth/session", "/api/auth/providers",
                             "/healthz", "/api/auth/signin"}) {
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(other.get(target).status, 200) << target;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms) << target;
  }
  EXPECT_EQ(waiting.wait_for(0ms), std::future_status::timeout) << "the hook is still waited on";
  auto refused = waiting.get();
  EXPECT_EQ(refused.header("location"), access_denied());
}

// With PostgreSQL, a sign-in waits on its hook on a fiber of the event loop, as on an email API:
// with one worker thread and one loop thread, sign-ins whose hook takes 500 ms each still run
// side by side.
TEST_F(SignInHook, WithPostgresSignInsWaitOnTheHookSideBySide) {
  const std::string database = migrated_postgres_url();
  ASSERT_FALSE(database.empty());
  receiver_.set_handler([](const RecordedRequest&) { return json_answer(R"({"allow": true})"); });
  receiver_.set_answer_delay(500ms);
  server_ = std::make_unique<RunningServer>(std::map<std::string, std::string>{
      {"DATABASE_URL", database},
      {"LINKGATE_HOOK_SIGN_IN_URL", receiver_.base_url() + "/decide"},
      {"LINKGATE_HOOK_SECRET", kSecret},
      {"LINKGATE_WORKERS", "1"},
      {"LINKGATE_IO_THREADS", "1"}});
  ASSERT_FALSE(server_->process().failed()) << server_->process().logs();
  constexpr int kSignIns = 6;
  std::vector<TestClient> browsers;
  std::vector<std::string> csrf;
  for (int i = 0; i < kSignIns; ++i) {
    browsers.push_back(server_->client());
    csrf.push_back(browsers.back().csrf_token());
  }
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::future<HttpResponse>> answers;
  for (int i = 0; i < kSignIns; ++i) {
    answers.push_back(std::async(std::launch::async, [&, i] {
      return browsers[i].post_form(
          "/api/auth/signin/outbox",
          {{"csrfToken", csrf[i]}, {"email", "user" + std::to_string(i) + "@example.org"}});
    }));
  }
  for (auto& answer : answers) {
    EXPECT_EQ(answer.get().header("location"),
              server_->origin() + "/api/auth/verify-request?provider=outbox&type=email");
  }
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(receiver_.request_count(), static_cast<std::size_t>(kSignIns));
  EXPECT_LT(took, 2400ms) << "the hook calls overlapped (one at a time: 3 s)";
}

}  // namespace
}  // namespace linkgate::testing

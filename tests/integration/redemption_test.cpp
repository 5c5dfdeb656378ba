// Redeeming the emailed link and code over real HTTP against the built binary (issue 5; SPEC B2
// link-scanner safety, B3 one-time code, B4b typed tokens; attack-cases.md #16, #17): HEAD never
// consumes; with LINKGATE_CONFIRM the link's GET only shows a page whose CSRF-protected POST
// consumes; with LINKGATE_ONE_TIME_CODE the email carries a code typed on the verify-request
// page. On SQLite, and on PostgreSQL where the store's atomicity matters.
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "integration/harness.hpp"
#include "integration/postgres_harness.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

const std::string kEmail = "jane@example.com";

// "sqlite" or "postgres" (a fresh migrated database). Rate limits are off unless a test sets
// them: these tests make many requests from one address.
std::map<std::string, std::string> env_for(const std::string& store,
                                           std::map<std::string, std::string> env) {
  env.try_emplace("LINKGATE_RATE_LIMITS", "off");
  if (store == "postgres") env["DATABASE_URL"] = migrated_postgres_url();
  return env;
}

std::string text_of(const json::object& message, const char* field) {
  return json::value_to<std::string>(message.at(field));
}

// The code in the newest email ("Or enter this code: 123456").
std::string newest_code(TestClient& client) {
  const std::string text = text_of(newest_outbox_message(client), "text");
  const std::string marker = "Or enter this code: ";
  const auto at = text.find(marker);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no code in the email: " << text;
    return "";
  }
  std::string code;
  for (auto i = at + marker.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    code += text[i];
  }
  return code;
}

std::string newest_link(TestClient& client) {
  return text_of(newest_outbox_message(client), "url");
}

// The value of the form field `name` in a page (HTML entities of our escaper undone).
std::string field_value(const std::string& html, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const auto at = html.find(marker);
  if (at == std::string::npos) return "";
  const auto start = at + marker.size();
  std::string raw = html.substr(start, html.find('"', start) - start);
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    const auto semi = raw.find(';', i);
    const std::string entity = raw.substr(i, semi - i + 1);
    if (entity == "&amp;") out += '&';
    if (entity == "&lt;") out += '<';
    if (entity == "&gt;") out += '>';
    if (entity == "&quot;") out += '"';
    if (entity == "&#39;") out += '\'';
    i = semi;
  }
  return out;
}

// POSTs a code as the verify-request form does, with a valid CSRF pair.
HttpResponse post_code(TestClient& client, const std::string& email, const std::string& code) {
  const std::string csrf = client.csrf_token();
  return client.post_form("/api/auth/callback/outbox",
                          {{"csrfToken", csrf}, {"email", email}, {"code", code}});
}

// A different code of the same length (the right one with its last digit changed).
std::string wrong_code(const std::string& code, int n = 1) {
  std::string wrong = code;
  wrong.back() = static_cast<char>('0' + (wrong.back() - '0' + n) % 10);
  return wrong;
}

bool signed_in(TestClient& client) {
  return session_json(client).is_object();
}

std::string code_failed_url(const RunningServer& server, const std::string& email) {
  return server.origin() +
         "/api/auth/verify-request?provider=outbox&type=email&email=" + url_encode(email) +
         "&error=Verification";
}

class Redemption : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Stores, Redemption, ::testing::Values("sqlite", "postgres"));

// SPEC B2: scanners probe links with HEAD; it must leave the link usable, confirm off or on.
TEST_P(Redemption, HeadOnAFreshLinkLeavesItUsable) {
  for (const char* confirm : {"false", "true"}) {
    SCOPED_TRACE(std::string("LINKGATE_CONFIRM=") + confirm);
    RunningServer server(env_for(GetParam(), {{"LINKGATE_CONFIRM", confirm}}));
    ASSERT_FALSE(server.process().failed()) << server.process().logs();
    TestClient browser = server.client();
    ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);
    const std::string target = local_target(newest_link(browser), server.origin());

    TestClient scanner = server.client();
    for (int i = 0; i < 3; ++i) {
      auto head = scanner.request("HEAD", target, "", {});
      EXPECT_EQ(head.status, 200);
      EXPECT_TRUE(head.body.empty());
      EXPECT_FALSE(head.has_header("location"));
      EXPECT_FALSE(head.has_header("set-cookie"));
    }
    EXPECT_FALSE(signed_in(scanner));

    auto opened = browser.get(target);
    if (std::string(confirm) == "true") {
      ASSERT_EQ(opened.status, 200) << opened.body;
      opened = browser.post_form("/api/auth/callback/outbox",
                                 {{"csrfToken", field_value(opened.body, "csrfToken")},
                                  {"token", field_value(opened.body, "token")},
                                  {"email", field_value(opened.body, "email")},
                                  {"callbackUrl", field_value(opened.body, "callbackUrl")}});
    }
    ASSERT_EQ(opened.status, 302) << opened.body;
    EXPECT_EQ(opened.header("location"), server.origin());
    EXPECT_TRUE(signed_in(browser));
  }
}

// SPEC B2 with confirm on: GET shows "Sign in as <email>?" and consumes nothing (twice, and from
// a scanner without cookies); only the POST with a valid CSRF pair consumes, and only once.
TEST_P(Redemption, ConfirmPageConsumesOnlyOnItsPost) {
  RunningServer server(env_for(GetParam(), {{"LINKGATE_CONFIRM", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", kEmail, {{"callbackUrl", server.origin() + "/app?x=1"}})
                .status,
            302);
  const std::string target = local_target(newest_link(browser), server.origin());

  TestClient scanner = server.client();
  auto scanned = scanner.get(target);
  EXPECT_EQ(scanned.status, 200);
  EXPECT_FALSE(signed_in(scanner));

  TestClient person = server.client();  // another browser: no cookies yet
  auto page = person.get(target);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Sign in as jane@example.com?"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("method=\"POST\""), std::string::npos);
  EXPECT_EQ(page.header("cache-control"), "private, no-cache, no-store");
  EXPECT_EQ(page.header("referrer-policy"), "no-referrer");
  // The page set the CSRF cookie it needs, and carries the matching token.
  ASSERT_EQ(person.cookies.count("authjs.csrf-token"), 1u);
  auto again = person.get(target);
  ASSERT_EQ(again.status, 200);
  EXPECT_FALSE(signed_in(person));

  const std::vector<std::pair<std::string, std::string>> fields{
      {"csrfToken", field_value(again.body, "csrfToken")},
      {"token", field_value(again.body, "token")},
      {"email", field_value(again.body, "email")},
      {"callbackUrl", field_value(again.body, "callbackUrl")}};
  EXPECT_EQ(field_value(again.body, "email"), kEmail);
  EXPECT_EQ(field_value(again.body, "callbackUrl"), server.origin() + "/app?x=1");

  // Without the CSRF pair: Auth.js's MissingCSRF answer, and the link survives.
  TestClient forger = server.client();
  auto forged = forger.post_form("/api/auth/callback/outbox",
                                 {{"token", fields[1].second}, {"email", kEmail}});
  EXPECT_EQ(forged.status, 302);
  EXPECT_EQ(forged.header("location"), server.origin() + "/api/auth/signin?error=MissingCSRF");
  auto wrong_csrf = forger.post_form(
      "/api/auth/callback/outbox",
      {{"csrfToken", fields[0].second}, {"token", fields[1].second}, {"email", kEmail}});
  EXPECT_EQ(wrong_csrf.header("location"), server.origin() + "/api/auth/signin?error=MissingCSRF");
  EXPECT_FALSE(signed_in(forger));

  auto confirmed = person.post_form("/api/auth/callback/outbox", fields);
  ASSERT_EQ(confirmed.status, 302) << confirmed.body;
  EXPECT_EQ(confirmed.header("location"), server.origin() + "/app?x=1");
  auto session = session_json(person);
  ASSERT_TRUE(session.is_object());
  EXPECT_EQ(json::value_to<std::string>(session.as_object()["user"].as_object()["email"]), kEmail);

  // Single use: the same POST again is Auth.js's Verification error.
  TestClient replay = server.client();
  auto replay_page = replay.get(target);
  ASSERT_EQ(replay_page.status, 200);  // the page itself never checks the token
  auto replayed = replay.post_form("/api/auth/callback/outbox",
                                   {{"csrfToken", field_value(replay_page.body, "csrfToken")},
                                    {"token", fields[1].second},
                                    {"email", kEmail}});
  EXPECT_EQ(replayed.header("location"),
            server.origin() + "/api/auth/error?error=Verification&email=jane%40example.com");
  EXPECT_FALSE(signed_in(replay));
}

// Confirm off: GET consumes as before, and the POST of the link is accepted too (CSRF-protected).
TEST_P(Redemption, ConfirmOffAcceptsTheLinkByPostWithCsrf) {
  RunningServer server(env_for(GetParam(), {}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);
  const auto token = query_param(newest_link(browser), "token");
  ASSERT_TRUE(token);
  auto no_csrf =
      browser.post_form("/api/auth/callback/outbox", {{"token", *token}, {"email", kEmail}});
  EXPECT_EQ(no_csrf.header("location"), server.origin() + "/api/auth/signin?error=MissingCSRF");
  const std::string csrf = browser.csrf_token();
  auto posted = browser.post_form("/api/auth/callback/outbox",
                                  {{"csrfToken", csrf}, {"token", *token}, {"email", kEmail}});
  ASSERT_EQ(posted.status, 302) << posted.body;
  EXPECT_EQ(posted.header("location"), server.origin());
  EXPECT_TRUE(signed_in(browser));
}

// SPEC B3: the email carries the code beside the link; the verify-request page has the form;
// the right code signs in (creating the user) and spends the link too.
TEST_P(Redemption, CodeFromTheEmailSignsInAndSpendsTheLink) {
  RunningServer server(env_for(GetParam(), {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient asker = server.client();
  auto sent = request_link(asker, "outbox", " Jane@Example.com ",
                           {{"callbackUrl", server.origin() + "/welcome"}});
  ASSERT_EQ(sent.status, 302) << sent.body;
  EXPECT_EQ(sent.header("location"),
            server.origin() +
                "/api/auth/verify-request?provider=outbox&type=email&email=jane%40example.com");

  auto message = newest_outbox_message(asker);
  const std::string code = newest_code(asker);
  ASSERT_EQ(code.size(), 6u);
  const std::string link = text_of(message, "url");
  EXPECT_NE(text_of(message, "text").find(link), std::string::npos);  // the link is still there
  EXPECT_NE(text_of(message, "html").find(">" + code + "</strong>"), std::string::npos);
  // The dev outbox page shows the message with the code in its text.
  auto outbox_page = asker.get("/dev/outbox");
  EXPECT_NE(outbox_page.body.find(code), std::string::npos);

  auto page = asker.get(local_target(sent.header("location"), server.origin()));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<label for=\"code\">"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<label for=\"code-email\">"), std::string::npos);
  EXPECT_NE(page.body.find("autocomplete=\"one-time-code\""), std::string::npos);
  EXPECT_NE(page.body.find("inputmode=\"numeric\""), std::string::npos);
  EXPECT_EQ(field_value(page.body, "email"), kEmail);
  EXPECT_NE(page.body.find("action=\"" + server.origin() + "/api/auth/callback/outbox\""),
            std::string::npos);

  // Posted as the form posts it (typed with a space in the middle, the address in capitals).
  auto redeemed = asker.post_form("/api/auth/callback/outbox",
                                  {{"csrfToken", field_value(page.body, "csrfToken")},
                                   {"callbackUrl", field_value(page.body, "callbackUrl")},
                                   {"email", "JANE@example.com"},
                                   {"code", code.substr(0, 3) + " " + code.substr(3)}});
  ASSERT_EQ(redeemed.status, 302) << redeemed.body;
  EXPECT_EQ(redeemed.header("location"), server.origin() + "/welcome");
  auto session = session_json(asker);
  ASSERT_TRUE(session.is_object());
  EXPECT_EQ(json::value_to<std::string>(session.as_object()["user"].as_object()["email"]), kEmail);

  // The link died with its code, and the code is single use.
  TestClient other = server.client();
  auto link_after = other.get(local_target(link, server.origin()));
  EXPECT_EQ(link_after.header("location"),
            server.origin() + "/api/auth/error?error=Verification&email=jane%40example.com");
  auto code_again = post_code(other, kEmail, code);
  EXPECT_EQ(code_again.header("location"), code_failed_url(server, kEmail));
  EXPECT_FALSE(signed_in(other));
}

TEST_P(Redemption, CodeAfterItsLinkWasUsedFails) {
  RunningServer server(env_for(GetParam(), {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);
  const std::string code = newest_code(browser);
  auto used = browser.get(local_target(newest_link(browser), server.origin()));
  ASSERT_EQ(used.status, 302);
  ASSERT_EQ(used.header("location"), server.origin());

  TestClient other = server.client();
  auto late = post_code(other, kEmail, code);
  EXPECT_EQ(late.header("location"), code_failed_url(server, kEmail));
  EXPECT_FALSE(signed_in(other));
}

// At most code_max_attempts (5) tries per code: four wrong then the right one works; five wrong
// and even the right one fails.
TEST_P(Redemption, FiveWrongTriesVoidTheCode) {
  RunningServer server(env_for(GetParam(), {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();

  ASSERT_EQ(request_link(browser, "outbox", "four@example.com").status, 302);
  const std::string four = newest_code(browser);
  for (int i = 1; i <= 4; ++i) {
    auto wrong = post_code(browser, "four@example.com", wrong_code(four, i));
    EXPECT_EQ(wrong.header("location"), code_failed_url(server, "four@example.com"));
  }
  auto right = post_code(browser, "four@example.com", four);
  EXPECT_EQ(right.header("location"), server.origin()) << right.body;
  EXPECT_TRUE(signed_in(browser));

  TestClient second = server.client();
  ASSERT_EQ(request_link(second, "outbox", "five@example.com").status, 302);
  const std::string five = newest_code(second);
  const std::string five_link = newest_link(second);
  for (int i = 1; i <= 5; ++i) {
    auto wrong = post_code(second, "five@example.com", wrong_code(five, i));
    EXPECT_EQ(wrong.header("location"), code_failed_url(server, "five@example.com"));
  }
  auto too_late = post_code(second, "five@example.com", five);
  EXPECT_EQ(too_late.header("location"), code_failed_url(server, "five@example.com"));
  EXPECT_FALSE(signed_in(second));
  // The link is still good: only the code was guessed at.
  auto link = second.get(local_target(five_link, server.origin()));
  EXPECT_EQ(link.header("location"), server.origin());
  EXPECT_TRUE(signed_in(second));
}

// attack-cases.md #17: attempts are counted atomically. 20 wrong tries at once leave no room for
// the right one, whichever order the store sees them in.
TEST_P(Redemption, ConcurrentWrongTriesAreAllCounted) {
  RunningServer server(env_for(GetParam(), {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);
  const std::string code = newest_code(browser);

  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      TestClient attacker = server.client();
      auto res = post_code(attacker, kEmail, wrong_code(code, 1 + i % 9));
      if (res.header("location") == code_failed_url(server, kEmail)) ++failed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 20);
  auto right = post_code(browser, kEmail, code);
  EXPECT_EQ(right.header("location"), code_failed_url(server, kEmail));
  EXPECT_FALSE(signed_in(browser));
}

// The code is bound to its identifier: the right code with another address fails, costs that
// address's codes (none) nothing, and still works with its own.
TEST_P(Redemption, CodeIsBoundToItsAddress) {
  RunningServer server(env_for(GetParam(), {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", "john@example.com").status, 302);
  ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);
  const std::string code = newest_code(browser);
  auto other = post_code(browser, "john@example.com", code);
  EXPECT_EQ(other.header("location"), code_failed_url(server, "john@example.com"));
  EXPECT_FALSE(signed_in(browser));
  auto own = post_code(browser, kEmail, code);
  EXPECT_EQ(own.header("location"), server.origin());
  EXPECT_TRUE(signed_in(browser));
}

// SPEC B4b, attack-cases.md #16: a code is no link token and a link token no code.
TEST_P(Redemption, CodesAndLinkTokensAreDifferentTypes) {
  RunningServer server(env_for(GetParam(), {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);
  const std::string code = newest_code(browser);
  const std::string link = newest_link(browser);
  const auto token = query_param(link, "token");
  ASSERT_TRUE(token);

  auto code_as_token =
      browser.get("/api/auth/callback/outbox?token=" + code + "&email=jane%40example.com");
  EXPECT_EQ(code_as_token.header("location"),
            server.origin() + "/api/auth/error?error=Verification&email=jane%40example.com");
  auto token_as_code = post_code(browser, kEmail, *token);
  EXPECT_EQ(token_as_code.header("location"), code_failed_url(server, kEmail));
  EXPECT_FALSE(signed_in(browser));
  // Neither attempt spent the real ones.
  auto right = post_code(browser, kEmail, code);
  EXPECT_EQ(right.header("location"), server.origin());
}

// A code tried is a sign-in attempt of the client's IP (SPEC B1): over the limit, RateLimited.
TEST_P(Redemption, CodeTriesCountAgainstTheIpLimit) {
  RunningServer server(env_for(GetParam(), {{"LINKGATE_ONE_TIME_CODE", "true"},
                                            {"LINKGATE_RATE_LIMITS", "on"},
                                            {"LINKGATE_RATE_LIMIT_IP", "3/5m"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);  // attempt 1
  const std::string code = newest_code(browser);
  EXPECT_EQ(post_code(browser, kEmail, wrong_code(code)).header("location"),
            code_failed_url(server, kEmail));  // attempt 2
  EXPECT_EQ(post_code(browser, kEmail, wrong_code(code, 2)).header("location"),
            code_failed_url(server, kEmail));  // attempt 3
  auto limited = post_code(browser, kEmail, code);
  EXPECT_EQ(limited.header("location")
                .find(server.origin() + "/api/auth/signin?error=RateLimited&retryAfter="),
            0u)
      << limited.header("location");
  EXPECT_FALSE(signed_in(browser));
}

// The code expires with its link (both rows carry the link's expiry; here both are moved into
// the past, as time would).
TEST(RedemptionSqlite, CodeExpiresWithTheLink) {
  RunningServer server(env_for("sqlite", {{"LINKGATE_ONE_TIME_CODE", "true"}}));
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);
  const std::string code = newest_code(browser);
  exec_sql(server.db_path(),
           "UPDATE linkgate_one_time_code SET expires = expires - 90000000;"
           "UPDATE verification_token SET expires = expires - 90000000;");
  auto late = post_code(browser, kEmail, code);
  EXPECT_EQ(late.header("location"), code_failed_url(server, kEmail));
  EXPECT_FALSE(signed_in(browser));
}

// SPEC C7: a code made under a secret that has since become AUTH_SECRET_1 still works, and the
// five-wrong-tries limit stays exactly five with two secrets (each try is looked up under both).
TEST(RedemptionSqlite, CodesSurviveSecretRotationWithTheSameTryLimit) {
  const std::string db = "sqlite://" + make_temp_dir() + "/shared.db";
  const std::map<std::string, std::string> before{{"DATABASE_URL", db},
                                                  {"AUTH_SECRET", "old-secret-0123456789abcdef"},
                                                  {"LINKGATE_RATE_LIMITS", "off"},
                                                  {"LINKGATE_ONE_TIME_CODE", "true"}};
  std::string four;
  std::string five;
  {
    RunningServer old_server(before);
    ASSERT_FALSE(old_server.process().failed()) << old_server.process().logs();
    TestClient browser = old_server.client();
    ASSERT_EQ(request_link(browser, "outbox", "four@example.com").status, 302);
    four = newest_code(browser);
    ASSERT_EQ(request_link(browser, "outbox", "five@example.com").status, 302);
    five = newest_code(browser);
  }
  auto after = before;
  after["AUTH_SECRET"] = "new-secret-0123456789abcdef";
  after["AUTH_SECRET_1"] = "old-secret-0123456789abcdef";
  RunningServer server(after);
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  TestClient browser = server.client();
  for (int i = 1; i <= 4; ++i) post_code(browser, "four@example.com", wrong_code(four, i));
  EXPECT_EQ(post_code(browser, "four@example.com", four).header("location"), server.origin());
  TestClient other = server.client();
  for (int i = 1; i <= 5; ++i) post_code(other, "five@example.com", wrong_code(five, i));
  EXPECT_EQ(post_code(other, "five@example.com", five).header("location"),
            code_failed_url(server, "five@example.com"));
}

TEST(RedemptionSettings, CodeDigitsAreConfigurableAndCheckedAtStartup) {
  RunningServer eight(
      env_for("sqlite", {{"LINKGATE_ONE_TIME_CODE", "true"}, {"LINKGATE_CODE_DIGITS", "8"}}));
  ASSERT_FALSE(eight.process().failed()) << eight.process().logs();
  TestClient browser = eight.client();
  ASSERT_EQ(request_link(browser, "outbox", kEmail).status, 302);
  const std::string code = newest_code(browser);
  EXPECT_EQ(code.size(), 8u);
  auto page = browser.get("/api/auth/verify-request?provider=outbox&type=email");
  EXPECT_NE(page.body.find("8 digits."), std::string::npos);
  EXPECT_EQ(post_code(browser, kEmail, code).header("location"), eight.origin());

  for (const char* bad : {"5", "11", "six"}) {
    RunningServer refused({{"LINKGATE_CODE_DIGITS", bad}});
    EXPECT_TRUE(refused.process().failed()) << bad;
    EXPECT_NE(refused.process().logs().find("LINKGATE_CODE_DIGITS"), std::string::npos)
        << refused.process().logs();
  }
  RunningServer bad_flag({{"LINKGATE_CONFIRM", "maybe"}});
  EXPECT_TRUE(bad_flag.process().failed());
  EXPECT_NE(bad_flag.process().logs().find("LINKGATE_CONFIRM"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::testing

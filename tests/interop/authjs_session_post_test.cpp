// POST /session (the client's update()) exchange by exchange against Auth.js itself
// (authjs-behaviour.md §0.5, §1 "GET /session", §2.3): every request below goes both to
// @auth/core's own Auth() handler (tests/interop/authjs/answer_requests.mjs, the pinned
// version) and to linkgate::Auth in-process over a SQLite store, with the same secret, origin
// and session. The answers must agree on the status, the headers, the body and every Set-Cookie
// (its value aside where it is random or time-dependent).
//
// Without a valid CSRF pair Auth.js answers 400, `Content-Type: application/json`, body `null`,
// and no Set-Cookie at all, whatever is missing or wrong: the body, its type, the token, the
// cookie. Malformed JSON is refused before that: 400 "Bad request.".
//
// Deliberate differences (docs/behaviour.md) are not exercised here: a CSRF cookie with more
// than two '|' fields, an unusable callbackUrl (linkgate falls back to the origin rather than
// answering 500 Configuration), and GET /session setting no CSRF or callback-url cookie.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "core/csrf.hpp"
#include "core/session_cookie.hpp"
#include "core/session_jwt.hpp"
#include "interop/authjs_node.hpp"
#include "linkgate/auth.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/test_env.hpp"

namespace linkgate::interop {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::string_view kSecret = "interop-secret";
constexpr std::string_view kOrigin = "http://app.test";
constexpr std::string_view kSessionCookie = "authjs.session-token";
constexpr std::string_view kCsrfCookie = "authjs.csrf-token";
constexpr std::string_view kForm = "application/x-www-form-urlencoded";
constexpr std::string_view kJson = "application/json";
// The CSRF token both servers are shown, and one they never minted.
const std::string kToken(64, 'a');
const std::string kOtherToken(64, 'b');
const std::string kSessionToken = "0d9a7f52-4f0c-4a8e-9b1e-7b3c2d1e0f01";

// The CSRF cookie's value on the wire for `token` under `secret` ("|" percent-encoded, as
// Auth.js's serializer writes it).
std::string csrf_cookie(const std::string& token, std::string_view secret) {
  return std::string(kCsrfCookie) + "=" + token + "%7C" + core::csrf_hash(token, secret);
}

struct Exchange {
  std::string name;
  std::string target;  // path and query under kOrigin
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;
};

// One answer reduced to what the two servers must agree on.
struct Answer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, sorted
  json::value body;  // the parsed JSON body; a string when it is not JSON
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A Set-Cookie with its value and Expires date replaced by "*" unless it clears the cookie:
// CSRF tokens are random and expiry dates depend on the clock of each server.
std::string comparable_set_cookie(const std::string& header) {
  const auto eq = header.find('=');
  const auto semi = header.find(';');
  const std::string value = header.substr(eq + 1, semi - eq - 1);
  std::string out = header.substr(0, eq + 1) + (value.empty() ? "" : "*") +
                    (semi == std::string::npos ? "" : header.substr(semi));
  return std::regex_replace(out, std::regex("Expires=[^;]*"), "Expires=*");
}

// A session body's "expires" is now + maxAge in JWT mode, so it is compared as "an ISO-8601
// UTC date within a minute of now" and then replaced by "*".
void normalize_expires(json::value& body, bool time_dependent) {
  if (!time_dependent || !body.is_object()) return;
  json::object& o = body.as_object();
  const json::value* expires = o.if_contains("expires");
  if (expires == nullptr) return;
  EXPECT_TRUE(expires->is_string() &&
              std::regex_match(std::string(expires->as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << *expires;
  o["expires"] = "*";
}

Answer reduce(int status, const std::vector<std::pair<std::string, std::string>>& headers,
              const std::string& body, bool time_dependent) {
  Answer a;
  a.status = status;
  for (const auto& [name, value] : headers) {
    const std::string n = lower(name);
    a.headers.emplace_back(n, n == "set-cookie" ? comparable_set_cookie(value) : value);
  }
  std::sort(a.headers.begin(), a.headers.end());
  boost::system::error_code ec;
  a.body = json::parse(body, ec);
  if (ec) a.body = json::string(body);
  normalize_expires(a.body, time_dependent);
  return a;
}

std::string describe(const Answer& a) {
  std::string out = std::to_string(a.status) + "\n";
  for (const auto& [n, v] : a.headers) out += "  " + n + ": " + v + "\n";
  return out + "  body: " + json::serialize(a.body);
}

class AuthjsSessionPost : public ::testing::TestWithParam<SessionStrategy> {
 protected:
  bool jwt() const { return GetParam() == SessionStrategy::jwt; }

  // A session both servers know: a JWT Auth.js decodes (authjs_interop_test.cpp), or a row in
  // both stores whose expiry is not yet due for sliding (so the body's stored expiry is
  // deterministic).
  std::string session_cookie_value() {
    if (jwt()) {
      const json::object claims{{"name", "Jane"},
                                {"email", "jane@example.com"},
                                {"picture", nullptr},
                                {"sub", "7c0f0a52-1111-4000-8000-000000000001"}};
      return core::SessionJwtCodec({std::string(kSecret)}, kSessionCookie)
          .encode(claims, now_, 30 * 24h);
    }
    return kSessionToken;
  }

  std::shared_ptr<Store> open_store() {
    auto store = store::open_sqlite_store(testing::make_temp_dir() + "/interop.db");
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return nullptr;
    if (!jwt()) {
      User user{.id = "7c0f0a52-1111-4000-8000-000000000001",
                .name = "Jane",
                .email = "jane@example.com",
                .email_verified = std::nullopt,
                .image = std::nullopt};
      EXPECT_TRUE((*store)->create_user(user).ok());
      EXPECT_TRUE((*store)->create_session({kSessionToken, user.id, session_expires_}).ok());
    }
    return *store;
  }

  json::object seed() const {
    if (jwt()) return {};
    return {{"sessionToken", kSessionToken},
            {"expires", core::iso8601(session_expires_)},
            {"user",
             {{"id", "7c0f0a52-1111-4000-8000-000000000001"},
              {"email", "jane@example.com"},
              {"name", "Jane"},
              {"image", nullptr}}}};
  }

  Auth make_auth() {
    AuthConfig config;
    config.trust_host = true;
    config.secrets = {std::string(kSecret)};
    config.session_strategy = GetParam();
    EmailProvider provider;
    provider.id = "resend";
    provider.name = "Resend";
    provider.send_verification_request = [](const VerificationRequest&) -> Result<void> {
      return {};
    };
    config.providers.push_back(std::move(provider));
    return Auth(config, open_store());
  }

  const TimePoint now_ = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  // 30 days less an hour: not due for sliding under the default maxAge and updateAge.
  const TimePoint session_expires_ = now_ + 30 * 24h - 1h;
};

TEST_P(AuthjsSessionPost, AnswersAsAuthjsDoes) {
  const std::string pair = csrf_cookie(kToken, kSecret);
  const std::string session = std::string(kSessionCookie) + "=" + session_cookie_value();
  const std::string both = pair + "; " + session;
  const std::string form_token = "csrfToken=" + kToken;
  const std::string json_token = R"({"csrfToken":")" + kToken + R"("})";
  const std::vector<Exchange> exchanges = {
      // No valid pair, each way it can be missing or wrong: 400 null, no Set-Cookie.
      {"no body, no cookie", "/api/auth/session", {}, std::nullopt},
      {"empty JSON object", "/api/auth/session", {{"Content-Type", std::string(kJson)}}, "{}"},
      {"empty form", "/api/auth/session", {{"Content-Type", std::string(kForm)}}, ""},
      {"JSON token without its cookie (cross-site)",
       "/api/auth/session",
       {{"Content-Type", std::string(kJson)}},
       json_token},
      {"form token without its cookie (cross-site)",
       "/api/auth/session",
       {{"Content-Type", std::string(kForm)}},
       form_token},
      {"cookie, no body", "/api/auth/session", {{"Cookie", pair}}, std::nullopt},
      {"cookie, JSON body without a token",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", std::string(kJson)}},
       R"({"data":{"name":"x"}})"},
      {"cookie, wrong form token",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", std::string(kForm)}},
       "csrfToken=" + kOtherToken},
      {"cookie, wrong JSON token",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", std::string(kJson)}},
       R"({"csrfToken":")" + kOtherToken + R"("})"},
      {"tampered cookie hash",
       "/api/auth/session",
       {{"Cookie", std::string(kCsrfCookie) + "=" + kToken + "%7C" + std::string(64, '0')},
        {"Content-Type", std::string(kForm)}},
       form_token},
      {"cookie made with another secret",
       "/api/auth/session",
       {{"Cookie", csrf_cookie(kToken, "another-secret")}, {"Content-Type", std::string(kForm)}},
       form_token},
      {"cookie without its hash",
       "/api/auth/session",
       {{"Cookie", std::string(kCsrfCookie) + "=" + kToken}, {"Content-Type", std::string(kForm)}},
       form_token},
      {"token in the query string only",
       "/api/auth/session?csrfToken=" + kToken,
       {{"Cookie", pair}},
       std::nullopt},
      {"token in a text/plain body",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", "text/plain"}},
       form_token},
      {"token in a multipart body",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", "multipart/form-data; boundary=b"}},
       "--b\r\nContent-Disposition: form-data; name=\"csrfToken\"\r\n\r\n" + kToken +
           "\r\n--b--\r\n"},
      {"JSON token that is a number",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", std::string(kJson)}},
       R"({"csrfToken":12345})"},
      {"JSON body null",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", std::string(kJson)}},
       "null"},
      {"X-Auth-Return-Redirect, no token",
       "/api/auth/session",
       {{"X-Auth-Return-Redirect", "1"}, {"Content-Type", std::string(kJson)}},
       "{}"},
      {"session cookie, no CSRF token: the session is left alone",
       "/api/auth/session",
       {{"Cookie", session}, {"Content-Type", std::string(kJson)}},
       R"({"data":{"name":"x"}})"},
      // Malformed JSON is refused before the CSRF check.
      {"malformed JSON",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", std::string(kJson)}},
       "{\"csrfToken\":"},
      // A valid pair: the update goes through.
      {"valid form pair, no session",
       "/api/auth/session",
       {{"Cookie", pair}, {"Content-Type", std::string(kForm)}},
       form_token},
      {"valid JSON pair, unknown session",
       "/api/auth/session",
       {{"Cookie", pair + "; " + std::string(kSessionCookie) + "=not-a-session"},
        {"Content-Type", std::string(kJson)}},
       json_token},
      {"valid JSON pair with data, session",
       "/api/auth/session",
       {{"Cookie", both}, {"Content-Type", "application/json; charset=utf-8"}},
       R"({"csrfToken":")" + kToken + R"(","data":{"name":"Janet"}})"},
      {"valid pair, callback-url cookie already the origin",
       "/api/auth/session",
       {{"Cookie", pair + "; authjs.callback-url=http%3A%2F%2Fapp.test"},
        {"Content-Type", std::string(kForm)}},
       form_token},
      {"valid pair, callbackUrl in the query",
       "/api/auth/session?callbackUrl=%2Fdashboard",
       {{"Cookie", pair}, {"Content-Type", std::string(kForm)}},
       form_token},
      {"no pair, callbackUrl in the query",
       "/api/auth/session?callbackUrl=%2Fdashboard",
       {{"Content-Type", std::string(kForm)}},
       ""},
      {"valid form pair, session",
       "/api/auth/session",
       {{"Cookie", both}, {"Content-Type", std::string(kForm)}},
       form_token + "&data=x"},
  };

  Auth auth = make_auth();
  json::array requests;
  std::vector<Answer> ours;
  for (const Exchange& e : exchanges) {
    json::array headers;
    Request request;
    request.method = "POST";
    const auto q = e.target.find('?');
    request.path = e.target.substr(0, q);
    if (q != std::string::npos) request.query = e.target.substr(q + 1);
    request.headers.push_back({"Host", "app.test"});
    for (const auto& [name, value] : e.headers) {
      headers.push_back(json::array{json::string(name), json::string(value)});
      request.headers.push_back({name, value});
    }
    request.body = e.body.value_or("");
    request.remote_address = "127.0.0.1";
    requests.push_back(
        json::object{{"name", e.name},
                     {"method", "POST"},
                     {"url", std::string(kOrigin) + e.target},
                     {"headers", std::move(headers)},
                     {"body", e.body ? json::value(*e.body) : json::value(nullptr)}});
    const Response response = auth.handle(request);
    std::vector<std::pair<std::string, std::string>> response_headers;
    for (const auto& h : response.headers) response_headers.emplace_back(h.name, h.value);
    ours.push_back(reduce(response.status, response_headers, response.body, jwt()));
  }

  NodeRun run;
  ASSERT_NO_FATAL_FAILURE(run_authjs_script(
      "answer_requests.mjs",
      json::object{{"config",
                    {{"secret", kSecret},
                     {"strategy", jwt() ? "jwt" : "database"},
                     {"session", jwt() ? json::value(nullptr) : json::value(seed())}}},
                   {"requests", std::move(requests)}},
      run));
  ASSERT_EQ(run.exit_status, 0) << "answer_requests.mjs failed (see its lines above)";
  const json::object out = parse_script_output(run);
  const json::value* answers = out.if_contains("answers");
  ASSERT_TRUE(answers && answers->is_array() && answers->as_array().size() == exchanges.size())
      << run.stdout_text;

  for (std::size_t i = 0; i < exchanges.size(); ++i) {
    const json::object& a = answers->as_array()[i].as_object();
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : a.at("headers").as_array()) {
      headers.emplace_back(std::string(h.as_array()[0].as_string()),
                           std::string(h.as_array()[1].as_string()));
    }
    const Answer theirs = reduce(static_cast<int>(a.at("status").to_number<std::int64_t>()),
                                 headers, std::string(a.at("body").as_string()), jwt());
    EXPECT_TRUE(theirs.status == ours[i].status && theirs.headers == ours[i].headers &&
                theirs.body == ours[i].body)
        << exchanges[i].name << "\nAuth.js: " << describe(theirs)
        << "\nlinkgate: " << describe(ours[i]);
  }
  // The heart of the matter, spelled out: the first answer is exactly 400, JSON, null.
  EXPECT_EQ(ours[0].status, 400);
  EXPECT_EQ(
      ours[0].headers,
      (std::vector<std::pair<std::string, std::string>>{{"content-type", "application/json"}}));
  EXPECT_EQ(json::serialize(ours[0].body), "null");
}

INSTANTIATE_TEST_SUITE_P(BothStrategies, AuthjsSessionPost,
                         ::testing::Values(SessionStrategy::database, SessionStrategy::jwt),
                         [](const auto& info) {
                           return info.param == SessionStrategy::jwt ? "jwt" : "database";
                         });

}  // namespace
}  // namespace linkgate::interop

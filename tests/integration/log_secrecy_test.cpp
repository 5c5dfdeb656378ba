// The log-secrecy test (issue 22): whole email sign-ins over real HTTP against the built binary,
// its log captured at the most verbose level, in both formats and both session strategies. Every
// token, one-time code, cookie value, CSRF token and secret the flow handled is searched for in
// every log line (raw, URL-encoded, base64url): none may appear. The same log must hold each
// audit event with the right fields under the request id the response carried, and every line
// must parse (a JSON object in the JSON format).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cctype>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/encoding.hpp"
#include "integration/harness.hpp"
#include "support/fake_providers.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

const std::string kSecret = "log-secrecy-auth-secret-0123456789abcdef";
const std::string kPostmarkKey = "pm-log-secrecy-server-token-5e1f";

struct Variant {
  std::string format;    // LINKGATE_LOG_FORMAT
  std::string strategy;  // AUTH_SESSION_STRATEGY
  bool log_emails;       // LINKGATE_LOG_EMAILS
};

// How GoogleTest (and so CTest's test list) prints a variant.
void PrintTo(const Variant& variant, std::ostream* out) {
  *out << variant.format << ", " << variant.strategy
       << (variant.log_emails ? ", LINKGATE_LOG_EMAILS" : "");
}

std::string variant_name(const ::testing::TestParamInfo<Variant>& info) {
  return info.param.format + "_" + info.param.strategy + (info.param.log_emails ? "_emails" : "");
}

// One log line's fields: time, level, msg and the named fields after them.
using LogLine = std::map<std::string, std::string>;

// The names of the fields linkgate writes after the message (docs/operations.md).
const std::set<std::string> kFieldNames = {"request_id", "event",    "outcome",  "reason",
                                           "client_ip",  "user_id",  "provider", "email_hash",
                                           "email",      "new_user", "command"};

// Parses a text-format line ("TIME LEVEL MESSAGE name=value ..."). nullopt when it is not one.
std::optional<LogLine> parse_text_line(const std::string& line) {
  static const std::regex head(R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ([a-z]+) (.*)$)");
  std::smatch m;
  if (!std::regex_match(line, m, head)) return std::nullopt;
  LogLine out{{"time", m[1]}, {"level", m[2]}};
  std::string rest = m[3];
  // The message ends where the first known field begins.
  std::size_t fields_at = std::string::npos;
  for (const auto& name : kFieldNames) {
    if (rest.starts_with(name + "=")) fields_at = 0;
    auto at = rest.find(" " + name + "=");
    if (at != std::string::npos && (fields_at == std::string::npos || at < fields_at)) {
      fields_at = at;
    }
  }
  out["msg"] = rest.substr(0, fields_at);
  if (fields_at == std::string::npos) return out;
  std::size_t i = fields_at;
  while (i < rest.size()) {
    if (rest[i] == ' ') {
      ++i;
      continue;
    }
    const auto eq = rest.find('=', i);
    if (eq == std::string::npos) return std::nullopt;
    const std::string name = rest.substr(i, eq - i);
    i = eq + 1;
    std::string value;
    if (i < rest.size() && rest[i] == '"') {
      // A JSON string: up to the first unescaped quote.
      std::size_t end = i + 1;
      while (end < rest.size() && rest[end] != '"') end += rest[end] == '\\' ? 2 : 1;
      if (end >= rest.size()) return std::nullopt;
      boost::system::error_code ec;
      auto parsed = json::parse(rest.substr(i, end + 1 - i), ec);
      if (ec || !parsed.is_string()) return std::nullopt;
      value = std::string(parsed.as_string());
      i = end + 1;
    } else {
      const auto space = rest.find(' ', i);
      value = rest.substr(i, space == std::string::npos ? std::string::npos : space - i);
      i = space == std::string::npos ? rest.size() : space;
    }
    out[name] = value;
  }
  return out;
}

// Parses a JSON-format line: one object of strings with time, level and msg.
std::optional<LogLine> parse_json_line(const std::string& line) {
  boost::system::error_code ec;
  auto value = json::parse(line, ec);
  if (ec || !value.is_object()) return std::nullopt;
  LogLine out;
  for (const auto& [key, member] : value.as_object()) {
    if (!member.is_string()) return std::nullopt;
    out[std::string(key)] = std::string(member.as_string());
  }
  if (!out.count("time") || !out.count("level") || !out.count("msg")) return std::nullopt;
  return out;
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// `linkgate audit-hash ADDRESS` with the server's secret.
std::string audit_hash(const std::string& address) {
  const std::string command = "env -i PATH=/usr/bin:/bin AUTH_SECRET=" + kSecret + " '" +
                              linkgate_binary() + "' audit-hash '" + address + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  char buffer[256];
  std::string output;
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << output;
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

// The code in a fake provider's email ("Or enter this code: 123456").
std::string code_in(const FakeEmail& email) {
  const std::string marker = "Or enter this code: ";
  const auto at = email.text.find(marker);
  if (at == std::string::npos) return "";
  std::string code;
  for (auto i = at + marker.size();
       i < email.text.size() && std::isdigit(static_cast<unsigned char>(email.text[i])); ++i) {
    code += email.text[i];
  }
  return code;
}

class LogSecrecy : public ::testing::TestWithParam<Variant> {
 protected:
  // Every value that must never be logged, with what it is.
  void keep(const std::string& value, const std::string& what) {
    if (value.size() < 6) {
      ADD_FAILURE() << what << " is too short to search for: '" << value << "'";
      return;
    }
    secrets_[value] = what;
  }
  void keep_cookies(const TestClient& client) {
    for (const auto& [name, value] : client.cookies) {
      // The callback-url cookie holds the app's URL, no secret.
      if (name.find("callback-url") != std::string::npos) continue;
      keep(value, "cookie " + name);
      keep(percent_decode(value), "cookie " + name + " (decoded)");
    }
  }

  // The response's X-Request-Id (a made one: 15 base64url characters), remembered under `step`.
  std::string id_of(const HttpResponse& res, const std::string& step) {
    const std::string id = res.header("X-Request-Id");
    EXPECT_TRUE(std::regex_match(id, std::regex("[A-Za-z0-9_-]{15}"))) << step << ": " << id;
    EXPECT_FALSE(ids_.count(id)) << "request id " << id << " given twice";
    ids_.insert(id);
    return id;
  }

  std::map<std::string, std::string> secrets_;
  std::set<std::string> ids_;
};

TEST_P(LogSecrecy, NoSecretInAnyLineAndEveryAuditEventInItsPlace) {
  const Variant& variant = GetParam();
  FakePostmark postmark(kPostmarkKey);
  RunningServer server({{"AUTH_SECRET", kSecret},
                        {"AUTH_POSTMARK_KEY", kPostmarkKey},
                        {"AUTH_POSTMARK_API_URL", postmark.base_url()},
                        {"AUTH_SESSION_STRATEGY", variant.strategy},
                        {"LINKGATE_LOG_LEVEL", "debug"},
                        {"LINKGATE_LOG_FORMAT", variant.format},
                        {"LINKGATE_LOG_EMAILS", variant.log_emails ? "true" : "false"},
                        {"LINKGATE_ONE_TIME_CODE", "true"},
                        {"LINKGATE_RATE_LIMITS", "on"},
                        {"LINKGATE_RATE_LIMIT_IDENTIFIER", "2/15m"},
                        {"LINKGATE_RATE_LIMIT_IP", "12/5m"},
                        {"LINKGATE_BLOCKED_DOMAINS", "blocked.test"},
                        {"LINKGATE_TRUSTED_PROXIES", "127.0.0.1"}});
  ASSERT_FALSE(server.process().failed()) << server.process().logs();
  keep(kSecret, "AUTH_SECRET");
  keep(kPostmarkKey, "AUTH_POSTMARK_KEY");
  TestClient client = server.client();
  const auto form = [&](const std::string& target,
                        std::vector<std::pair<std::string, std::string>> fields,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    const std::string csrf = client.csrf_token();
    keep(csrf, "CSRF token");
    keep_cookies(client);
    fields.insert(fields.begin(), {"csrfToken", csrf});
    return client.post_form(target, fields, headers);
  };

  // A magic link, its first email try failing (so that the retry is logged).
  postmark.fail_next(503, 1);
  auto res = form("/api/auth/signin/postmark", {{"email", "Alice@Example.com"}});
  ASSERT_EQ(res.status, 302) << res.body;
  const std::string alice_request = id_of(res, "alice's sign-in");
  ASSERT_TRUE(postmark.wait_for_messages(1));
  const FakeEmail alice_email = postmark.messages().back();
  const std::string alice_token = query_param(alice_email.link, "token").value_or("");
  keep(alice_token, "alice's link token");
  keep(alice_email.link, "alice's link");
  keep(code_in(alice_email), "alice's code");
  res = client.get(local_target(alice_email.link, server.origin()));
  ASSERT_EQ(res.status, 302);
  const std::string alice_callback = id_of(res, "alice's callback");
  keep_cookies(client);
  ASSERT_TRUE(session_json(client).is_object());
  res = form("/api/auth/signout", {});
  ASSERT_EQ(res.status, 302);
  const std::string alice_signout = id_of(res, "alice's sign-out");

  // A one-time code: a wrong one, then the right one.
  res = form("/api/auth/signin/postmark", {{"email", "bob@example.com"}});
  ASSERT_EQ(res.status, 302);
  const std::string bob_request = id_of(res, "bob's sign-in");
  ASSERT_TRUE(postmark.wait_for_messages(2));
  const FakeEmail bob_email = postmark.messages().back();
  const std::string bob_code = code_in(bob_email);
  keep(bob_code, "bob's code");
  keep(query_param(bob_email.link, "token").value_or(""), "bob's link token");
  std::string wrong = bob_code;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  res = form("/api/auth/callback/postmark", {{"email", "bob@example.com"}, {"code", wrong}});
  const std::string bob_wrong = id_of(res, "bob's wrong code");
  res = form("/api/auth/callback/postmark", {{"email", "bob@example.com"}, {"code", bob_code}});
  ASSERT_EQ(res.status, 302);
  const std::string bob_signed_in = id_of(res, "bob's code");
  keep_cookies(client);
  ASSERT_TRUE(session_json(client).is_object());

  // A CSRF failure, under the id a trusted proxy gave; an id that is not a sane token is
  // replaced.
  const std::string csrf = client.csrf_token();
  keep(csrf, "CSRF token");
  res = client.post_form("/api/auth/signin/postmark",
                         {{"csrfToken", "forged-" + csrf.substr(0, 8)}, {"email", "x@example.com"}},
                         {{"X-Request-Id", "trace-7f3a.proxy:01"}});
  EXPECT_EQ(res.header("X-Request-Id"), "trace-7f3a.proxy:01");
  const std::string csrf_request = res.header("X-Request-Id");
  res = client.get("/api/auth/providers", {{"X-Request-Id", "has space/and slash"}});
  id_of(res, "an unusable X-Request-Id");
  res = client.get("/api/auth/providers", {{"X-Request-Id", std::string(65, 'a')}});
  id_of(res, "a 65-character X-Request-Id");

  // A forged link.
  const std::string forged = "f0f0" + std::string(60, 'e');
  keep(forged, "forged token");
  res = client.get("/api/auth/callback/postmark?token=" + forged + "&email=alice%40example.com");
  const std::string forged_request = id_of(res, "the forged link");
  // Alice's link again: already used, told apart from a forged one (and its token still secret).
  res = client.get(local_target(alice_email.link, server.origin()));
  ASSERT_EQ(res.status, 302);
  const std::string reused_request = id_of(res, "alice's reused link");

  // A provider that refuses, a blocked domain, the per-address limit.
  postmark.fail_next(422, 1);
  res = form("/api/auth/signin/postmark", {{"email", "carol@example.com"}});
  const std::string carol_request = id_of(res, "carol's sign-in");
  res = form("/api/auth/signin/postmark", {{"email", "eve@blocked.test"}});
  const std::string eve_request = id_of(res, "eve's sign-in");
  std::string dave_limited;
  for (int i = 0; i < 3; ++i) {
    res = form("/api/auth/signin/postmark", {{"email", "dave@example.com"}});
    dave_limited = id_of(res, "dave's sign-in");
  }
  ASSERT_TRUE(postmark.wait_for_messages(4));
  for (const auto& email : postmark.messages()) {
    keep(query_param(email.link, "token").value_or(""), "a link token");
    keep(code_in(email), "a code");
  }

  // The per-IP limit, for a client behind the trusted proxy.
  std::string ip_limited;
  for (int i = 0; i < 13 && ip_limited.empty(); ++i) {
    res = form("/api/auth/signin/postmark", {{"email", "x" + std::to_string(i) + "@example.com"}},
               {{"X-Forwarded-For", "203.0.113.9"}});
    if (res.header("Location").find("error=RateLimited") != std::string::npos) {
      ip_limited = id_of(res, "the rate-limited sign-in");
    }
  }
  ASSERT_FALSE(ip_limited.empty()) << "the IP limit never answered RateLimited";
  for (const auto& email : postmark.messages()) {
    keep(query_param(email.link, "token").value_or(""), "a link token");
    keep(code_in(email), "a code");
  }

  EXPECT_EQ(server.process().stop(), 0);
  // What the server wrote to stderr: its log (logs() starts with the stdout line that said where
  // it listens, which is no log line).
  std::string log = server.process().logs();
  if (log.starts_with("linkgate listening on ")) log.erase(0, log.find('\n') + 1);

  // Every line parses; none holds a secret in any form.
  std::vector<LogLine> lines;
  std::istringstream stream(log);
  int line_number = 0;
  for (std::string line; std::getline(stream, line);) {
    ++line_number;
    if (line.empty()) continue;
    auto parsed = variant.format == "json" ? parse_json_line(line) : parse_text_line(line);
    EXPECT_TRUE(parsed.has_value()) << "line " << line_number << " does not parse: " << line;
    if (parsed) lines.push_back(std::move(*parsed));
    for (const auto& [secret, what] : secrets_) {
      for (const std::string& form_of :
           {secret, url_encode(secret), crypto::base64url_encode(secret)}) {
        EXPECT_EQ(line.find(form_of), std::string::npos)
            << what << " (" << form_of << ") in line " << line_number << ": " << line;
      }
    }
  }
  EXPECT_GT(lines.size(), 20u) << log;
  EXPECT_GE(secrets_.size(), 20u);

  // The email retry of alice's sign-in is logged under its request id (it ran inside it).
  bool retry_logged = false;
  for (const auto& line : lines) {
    if (line.at("msg").find("email: try 1 of") == 0 && line.count("request_id") &&
        line.at("request_id") == alice_request) {
      retry_logged = true;
    }
  }
  EXPECT_TRUE(retry_logged) << log;

  // Each audit event, with its fields, under the request id its response carried.
  const auto audit = [&](const std::string& request_id, const std::string& event) -> LogLine {
    for (const auto& line : lines) {
      if (line.at("msg") == "audit" && line.count("request_id") &&
          line.at("request_id") == request_id && line.count("event") && line.at("event") == event) {
        return line;
      }
    }
    ADD_FAILURE() << "no audit event " << event << " for request " << request_id << "\n" << log;
    return {};
  };
  const auto field = [](const LogLine& line, const std::string& name) {
    auto it = line.find(name);
    return it == line.end() ? std::string() : it->second;
  };
  const std::string alice_hash = audit_hash("alice@example.com");
  ASSERT_EQ(alice_hash.size(), 32u) << alice_hash;
  for (const auto& event : {"link_requested", "email_sent"}) {
    const LogLine line = audit(alice_request, event);
    EXPECT_EQ(field(line, "outcome"), "success");
    EXPECT_EQ(field(line, "client_ip"), "127.0.0.1");
    EXPECT_EQ(field(line, "provider"), "postmark");
    EXPECT_EQ(field(line, "email_hash"), alice_hash);
    EXPECT_EQ(field(line, "email"), variant.log_emails ? "alice@example.com" : "");
    EXPECT_EQ(field(line, "level"), "info");
    EXPECT_TRUE(std::regex_match(field(line, "time"),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  }
  const LogLine alice_in = audit(alice_callback, "sign_in_completed");
  EXPECT_EQ(field(alice_in, "email_hash"), alice_hash);
  EXPECT_EQ(field(alice_in, "new_user"), "true");
  EXPECT_FALSE(field(alice_in, "user_id").empty());
  EXPECT_EQ(field(audit(alice_signout, "sign_out"), "user_id"), field(alice_in, "user_id"));

  const std::string bob_hash = audit_hash("bob@example.com");
  audit(bob_request, "email_sent");
  const LogLine bad_code = audit(bob_wrong, "sign_in_failed");
  EXPECT_EQ(field(bad_code, "reason"), "bad_code");
  EXPECT_EQ(field(bad_code, "outcome"), "failure");
  EXPECT_EQ(field(bad_code, "email_hash"), bob_hash);
  EXPECT_EQ(field(audit(bob_signed_in, "sign_in_completed"), "email_hash"), bob_hash);

  EXPECT_EQ(field(audit(csrf_request, "csrf_failed"), "outcome"), "failure");
  const LogLine forged_line = audit(forged_request, "sign_in_failed");
  EXPECT_EQ(field(forged_line, "reason"), "unknown_token");
  EXPECT_EQ(field(forged_line, "email_hash"), alice_hash);
  const LogLine reused_line = audit(reused_request, "sign_in_failed");
  EXPECT_EQ(field(reused_line, "reason"), "reused");
  EXPECT_EQ(field(reused_line, "email_hash"), alice_hash);
  const LogLine carol = audit(carol_request, "email_failed");
  EXPECT_EQ(field(carol, "reason"), "email_provider");
  EXPECT_EQ(field(carol, "email_hash"), audit_hash("carol@example.com"));
  EXPECT_EQ(field(audit(eve_request, "denied"), "reason"), "domain_policy");
  const LogLine dave = audit(dave_limited, "rate_limited");
  EXPECT_EQ(field(dave, "reason"), "limit_identifier");
  EXPECT_EQ(field(dave, "outcome"), "denied");
  const LogLine ip = audit(ip_limited, "rate_limited");
  EXPECT_EQ(field(ip, "reason"), "limit_ip");
  EXPECT_EQ(field(ip, "client_ip"), "203.0.113.9");
}

INSTANTIATE_TEST_SUITE_P(Formats, LogSecrecy,
                         ::testing::Values(Variant{"text", "database", false},
                                           Variant{"json", "jwt", true},
                                           Variant{"text", "jwt", false},
                                           Variant{"json", "database", false}),
                         variant_name);

}  // namespace
}  // namespace linkgate::testing

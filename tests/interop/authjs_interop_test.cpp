// Session-JWT interop with Auth.js itself (authjs-behaviour.md §5, SPEC C6/C7): tokens our
// SessionJwtCodec encodes must decode with @auth/core/jwt's decode, and tokens its encode mints
// must decode with SessionJwtCodec, for both session cookie names (the HKDF salt) and with
// rotated secret lists. Auth.js runs as `node tests/interop/authjs/check_jwt.mjs REQUEST.json`
// (protocol described in that script); the @auth/core version is pinned in its package.json.
//
// The test fails, never skips, when node or tests/interop/authjs/node_modules is missing
// (authjs_node.hpp).

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/session_jwt.hpp"
#include "interop/authjs_node.hpp"

namespace linkgate::core {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using interop::NodeRun;

constexpr std::string_view kPlain = "authjs.session-token";
constexpr std::string_view kSecure = "__Secure-authjs.session-token";

void run_check_jwt(const json::object& request, NodeRun& run) {
  interop::run_authjs_script("check_jwt.mjs", request, run);
}

// Claims with non-ASCII text, a null, nesting and an extra application claim, to exercise the
// JSON layer as well as the JWE layer.
json::object claims() {
  return json::parse(R"({"name":"Jané Ünïcode ✓ \"quoted\"","email":"jane@example.com",)"
                     R"("picture":null,"sub":"8f9a1c2e-0000-4000-8000-000000000001",)"
                     R"("role":"admin","nested":{"list":[1,2.5,true,"x"],"empty":{}}})")
      .as_object();
}

std::int64_t unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

json::array secrets_json(const std::vector<std::string>& secrets) {
  json::array out;
  for (const auto& s : secrets) out.emplace_back(s);
  return out;
}

// Our encoder -> Auth.js decode. Each case names the secrets we encode with and the secret(s) and
// salt Auth.js decodes with; `ok` says whether Auth.js must accept the token.
TEST(AuthjsInterop, AuthjsDecodesTokensWeEncode) {
  struct Case {
    std::string name;
    std::vector<std::string> encode_secrets;
    std::string_view cookie;
    json::value decode_secret;
    std::string_view salt;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"plain", {"interop-secret"}, kPlain, json::value("interop-secret"), kPlain, true},
      {"plain-under-secure-salt",
       {"interop-secret"},
       kPlain,
       json::value("interop-secret"),
       kSecure,
       false},
      {"secure", {"interop-secret"}, kSecure, json::value("interop-secret"), kSecure, true},
      {"secure-under-plain-salt",
       {"interop-secret"},
       kSecure,
       json::value("interop-secret"),
       kPlain,
       false},
      // Rotation (SPEC C7): we encode with the first secret; Auth.js finds it among its list.
      {"rotated",
       {"new-secret", "old-secret"},
       kPlain,
       json::value(secrets_json({"other-secret", "new-secret"})),
       kPlain,
       true},
      {"rotated-secure",
       {"new-secret", "old-secret"},
       kSecure,
       json::value(secrets_json({"new-secret"})),
       kSecure,
       true},
      {"rotated-not-with-second",
       {"new-secret", "old-secret"},
       kPlain,
       json::value(secrets_json({"old-secret"})),
       kPlain,
       false},
      // A token minted before the rotation still decodes in Auth.js after it.
      {"pre-rotation",
       {"old-secret"},
       kPlain,
       json::value(secrets_json({"new-secret", "old-secret"})),
       kPlain,
       true},
  };

  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  const auto max_age = std::chrono::seconds(30 * 24 * 3600);
  json::object expect = claims();
  expect["iat"] = unix_seconds(now);
  expect["exp"] = unix_seconds(now) + max_age.count();

  json::array decode;
  std::vector<std::string> tokens;
  for (const Case& c : cases) {
    tokens.push_back(SessionJwtCodec(c.encode_secrets, c.cookie).encode(claims(), now, max_age));
    decode.push_back(json::object{{"name", c.name},
                                  {"token", tokens.back()},
                                  {"secret", c.decode_secret},
                                  {"salt", c.salt},
                                  {"expect", c.ok ? json::value(expect) : json::value(nullptr)}});
  }

  NodeRun run;
  ASSERT_NO_FATAL_FAILURE(run_check_jwt(json::object{{"decode", decode}}, run));
  EXPECT_EQ(run.exit_status, 0) << "Auth.js rejected a check (see check_jwt FAIL lines above)";
  const json::object out = interop::parse_script_output(run);
  const json::value* decoded = out.if_contains("decoded");
  ASSERT_TRUE(decoded && decoded->is_array() && decoded->as_array().size() == cases.size())
      << run.stdout_text;

  // Beyond check_jwt's own claim comparison: Auth.js must have recovered exactly the plaintext
  // we encrypted, jti included.
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const json::value& payload = decoded->as_array()[i].as_object().at("payload");
    if (!c.ok) {
      EXPECT_TRUE(payload.is_null()) << c.name << ": Auth.js decoded " << payload;
      continue;
    }
    const auto ours = SessionJwtCodec(c.encode_secrets, c.cookie).decode(tokens[i], now);
    ASSERT_TRUE(ours) << c.name;
    ASSERT_TRUE(payload.is_object()) << c.name << ": Auth.js decoded " << payload;
    EXPECT_EQ(payload.as_object(), *ours) << c.name;
  }
}

constexpr std::int64_t kMaxAge = 3600;  // maxAge (s) of the tokens Auth.js mints

// Auth.js encode -> our decoder, tokens minted in this run for both salts and with a rotated
// secret list (Auth.js encodes with its first secret).
TEST(AuthjsInterop, WeDecodeTokensAuthjsEncodes) {
  const auto encode_entry = [](std::string_view name, json::value secret, std::string_view salt) {
    return json::object{{"name", name},
                        {"secret", std::move(secret)},
                        {"salt", salt},
                        {"maxAge", kMaxAge},
                        {"token", claims()}};
  };
  const json::array encode = {
      encode_entry("plain", "interop-secret", kPlain),
      encode_entry("secure", "interop-secret", kSecure),
      encode_entry("rotated", secrets_json({"new-secret", "old-secret"}), kPlain),
  };

  const std::int64_t before =
      unix_seconds(std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now()));
  NodeRun run;
  ASSERT_NO_FATAL_FAILURE(run_check_jwt(json::object{{"encode", encode}}, run));
  ASSERT_EQ(run.exit_status, 0) << "Auth.js could not encode (see check_jwt FAIL lines above)";
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
  const json::object out = interop::parse_script_output(run);
  const json::value* encoded = out.if_contains("encoded");
  ASSERT_TRUE(encoded && encoded->is_array() && encoded->as_array().size() == encode.size())
      << run.stdout_text;
  const auto token = [&](std::size_t i) {
    return std::string(encoded->as_array()[i].as_object().at("token").as_string());
  };

  // Auth.js sets iat to its clock at encode time, exp = iat + maxAge and a random UUID jti.
  const auto check_claims = [&](const std::optional<json::object>& decoded, std::string_view name) {
    ASSERT_TRUE(decoded) << name << ": SessionJwtCodec could not decode Auth.js's token";
    json::object rest = *decoded;
    const std::int64_t iat = rest.at("iat").to_number<std::int64_t>();
    EXPECT_GE(iat, before) << name;
    EXPECT_LE(iat, unix_seconds(now)) << name;
    EXPECT_EQ(rest.at("exp").to_number<std::int64_t>(), iat + kMaxAge) << name;
    ASSERT_TRUE(rest.at("jti").is_string()) << name;
    EXPECT_EQ(rest.at("jti").as_string().size(), 36u) << name;
    rest.erase("iat");
    rest.erase("exp");
    rest.erase("jti");
    EXPECT_EQ(rest, claims()) << name;
  };

  check_claims(SessionJwtCodec({"interop-secret"}, kPlain).decode(token(0), now), "plain");
  EXPECT_FALSE(SessionJwtCodec({"interop-secret"}, kSecure).decode(token(0), now));

  check_claims(SessionJwtCodec({"interop-secret"}, kSecure).decode(token(1), now), "secure");
  EXPECT_FALSE(SessionJwtCodec({"interop-secret"}, kPlain).decode(token(1), now));

  check_claims(SessionJwtCodec({"other-secret", "new-secret"}, kPlain).decode(token(2), now),
               "rotated");
  check_claims(SessionJwtCodec({"new-secret"}, kPlain).decode(token(2), now), "rotated-first");
  EXPECT_FALSE(SessionJwtCodec({"old-secret"}, kPlain).decode(token(2), now));

  // Expiry is ours to enforce on foreign tokens too (15 s tolerance, authjs-behaviour.md §5).
  EXPECT_FALSE(SessionJwtCodec({"interop-secret"}, kPlain).decode(token(0), now + 3600s + 16s));
}

}  // namespace
}  // namespace linkgate::core

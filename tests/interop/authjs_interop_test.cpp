// Session-JWT interop with Auth.js itself (authjs-behaviour.md §5, SPEC C6/C7): tokens our
// SessionJwtCodec encodes must decode with @auth/core/jwt's decode, and tokens its encode mints
// must decode with SessionJwtCodec, for both session cookie names (the HKDF salt) and with
// rotated secret lists. Auth.js runs as `node tests/interop/authjs/check_jwt.mjs REQUEST.json`
// (protocol described in that script); the @auth/core version is pinned in its package.json.
//
// The test fails, never skips, when node or tests/interop/authjs/node_modules is missing: a
// skipped interop check would let an incompatible cookie format land silently.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/session_jwt.hpp"

#ifndef LINKGATE_AUTHJS_INTEROP_DIR
#error "LINKGATE_AUTHJS_INTEROP_DIR must name tests/interop/authjs (set by tests/CMakeLists.txt)"
#endif

namespace linkgate::core {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::string_view kPlain = "authjs.session-token";
constexpr std::string_view kSecure = "__Secure-authjs.session-token";
constexpr std::string_view kFixDeps =
    "run `make interop-deps` (installs node/npm if missing and runs npm ci in "
    "tests/interop/authjs)";

const fs::path kInteropDir{LINKGATE_AUTHJS_INTEROP_DIR};

// The first executable file named `node` on PATH, or nullopt.
std::optional<fs::path> find_node() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::string_view rest(path);
  while (true) {
    const auto colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / "node";
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

// POSIX-shell single quoting, so any path survives popen's `sh -c`.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A request file that is deleted when the object goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string name = (fs::temp_directory_path() / "linkgate-authjs-interop-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) return;
    ::close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct NodeRun {
  int exit_status = -1;  // node's exit status; -1 if it did not exit normally
  std::string stdout_text;
};

// Runs check_jwt.mjs on `request`; node's stderr goes to ours, so its diagnostics appear in the
// ctest log. Fatal-fails (in the caller, via ASSERT_NO_FATAL_FAILURE) when node or the pinned
// node_modules is missing.
void run_check_jwt(const json::object& request, NodeRun& run) {
  const auto node = find_node();
  ASSERT_TRUE(node) << "node is not on PATH; " << kFixDeps;
  ASSERT_TRUE(fs::exists(kInteropDir / "node_modules" / "@auth" / "core" / "package.json"))
      << (kInteropDir / "node_modules").string() << " has no @auth/core; " << kFixDeps;

  const TempFile request_file(json::serialize(request));
  ASSERT_FALSE(request_file.path().empty()) << "cannot create a temporary request file";
  const std::string command = shell_quote(node->string()) + " " +
                              shell_quote((kInteropDir / "check_jwt.mjs").string()) + " " +
                              shell_quote(request_file.path().string());
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr) << "popen failed: " << command;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.stdout_text.append(buffer, n);
  const int status = ::pclose(pipe);
  run.exit_status = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  ASSERT_NE(run.exit_status, 3) << "check_jwt.mjs reports missing or unpinned dependencies; "
                                << kFixDeps;
}

json::object parse_output(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    ADD_FAILURE() << "check_jwt.mjs printed no JSON object: " << text;
    return {};
  }
  return std::move(v.as_object());
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
  const json::object out = parse_output(run.stdout_text);
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
  const json::object out = parse_output(run.stdout_text);
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

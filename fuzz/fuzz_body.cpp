// Request body parsing: application/x-www-form-urlencoded and JSON bodies, the query string, and
// what Context::init derives from them (core/context.hpp, core/form.hpp, SPEC §4).
//
// Input: the first byte picks the request shape (bits 0-1: form POST, JSON POST, text/plain
// POST, GET with the rest as query; bit 2: send a valid CSRF cookie), the rest is the body or
// the query. Invariants:
// - init() fails exactly when a JSON body is not JSON; it never fails otherwise;
// - a form body is parse_form(body), a JSON body holds exactly the object's string members;
// - every parsed field survives form_encode and parse_form unchanged;
// - the CSRF check passes only for a POST whose body token equals the valid cookie's token,
//   and a minted cookie is "<64 hex>|<64 hex>";
// - the resolved callbackUrl is always on the request's origin.
#include <boost/json.hpp>
#include <string>

#include "core/context.hpp"
#include "core/form.hpp"
#include "fuzz_check.hpp"

namespace {

namespace core = linkgate::core;

constexpr std::string_view kOrigin = "http://localhost:3000";
constexpr std::string_view kToken =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const core::AuthState& state() {
  static const core::AuthState* s = [] {
    auto* st = new core::AuthState();
    st->config.secrets = {"fuzz-secret-one", "fuzz-secret-two"};
    st->base_path = "/api/auth";
    return st;
  }();
  return *s;
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void check_form_round_trip(const std::map<std::string, std::string>& fields) {
  for (const auto& [key, value] : fields) {
    if (key.empty()) continue;
    const auto back = core::parse_form(core::form_encode(key) + "=" + core::form_encode(value));
    FUZZ_CHECK(back.size() == 1);
    FUZZ_CHECK(back.begin()->first == key);
    FUZZ_CHECK(back.begin()->second == value);
    const auto decoded = core::percent_decode(core::form_encode(value), /*plus_is_space=*/true);
    FUZZ_CHECK(decoded == value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned mode = data[0] & 3u;
  const bool with_cookie = (data[0] & 4u) != 0;
  const std::string rest(linkgate::fuzz::as_text(data + 1, size - 1));

  linkgate::Request request;
  request.path = "/api/auth/signin/email";
  if (mode == 3) {
    request.method = "GET";
    request.query = rest;
  } else {
    request.method = "POST";
    request.body = rest;
    const char* type = mode == 0   ? "application/x-www-form-urlencoded"
                       : mode == 1 ? "application/json; charset=utf-8"
                                   : "text/plain";
    request.headers.push_back({"Content-Type", type});
  }
  const std::string cookie_value =
      std::string(kToken) + "|" + core::csrf_hash(kToken, state().config.secrets[1]);
  if (with_cookie) request.headers.push_back({"Cookie", "authjs.csrf-token=" + cookie_value});

  core::Context ctx(state(), request, std::string(kOrigin), "signin", "email");
  const bool ok = ctx.init();

  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(rest, ec);
  FUZZ_CHECK(ok == !(mode == 1 && ec));
  if (!ok) return 0;

  if (mode == 0) {
    FUZZ_CHECK(ctx.body == core::parse_form(rest));
  } else if (mode == 1) {
    std::size_t strings = 0;
    if (json.is_object()) {
      for (const auto& member : json.as_object()) {
        if (member.value().is_string()) ++strings;
      }
    }
    FUZZ_CHECK(ctx.body.size() <= strings);
    for (const auto& [key, value] : ctx.body) {
      const auto* member = json.as_object().if_contains(key);
      FUZZ_CHECK(member != nullptr && member->is_string());
    }
  } else {
    FUZZ_CHECK(ctx.body.empty());
  }
  if (mode == 3) FUZZ_CHECK(ctx.query == core::parse_form(rest));
  check_form_round_trip(ctx.body);
  check_form_round_trip(ctx.query);

  // CSRF: the cookie was made with the second secret (rotation) and is reused, never reminted.
  const auto body_token = ctx.body.find("csrfToken");
  const bool token_matches = body_token != ctx.body.end() && body_token->second == kToken;
  FUZZ_CHECK(ctx.csrf.verified == (with_cookie && mode != 3 && token_matches));
  if (with_cookie) {
    FUZZ_CHECK(ctx.csrf.token == kToken);
    FUZZ_CHECK(!ctx.csrf.new_cookie_value.has_value());
  } else {
    FUZZ_CHECK(is_hex64(ctx.csrf.token));
    FUZZ_CHECK(ctx.csrf.new_cookie_value.has_value());
    const std::string& minted = *ctx.csrf.new_cookie_value;
    FUZZ_CHECK(minted.size() == 129 && minted[64] == '|');
    FUZZ_CHECK(minted.substr(0, 64) == ctx.csrf.token && is_hex64(minted.substr(65)));
  }

  FUZZ_CHECK(!ctx.redirect_failed);
  FUZZ_CHECK(linkgate::fuzz::same_origin(ctx.callback_url, kOrigin));
  return 0;
}

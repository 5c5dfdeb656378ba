// Safe defaults of issue 5 on the pure core: every HTML page carries the security headers
// (Content-Security-Policy without scripts, no framing, no sniffing, no Referer), and every cookie
// is HttpOnly and SameSite=Lax, with the __Host-/__Secure- prefixes and Secure under https.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/context.hpp"
#include "linkgate/auth.hpp"

namespace linkgate {
namespace {

AuthConfig config_for(const std::string& url) {
  AuthConfig config;
  config.url = url;
  config.secrets = {"unit-test-secret-0123456789abcdef"};
  config.session_strategy = SessionStrategy::jwt;  // so that the home page needs no store
  config.dev_outbox_pages = true;
  EmailProvider outbox;
  outbox.id = "outbox";
  outbox.name = "Outbox";
  config.providers.push_back(outbox);
  config.theme.logo = "https://example.com/logo.png";
  config.theme.brand_color = "#ff0000";
  return config;
}

Request get(const std::string& target) {
  Request r;
  r.method = "GET";
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  r.headers.push_back({"Host", "localhost:3000"});
  return r;
}

void expect_page_headers(const Response& r, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(r.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  const std::string csp(r.header("Content-Security-Policy").value_or(""));
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("form-action 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("base-uri 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("img-src https: "), std::string::npos) << csp;
  // Inline styles only: no script source of any kind, and 'unsafe-inline' only for style-src.
  EXPECT_EQ(csp.find("script-src"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("'unsafe-inline'"), csp.find("style-src 'unsafe-inline'") + 10) << csp;
  EXPECT_EQ(csp.find("'unsafe-inline'"), csp.rfind("'unsafe-inline'")) << csp;
  EXPECT_EQ(csp.find("'unsafe-eval'"), std::string::npos) << csp;
  EXPECT_EQ(r.header("X-Frame-Options").value_or(""), "DENY");
  EXPECT_EQ(r.header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(r.header("Referrer-Policy").value_or(""), "no-referrer");
  // What the policy forbids is also absent from the page, so the policy breaks nothing.
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
  EXPECT_EQ(r.body.find("javascript:"), std::string::npos);
}

TEST(SafeDefaults, EveryPageCarriesTheSecurityHeaders) {
  Auth auth(config_for("http://localhost:3000/api/auth"), nullptr);
  for (const std::string target :
       {"/api/auth/signin", "/api/auth/signin?error=EmailSignin", "/api/auth/signout",
        "/api/auth/verify-request?provider=outbox&type=email", "/api/auth/error",
        "/api/auth/error?error=Verification", "/api/auth/error?error=Configuration", "/"}) {
    const Request request = get(target);
    ASSERT_TRUE(auth.is_pure(request)) << target;  // no store needed
    const Response r = auth.handle(request);
    expect_page_headers(r, target);
  }
}

TEST(SafeDefaults, TheConfigurationErrorPageCarriesTheSecurityHeaders) {
  AuthConfig config = config_for("http://localhost:3000/api/auth");
  config.secrets.clear();
  Auth auth(std::move(config), nullptr);
  const Response r = auth.handle(get("/api/auth/signin"));
  EXPECT_EQ(r.status, 500);
  expect_page_headers(r, "configuration error page");
}

TEST(SafeDefaults, ContextHtmlAndThePageHeaderHelperAgree) {
  Response direct;
  core::add_page_security_headers(direct);
  direct.set_header("Content-Type", "text/html; charset=utf-8");
  expect_page_headers(direct, "add_page_security_headers");
}

TEST(SafeDefaults, JsonAnswersCarryNoPageHeadersButAreNeverHtml) {
  Auth auth(config_for("http://localhost:3000/api/auth"), nullptr);
  for (const std::string target : {"/api/auth/csrf", "/api/auth/providers", "/api/auth/session"}) {
    const Response r = auth.handle(get(target));
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json") << target;
  }
}

std::vector<std::string> set_cookies(const Response& r) {
  std::vector<std::string> out;
  for (const auto& h : r.headers) {
    if (h.name == "Set-Cookie") out.push_back(h.value);
  }
  return out;
}

TEST(SafeDefaults, CookiesAreHttpOnlyLaxAndPrefixedUnderHttps) {
  {
    Auth auth(config_for("http://localhost:3000/api/auth"), nullptr);
    const auto cookies = set_cookies(auth.handle(get("/api/auth/csrf?callbackUrl=%2Fx")));
    ASSERT_EQ(cookies.size(), 2u);
    for (const auto& c : cookies) {
      EXPECT_TRUE(c.starts_with("authjs.")) << c;
      EXPECT_NE(c.find("; HttpOnly"), std::string::npos) << c;
      EXPECT_NE(c.find("; SameSite=Lax"), std::string::npos) << c;
      EXPECT_NE(c.find("; Path=/"), std::string::npos) << c;
      EXPECT_EQ(c.find("; Secure"), std::string::npos) << c;
    }
  }
  {
    Auth auth(config_for("https://auth.example.com/api/auth"), nullptr);
    const auto cookies = set_cookies(auth.handle(get("/api/auth/csrf?callbackUrl=%2Fx")));
    ASSERT_EQ(cookies.size(), 2u);
    bool host_csrf = false;
    bool secure_callback = false;
    for (const auto& c : cookies) {
      host_csrf |= c.starts_with("__Host-authjs.csrf-token=");
      secure_callback |= c.starts_with("__Secure-authjs.callback-url=");
      EXPECT_NE(c.find("; HttpOnly"), std::string::npos) << c;
      EXPECT_NE(c.find("; SameSite=Lax"), std::string::npos) << c;
      EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
      EXPECT_NE(c.find("; Path=/"), std::string::npos) << c;
      EXPECT_EQ(c.find("Domain="), std::string::npos) << c;  // __Host- forbids it
    }
    EXPECT_TRUE(host_csrf);
    EXPECT_TRUE(secure_callback);
  }
}

}  // namespace
}  // namespace linkgate

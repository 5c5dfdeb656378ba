// The jwt and session callbacks and the events, in-process (SPEC P6; authjs-behaviour.md §4
// "callbacks and events consulted", §5 /session).
#include <gtest/gtest.h>

#include <stdexcept>

#include "integration/hooks_fixture.hpp"

namespace linkgate::testing {
namespace {

namespace json = boost::json;

struct SeenJwt {
  JwtTrigger trigger;
  json::object token;
  std::string user_email;
  std::string account_provider;
  bool is_new_user;
  json::value session;
};

TEST_F(HooksTest, JwtCallbackShapesTheCookieOnSignInAndOnEveryRead_Authjs_5) {
  AuthConfig config = make_config(SessionStrategy::jwt);
  std::vector<SeenJwt> seen;
  config.callbacks.jwt = [&](const JwtParams& p) -> std::optional<json::object> {
    seen.push_back({p.trigger, p.token, p.user ? p.user->email : "",
                    p.account ? p.account->provider : "", p.is_new_user,
                    p.session ? *p.session : json::value()});
    json::object token = p.token;
    if (p.trigger == JwtTrigger::sign_up || p.trigger == JwtTrigger::sign_in)
      token["role"] = "editor";
    if (p.trigger == JwtTrigger::update && p.session && p.session->is_object()) {
      token["name"] = p.session->as_object().at("name");
    }
    return token;
  };
  config.callbacks.session = [](const SessionParams& p) {
    json::object body = p.session;
    body["role"] = p.token->at("role");
    return body;
  };
  Auth auth(config, store_);
  Browser browser(auth);
  sign_in_fully(browser, "jay@example.com");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].trigger, JwtTrigger::sign_up);
  EXPECT_TRUE(seen[0].is_new_user);
  EXPECT_EQ(seen[0].user_email, "jay@example.com");
  EXPECT_EQ(seen[0].account_provider, "custom");
  EXPECT_EQ(seen[0].token.at("email"), "jay@example.com");
  EXPECT_TRUE(seen[0].token.contains("sub"));

  auto session = session_of(browser);
  ASSERT_TRUE(session.is_object());
  EXPECT_EQ(session.at("role"), "editor");
  EXPECT_EQ(seen.back().trigger, JwtTrigger::none);
  EXPECT_EQ(seen.back().token.at("role"), "editor");  // the claims persisted in the cookie

  // The client's update(): trigger "update" with the body's data.
  auto updated = update_session(browser, json::object{{"name", "Jay"}});
  EXPECT_EQ(updated.status, 200);
  EXPECT_EQ(seen.back().trigger, JwtTrigger::update);
  EXPECT_EQ(seen.back().session.at("name"), "Jay");
  EXPECT_EQ(json::parse(updated.body).at("user").at("name"), "Jay");
  EXPECT_EQ(session_of(browser).at("user").at("name"), "Jay");

  // A second sign-in is "signIn", not "signUp".
  sign_in_fully(browser, "jay@example.com");
  EXPECT_EQ(seen.back().trigger, JwtTrigger::sign_in);
  EXPECT_FALSE(seen.back().is_new_user);
}

TEST_F(HooksTest, JwtCallbackReturningNulloptSignsOut) {
  AuthConfig config = make_config(SessionStrategy::jwt);
  bool refuse_at_sign_in = true;
  config.callbacks.jwt = [&](const JwtParams& p) -> std::optional<json::object> {
    if (p.trigger == JwtTrigger::none) return std::nullopt;  // e.g. the account was revoked
    if (refuse_at_sign_in) return std::nullopt;
    return p.token;
  };
  Auth auth(config, store_);
  Browser browser(auth);
  // At sign-in: no cookie, but still the redirect to the callbackUrl (§4).
  auto callback = sign_in_fully(browser, "gone@example.com");
  EXPECT_EQ(location(callback), "http://app.test");
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);
  // On a read: null and the cookie cleared.
  refuse_at_sign_in = false;
  sign_in_fully(browser, "gone@example.com");
  ASSERT_EQ(browser.cookies.count("authjs.session-token"), 1u);
  auto res = browser.send("GET", "/api/auth/session");
  EXPECT_EQ(res.body, "null");
  EXPECT_EQ(browser.cookies.count("authjs.session-token"), 0u);
}

TEST_F(HooksTest, ThrowingJwtOrSessionCallbacksGiveNullOrConfiguration) {
  AuthConfig config = make_config(SessionStrategy::jwt);
  config.callbacks.jwt = [](const JwtParams& p) -> std::optional<json::object> {
    if (p.trigger == JwtTrigger::sign_up) throw std::runtime_error("jwt broke");
    return p.token;
  };
  {
    Auth auth(config, store_);
    Browser browser(auth);
    EXPECT_EQ(location(sign_in_fully(browser, "j@example.com")),
              "http://app.test/api/auth/error?error=Configuration");
    EXPECT_TRUE(logged("callbacks.jwt threw: jwt broke"));
  }
  config = make_config(SessionStrategy::jwt);
  config.callbacks.session = [](const SessionParams&) -> json::object {
    throw std::runtime_error("session broke");
  };
  {
    Auth auth(config, store_);
    Browser browser(auth);
    sign_in_fully(browser, "j@example.com");
    auto res = browser.send("GET", "/api/auth/session");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "null");
  }
  config = make_config(SessionStrategy::database);
  config.callbacks.session = [](const SessionParams&) -> json::object {
    throw std::runtime_error("session broke");
  };
  {
    Auth auth(config, store_);
    Browser browser(auth);
    sign_in_fully(browser, "d@example.com");
    auto res = browser.send("GET", "/api/auth/session");
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "null");
  }
}

TEST_F(HooksTest, SessionCallbackShapesTheDatabaseSessionBody_Authjs_5) {
  AuthConfig config = make_config(SessionStrategy::database);
  std::vector<bool> updates;
  json::value last_data;
  config.callbacks.session = [&](const SessionParams& p) {
    EXPECT_EQ(p.token, nullptr);
    EXPECT_NE(p.user, nullptr);
    EXPECT_NE(p.stored, nullptr);
    updates.push_back(p.update);
    if (p.new_session) last_data = *p.new_session;
    return json::object{{"user", json::object{{"id", p.user->id}, {"email", p.user->email}}},
                        {"expires", p.session.at("expires")},
                        {"userSince", p.stored->user_id == p.user->id}};
  };
  Auth auth(config, store_);
  Browser browser(auth);
  sign_in_fully(browser, "db@example.com");
  auto body = session_of(browser);
  auto stored = store_->get_user_by_email("db@example.com");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ(body.at("user").at("id"), json::value((*stored)->id));
  EXPECT_EQ(body.at("userSince"), true);
  EXPECT_FALSE(body.at("user").as_object().contains("name"));
  update_session(browser, json::object{{"theme", "dark"}});
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_FALSE(updates[0]);
  EXPECT_TRUE(updates[1]);
  EXPECT_EQ(last_data.at("theme"), "dark");
}

TEST_F(HooksTest, EventsFireInOrderWithTheirArguments_Authjs_4) {
  for (auto strategy : {SessionStrategy::database, SessionStrategy::jwt}) {
    SetUp();
    AuthConfig config = make_config(strategy);
    std::vector<std::string> events;
    std::string signed_out;
    config.events.create_user = [&](const User& u) { events.push_back("createUser " + u.email); };
    config.events.update_user = [&](const User& u) { events.push_back("updateUser " + u.email); };
    config.events.sign_in = [&](const SignInEvent& e) {
      events.push_back("signIn " + e.user.email + (e.is_new_user ? " new" : " returning") + " " +
                       e.account.provider);
    };
    config.events.session = [&](const SessionEvent& e) {
      events.push_back(std::string("session ") + (e.token ? "token " : "user ") +
                       std::string(e.session.at("user").at("email").as_string()));
    };
    config.events.sign_out = [&](const SignOutEvent& e) {
      if (e.session) signed_out = "session of " + e.session->user_id;
      if (e.token) signed_out = "token of " + std::string(e.token->at("email").as_string());
    };
    Auth auth(config, store_);
    Browser browser(auth);
    sign_in_fully(browser, "ev@example.com");
    sign_in_fully(browser, "ev@example.com");
    session_of(browser);
    const std::string kind = strategy == SessionStrategy::jwt ? "token " : "user ";
    EXPECT_EQ(events, (std::vector<std::string>{
                          "createUser ev@example.com", "signIn ev@example.com new custom",
                          "updateUser ev@example.com", "signIn ev@example.com returning custom",
                          "session " + kind + "ev@example.com"}));
    std::string csrf = browser.csrf();
    browser.send("POST", "/api/auth/signout", "csrfToken=" + csrf,
                 "application/x-www-form-urlencoded");
    auto user = store_->get_user_by_email("ev@example.com");
    ASSERT_TRUE(user.ok() && user->has_value());
    EXPECT_EQ(signed_out, strategy == SessionStrategy::jwt ? "token of ev@example.com"
                                                           : "session of " + (*user)->id);
  }
}

TEST_F(HooksTest, ThrowingEventHandlersAreLoggedAndSwallowed) {
  AuthConfig config = make_config(SessionStrategy::database);
  auto boom = [](const auto&) { throw std::runtime_error("handler bug"); };
  config.events.create_user = boom;
  config.events.update_user = boom;
  config.events.sign_in = boom;
  config.events.session = boom;
  config.events.sign_out = boom;
  Auth auth(config, store_);
  Browser browser(auth);
  EXPECT_EQ(location(sign_in_fully(browser, "ok@example.com")), "http://app.test");
  EXPECT_EQ(session_of(browser).at("user").at("email"), "ok@example.com");
  std::string csrf = browser.csrf();
  auto out = browser.send("POST", "/api/auth/signout", "csrfToken=" + csrf,
                          "application/x-www-form-urlencoded");
  EXPECT_EQ(out.status, 302);
  EXPECT_TRUE(session_of(browser).is_null());
  for (const char* name :
       {"events.createUser", "events.signIn", "events.session", "events.signOut"}) {
    EXPECT_TRUE(logged(std::string(name) + " threw: handler bug")) << name;
  }
}

TEST_F(HooksTest, SessionHooksMakeJwtSessionReadsImpure) {
  Request get_session;
  get_session.method = "GET";
  get_session.path = "/api/auth/session";
  AuthConfig plain = make_config(SessionStrategy::jwt);
  EXPECT_TRUE(Auth(plain, store_).is_pure(get_session));
  AuthConfig hooked = make_config(SessionStrategy::jwt);
  hooked.events.session = [](const SessionEvent&) {};
  EXPECT_FALSE(Auth(hooked, store_).is_pure(get_session));
}

Request request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

// The server's choice of worker pool: a request that may wait on an email provider or on an
// embedder's hook never shares the store-only pool.
TEST_F(HooksTest, OnlyMailAndHooksCountAsMayBlockLong) {
  AuthConfig plain = make_config(SessionStrategy::database);
  Auth auth(plain, store_);
  EXPECT_TRUE(auth.may_block_long(request("POST", "/api/auth/signin/email")));
  EXPECT_TRUE(auth.may_block_long(request("POST", "/api/auth/signin/unknown-provider")));
  EXPECT_FALSE(auth.may_block_long(request("GET", "/api/auth/session")));
  EXPECT_FALSE(auth.may_block_long(request("GET", "/api/auth/callback/email")));
  EXPECT_FALSE(auth.may_block_long(request("POST", "/api/auth/callback/email")));
  EXPECT_FALSE(auth.may_block_long(request("POST", "/api/auth/signout")));
  EXPECT_FALSE(auth.may_block_long(request("GET", "/api/auth/signin")));
  EXPECT_FALSE(auth.may_block_long(request("GET", "/elsewhere")));

  AuthConfig hooked = make_config(SessionStrategy::database);
  hooked.callbacks.sign_in = [](const SignInParams&) { return SignInDecision::allow(); };
  Auth hooked_auth(hooked, store_);
  EXPECT_TRUE(hooked_auth.may_block_long(request("GET", "/api/auth/callback/email")));
  EXPECT_TRUE(hooked_auth.may_block_long(request("GET", "/api/auth/session")));
  EXPECT_TRUE(hooked_auth.may_block_long(request("POST", "/api/auth/signin/email")));
  // Pure requests stay on the loop whatever the hooks.
  EXPECT_FALSE(hooked_auth.may_block_long(request("GET", "/api/auth/csrf")));

  // A provider's hook is an embedder's code too (normalizeIdentifier runs on the callback).
  AuthConfig normalizing = make_config(SessionStrategy::database);
  ASSERT_FALSE(normalizing.providers.empty());
  normalizing.providers.front().normalize_identifier = [](const std::string& email) {
    return Result<std::string>(email);
  };
  Auth normalizing_auth(normalizing, store_);
  EXPECT_TRUE(normalizing_auth.may_block_long(request("GET", "/api/auth/callback/email")));
  EXPECT_FALSE(normalizing_auth.may_block_long(request("GET", "/api/auth/csrf")));
}

// Which requests a server may run on a fiber of its event loop (with a store that allows it):
// store-only ones, and sign-ins whose provider's mailer waits through io/waiter.hpp with no hook
// of the embedder's in the way.
TEST_F(HooksTest, FiberWaitsNeedAFiberMailerAndNoHook) {
  class StubMailer final : public Mailer {
   public:
    explicit StubMailer(bool fibers) : fibers_(fibers) {}
    Result<void> send(const EmailMessage&) override { return {}; }
    bool waits_on_fibers() const override { return fibers_; }

   private:
    bool fibers_;
  };
  const auto with_api_provider = [&](bool fibers) {
    AuthConfig config = make_config(SessionStrategy::database);
    EmailProvider api;
    api.id = "api";
    api.name = "API";
    api.mailer = std::make_shared<StubMailer>(fibers);
    config.providers.push_back(std::move(api));
    return config;
  };

  AuthConfig config = with_api_provider(true);
  Auth auth(config, store_);
  EXPECT_TRUE(auth.waits_on_fibers(request("POST", "/api/auth/signin/api")));
  EXPECT_TRUE(auth.may_block_long(request("POST", "/api/auth/signin/api")));
  EXPECT_TRUE(auth.waits_on_fibers(request("GET", "/api/auth/callback/api")));
  EXPECT_TRUE(auth.waits_on_fibers(request("GET", "/api/auth/session")));
  // sendVerificationRequest is the embedder's code; an unknown provider has no mailer.
  EXPECT_FALSE(auth.waits_on_fibers(request("POST", "/api/auth/signin/custom")));
  EXPECT_FALSE(auth.waits_on_fibers(request("POST", "/api/auth/signin/unknown-provider")));

  AuthConfig blocking_config = with_api_provider(false);
  Auth blocking(blocking_config, store_);
  EXPECT_FALSE(blocking.waits_on_fibers(request("POST", "/api/auth/signin/api")));
  EXPECT_TRUE(blocking.waits_on_fibers(request("GET", "/api/auth/callback/api")));

  AuthConfig generating_config = with_api_provider(true);
  generating_config.providers.back().generate_verification_token = [] {
    return std::string("token");
  };
  Auth generating(generating_config, store_);
  EXPECT_FALSE(generating.waits_on_fibers(request("POST", "/api/auth/signin/api")));

  AuthConfig hooked_config = with_api_provider(true);
  hooked_config.events.sign_in = [](const SignInEvent&) {};
  Auth hooked(hooked_config, store_);
  EXPECT_FALSE(hooked.waits_on_fibers(request("POST", "/api/auth/signin/api")));
  EXPECT_FALSE(hooked.waits_on_fibers(request("GET", "/api/auth/callback/api")));
  EXPECT_TRUE(hooked.waits_on_fibers(request("GET", "/api/auth/csrf")));
}

}  // namespace
}  // namespace linkgate::testing

// GET|POST /callback/:provider — consume a magic link and start a session
// (authjs-behaviour.md §1 callback, §4, §5; SPEC C3, C5, C6).
#include <boost/json.hpp>

#include "core/actions/actions.hpp"
#include "core/form.hpp"
#include "core/session_cookie.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"

namespace linkgate::core::actions {

namespace {

// Finds and deletes the token row under any of the secrets (SPEC C7: tokens made with any listed
// secret are accepted).
Result<std::optional<VerificationToken>> consume_token(const Context& ctx,
                                                       const std::string& identifier,
                                                       const std::string& token) {
  for (const auto& secret : ctx.state.config.secrets) {
    auto used =
        ctx.state.store->use_verification_token(identifier, crypto::sha256_hex(token + secret));
    if (!used || used->has_value()) return used;
  }
  return std::optional<VerificationToken>();
}

// Creates the user on first sign-in, else refreshes emailVerified (§4).
Result<User> login_or_register(const Context& ctx, const std::string& email) {
  Store& store = *ctx.state.store;
  auto existing = store.get_user_by_email(email);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    const User& user = **existing;
    // Database strategy: signing in as someone else ends the current session (account switch).
    if (ctx.state.config.session_strategy == SessionStrategy::database) {
      if (auto current = read_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token)) {
        auto current_session = store.get_session_and_user(*current);
        if (current_session && current_session->has_value() &&
            (*current_session)->user.id != user.id) {
          (void)store.delete_session(*current);
        }
      }
    }
    UserUpdate update;
    update.id = user.id;
    update.email_verified = ctx.now();
    return store.update_user(update);
  }
  User fresh;
  fresh.id = crypto::random_uuid();
  fresh.email = email;
  fresh.email_verified = ctx.now();
  return store.create_user(fresh);
}

// Auth.js's Verification redirect plus the address the link was for, so the error page can
// offer a new link with the address filled in. Whoever holds the link already has the address
// (it is in the link), and the error page sends no Referer, so nothing new is disclosed.
Response verification_error(const Context& ctx, const std::string& email) {
  return ctx.redirect(ctx.base_url() + "/error?error=Verification&email=" + form_encode(email));
}

}  // namespace

Response callback(Context& ctx) {
  const EmailProvider* provider = ctx.state.provider(ctx.provider_id);
  if (provider == nullptr) return ctx.error_redirect(ErrorKind::error, "Configuration");

  auto token = ctx.query.find("token");
  if (token == ctx.query.end() || token->second.empty()) {
    return ctx.error_redirect(ErrorKind::error, "Configuration");
  }
  // Auth.js's adapters match on identifier AND token; without an email nothing can match.
  auto email = ctx.query.find("email");
  if (email == ctx.query.end() || email->second.empty()) {
    return ctx.error_redirect(ErrorKind::error, "Verification");
  }

  // Consumed even when expired, like Auth.js, so a leaked expired link cannot be retried.
  auto invite = consume_token(ctx, email->second, token->second);
  if (!invite) {
    ctx.state.log(LogLevel::error, "callback: store failed: " + invite.error().message);
    return ctx.error_redirect(ErrorKind::error, "Configuration");
  }
  if (!invite->has_value() || (*invite)->expires < ctx.now()) {
    return verification_error(ctx, email->second);
  }

  auto user = login_or_register(ctx, (*invite)->identifier);
  if (!user) {
    ctx.state.log(LogLevel::error, "callback: store failed: " + user.error().message);
    return ctx.error_redirect(ErrorKind::error, "Configuration");
  }

  const TimePoint expires = ctx.now() + std::chrono::duration_cast<std::chrono::milliseconds>(
                                            ctx.state.config.session_max_age);
  Response r = ctx.redirect(ctx.callback_url);
  if (ctx.state.config.session_strategy == SessionStrategy::database) {
    Session session{crypto::random_uuid(), user->id, expires};
    auto created = ctx.state.store->create_session(session);
    if (!created) {
      ctx.state.log(LogLevel::error,
                    "callback: could not create the session: " + created.error().message);
      return ctx.error_redirect(ErrorKind::error, "Configuration");
    }
    set_session_cookie(ctx, r, created->session_token, expires);
  } else {
    std::string jwt = ctx.state.jwt_codec(ctx.secure())
                          .encode(user_claims(*user), ctx.now(), ctx.state.config.session_max_age);
    set_session_cookie(ctx, r, jwt, expires);
  }
  ctx.add_init_cookies(r);
  return r;
}

}  // namespace linkgate::core::actions

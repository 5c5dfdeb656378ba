// The end of every email sign-in, after the link or the code was consumed
// (authjs-behaviour.md §1 callback steps 5-8, §4, §5; SPEC C5, C6).
#include "core/actions/sign_in_steps.hpp"
#include "core/hooks.hpp"
#include "core/rate_limit.hpp"
#include "core/session_cookie.hpp"
#include "core/webhook_events.hpp"
#include "crypto/random.hpp"

namespace linkgate::core::actions {

namespace {

// A user written without a session (the JWT strategy), in the shape of one written with one.
Result<SessionAndUser> without_session(Result<User> user) {
  if (!user) return user.error();
  return SessionAndUser{Session{}, std::move(*user)};
}

// Database strategy: a returning user signing in while the browser holds another user's session
// ends that session (account switch).
void end_other_users_session(const Context& ctx, const std::string& user_id) {
  if (ctx.state.config.session_strategy != SessionStrategy::database) return;
  auto current = read_chunked_cookie(ctx.cookies, ctx.cookie_names.session_token);
  if (!current) return;
  Store& store = *ctx.state.store;
  auto current_session = store.get_session_and_user(*current);
  if (current_session && current_session->has_value() && (*current_session)->user.id != user_id) {
    (void)store.delete_session(*current);
  }
}

// The session a sign-in starts in the database strategy (nullopt in the JWT one), and its expiry.
std::optional<Session> new_session(const Context& ctx, TimePoint expires) {
  if (ctx.state.config.session_strategy != SessionStrategy::database) return std::nullopt;
  return Session{crypto::random_uuid(), std::string(), expires};
}

TimePoint session_expiry(const Context& ctx) {
  return ctx.now() +
         std::chrono::duration_cast<std::chrono::milliseconds>(ctx.state.config.session_max_age);
}

// The webhook events of a sign-in that went through a signIn callback (or a one-time code), so
// through the separate steps of login_or_register: written after the user and the session, not
// in their transaction. A failure is logged; the sign-in stands.
void add_sign_in_events(const Context& ctx, const SignInEvents& events, const User& user,
                        bool is_new_user) {
  if (!events.any()) return;
  const std::string data = with_event_user(events.data, user.id, user.email);
  for (auto [type, wanted] : {std::pair{"user.created", events.user_created && is_new_user},
                              std::pair{"session.created", events.session_created}}) {
    if (!wanted) continue;
    if (auto added = ctx.state.store->add_webhook_event(type, data, ctx.now()); !added) {
      ctx.log(LogLevel::error, std::string("callback: could not write the ") + type +
                                   " webhook event: " + added.error().message);
    }
  }
}

void emit_user_written(const Context& ctx, const User& user, bool is_new_user) {
  const Events& events = ctx.state.config.events;
  if (is_new_user) {
    emit_event(ctx.state, "events.createUser", events.create_user, user, ctx.request.id);
  } else {
    emit_event(ctx.state, "events.updateUser", events.update_user, user, ctx.request.id);
  }
}

// Creates the user on first sign-in (with the candidate's id, so the account the callbacks saw
// names it), else refreshes emailVerified (§4), and in the database strategy creates `session`
// for that user in the same store call (both rows or neither). Emits createUser or updateUser
// once the store has answered. Returns the user, and the stored session when one was asked for.
Result<SessionAndUser> login_or_register(const Context& ctx, const User& candidate,
                                         bool is_new_user, const std::optional<Session>& session) {
  Store& store = *ctx.state.store;
  if (!is_new_user) {
    end_other_users_session(ctx, candidate.id);
    UserUpdate update;
    update.id = candidate.id;
    update.email_verified = ctx.now();
    Result<SessionAndUser> updated = session
                                         ? store.update_user_and_create_session(update, *session)
                                         : without_session(store.update_user(update));
    if (updated) emit_user_written(ctx, updated->user, false);
    return updated;
  }
  User fresh = candidate;
  fresh.email_verified = ctx.now();
  Result<SessionAndUser> created = session ? store.create_user_and_session(fresh, *session)
                                           : without_session(store.create_user(fresh));
  if (created) emit_user_written(ctx, created->user, true);
  return created;
}

// The session cookie (database token or JWT), the signIn event and the redirect, once the user
// and any database session are written.
Response finish_sign_in(Context& ctx, const SessionAndUser& written, const Account& account,
                        bool is_new_user, TimePoint expires) {
  const User& user = written.user;
  Response r = ctx.redirect(ctx.callback_url);
  if (ctx.state.config.session_strategy == SessionStrategy::database) {
    set_session_cookie(ctx, r, written.session.session_token, expires);
  } else {
    JwtParams params;
    params.token = user_claims(user);
    params.trigger = is_new_user ? JwtTrigger::sign_up : JwtTrigger::sign_in;
    params.user = &user;
    params.account = &account;
    params.is_new_user = is_new_user;
    auto claims = run_jwt_callback(ctx.state, std::move(params), ctx.request.id);
    if (!claims) return ctx.error_redirect(ErrorKind::error, "Configuration");
    if (claims->has_value()) {
      std::string jwt = ctx.state.jwt_codec(ctx.secure())
                            .encode(**claims, ctx.now(), ctx.state.config.session_max_age);
      set_session_cookie(ctx, r, jwt, expires);
    } else {
      // The jwt callback said no session: whatever session cookie there was goes (§4).
      clear_session_cookie(ctx, r);
    }
  }
  ctx.audit(AuditKind::sign_in_completed, AuditOutcome::success,
            {.email = user.email, .user_id = user.id, .new_user = is_new_user});
  emit_event(ctx.state, "events.signIn", ctx.state.config.events.sign_in,
             SignInEvent{user, account, is_new_user}, ctx.request.id);
  ctx.add_init_cookies(r);
  return r;
}

}  // namespace

bool signs_in_without_decision(const Context& ctx) {
  return !ctx.state.config.callbacks.sign_in && !ctx.state.config.sign_in_hook;
}

Result<RedeemedLink> redeem_link_and_sign_in(Context& ctx, const EmailProvider& provider,
                                             const std::string& identifier,
                                             const std::string& token_hash) {
  const TimePoint expires = session_expiry(ctx);
  User candidate;
  candidate.id = crypto::random_uuid();
  const std::optional<Session> session = new_session(ctx, expires);
  auto redeemed = ctx.state.store->redeem_link(identifier, token_hash, ctx.now(), candidate,
                                               session, sign_in_events(ctx, provider.id, expires));
  if (!redeemed) return redeemed.error();
  RedeemedLink out;
  if (!redeemed->token) return out;
  out.found = true;
  if (redeemed->signed_in) {
    SessionAndUser& written = *redeemed->signed_in;
    if (!redeemed->is_new_user) end_other_users_session(ctx, written.user.id);
    emit_user_written(ctx, written.user, redeemed->is_new_user);
    const Account account = email_account(written.user, provider.id);
    out.signed_in = finish_sign_in(ctx, written, account, redeemed->is_new_user, expires);
  }
  return out;
}

Response complete_sign_in(Context& ctx, const EmailProvider& provider,
                          const std::string& identifier, std::optional<User> stored) {
  // The user as the signIn callback sees it: stored, or a candidate for a new address (§4).
  const bool is_new_user = !stored.has_value();
  User candidate;
  if (is_new_user) {
    candidate.id = crypto::random_uuid();
    candidate.email = identifier;
  } else {
    candidate = std::move(*stored);
  }
  const Account account = email_account(candidate, provider.id);
  // The token is already spent: a denied or redirected sign-in cannot retry the link (§1 step 5).
  if (auto answer = check_sign_in(ctx, candidate, account, false, true)) return std::move(*answer);
  const SignInHookCall call{SignInHookCall::Stage::callback, identifier,
                            is_new_user ? std::nullopt : std::optional<User>(candidate),
                            provider.id, request_client_ip(ctx)};
  if (auto answer = check_sign_in_hook(ctx, call, true)) return std::move(*answer);

  const TimePoint expires = session_expiry(ctx);
  auto written = login_or_register(ctx, candidate, is_new_user, new_session(ctx, expires));
  if (!written) return ctx.store_failed(written.error(), "callback");
  add_sign_in_events(ctx, sign_in_events(ctx, provider.id, expires), written->user, is_new_user);
  return finish_sign_in(ctx, *written, account, is_new_user, expires);
}

}  // namespace linkgate::core::actions

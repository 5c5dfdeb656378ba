// The default sign-in steps of the Store contract (include/linkgate/store.hpp), composed of its
// single-row methods so that a Store written before them keeps working unchanged.
#include "linkgate/store.hpp"

#include "core/webhook_events.hpp"

namespace linkgate {

namespace {

using core::with_event_user;

Error unsupported(const char* what) {
  return Error{"unsupported", std::string("this store keeps no webhook events (") + what + ")"};
}

}  // namespace

Result<bool> Store::verification_token_was_used(const std::string&, const std::string&) {
  return false;
}

Result<std::optional<ConsumedToken>> Store::use_verification_token_and_get_user(
    const std::string& identifier, const std::string& token_hash) {
  auto used = use_verification_token(identifier, token_hash);
  if (!used) return used.error();
  if (!used->has_value()) return std::optional<ConsumedToken>();
  auto user = get_user_by_email((*used)->identifier);
  if (!user) return user.error();
  return std::optional<ConsumedToken>(ConsumedToken{std::move(**used), std::move(*user)});
}

Result<SessionAndUser> Store::create_user_and_session(const User& user, const Session& session) {
  auto created = create_user(user);
  if (!created) return created.error();
  Session mine = session;
  mine.user_id = created->id;
  auto stored = create_session(mine);
  if (!stored) return stored.error();
  return SessionAndUser{std::move(*stored), std::move(*created)};
}

Result<SessionAndUser> Store::update_user_and_create_session(const UserUpdate& update,
                                                             const Session& session) {
  auto updated = update_user(update);
  if (!updated) return updated.error();
  Session mine = session;
  mine.user_id = updated->id;
  auto stored = create_session(mine);
  if (!stored) return stored.error();
  return SessionAndUser{std::move(*stored), std::move(*updated)};
}

Result<LinkRedemption> Store::redeem_link(const std::string& identifier,
                                          const std::string& token_hash, TimePoint now,
                                          const User& new_user,
                                          const std::optional<Session>& session,
                                          const SignInEvents& events) {
  auto consumed = use_verification_token_and_get_user(identifier, token_hash);
  if (!consumed) return consumed.error();
  LinkRedemption out;
  if (!consumed->has_value()) return out;
  out.token = std::move((*consumed)->token);
  if (out.token->expires < now) return out;
  std::optional<User>& stored = (*consumed)->user;
  out.is_new_user = !stored.has_value();
  Result<SessionAndUser> written = Error{"store", "unreachable"};
  if (out.is_new_user) {
    User fresh = new_user;
    fresh.email = out.token->identifier;
    fresh.email_verified = now;
    if (session) {
      written = create_user_and_session(fresh, *session);
    } else if (auto created = create_user(fresh)) {
      written = SessionAndUser{Session{}, std::move(*created)};
    } else {
      written = created.error();
    }
  } else {
    UserUpdate update;
    update.id = stored->id;
    update.email_verified = now;
    if (session) {
      written = update_user_and_create_session(update, *session);
    } else if (auto updated = update_user(update)) {
      written = SessionAndUser{Session{}, std::move(*updated)};
    } else {
      written = updated.error();
    }
  }
  if (!written) return written.error();
  out.signed_in = std::move(*written);
  if (events.any()) {
    const User& user = out.signed_in->user;
    const std::string data = with_event_user(events.data, user.id, user.email);
    if (events.user_created && out.is_new_user) {
      if (auto added = add_webhook_event("user.created", data, now); !added) return added.error();
    }
    if (events.session_created) {
      if (auto added = add_webhook_event("session.created", data, now); !added) {
        return added.error();
      }
    }
  }
  return out;
}

Result<std::optional<Session>> Store::delete_session_with_event(const std::string& session_token,
                                                                TimePoint now,
                                                                const std::string& event_data) {
  auto deleted = delete_session(session_token);
  if (!deleted || !deleted->has_value()) return deleted;
  auto added = add_webhook_event("session.deleted",
                                 with_event_user(event_data, (*deleted)->user_id, ""), now);
  if (!added) return added.error();
  return deleted;
}

Result<std::string> Store::add_webhook_event(const std::string&, const std::string&, TimePoint) {
  return unsupported("add_webhook_event");
}

Result<std::vector<WebhookEvent>> Store::list_webhook_events(bool, int) {
  return unsupported("list_webhook_events");
}

Result<std::vector<User>> Store::list_users(const std::optional<std::string>&, int) {
  return Error{"unsupported", "this store cannot list users"};
}

Result<std::optional<UserDeletion>> Store::delete_user(const std::string&, TimePoint,
                                                       const std::optional<std::string>&) {
  return Error{"unsupported", "this store cannot delete users"};
}

Result<std::int64_t> Store::delete_user_sessions(const std::string&, TimePoint,
                                                 const std::optional<std::string>&) {
  return Error{"unsupported", "this store cannot delete a user's sessions"};
}

Result<std::vector<WebhookEvent>> Store::claim_webhook_events(const std::string&, TimePoint,
                                                              TimePoint, int) {
  return unsupported("claim_webhook_events");
}

Result<bool> Store::mark_webhook_delivered(const std::string&, const std::string&) {
  return unsupported("mark_webhook_delivered");
}

Result<bool> Store::mark_webhook_attempt_failed(const std::string&, const std::string&,
                                                const std::string&, TimePoint) {
  return unsupported("mark_webhook_attempt_failed");
}

Result<bool> Store::mark_webhook_failed(const std::string&, const std::string&,
                                        const std::string&) {
  return unsupported("mark_webhook_failed");
}

Result<std::int64_t> Store::retry_webhook_events(const std::optional<std::string>&, TimePoint) {
  return unsupported("retry_webhook_events");
}

Result<WebhookEventCounts> Store::count_webhook_events() {
  return unsupported("count_webhook_events");
}

Result<std::int64_t> Store::delete_delivered_webhook_events(TimePoint) {
  return unsupported("delete_delivered_webhook_events");
}

}  // namespace linkgate

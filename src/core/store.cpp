// The default sign-in steps of the Store contract (include/linkgate/store.hpp), composed of its
// single-row methods so that a Store written before them keeps working unchanged.
#include "linkgate/store.hpp"

namespace linkgate {

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

}  // namespace linkgate

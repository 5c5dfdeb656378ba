// The Store contract: everything linkgate keeps (users, sessions, verification tokens, the dev
// outbox). Adapters: SQLite (src/store/sqlite) and PostgreSQL (src/store/postgres).
//
// Every method may block on I/O; callers run them off the event loop. Every method is safe to
// call from several threads at once. Expected failures (database unreachable, constraint
// violations) come back as Error values with kind "store" or "unavailable"; no method throws.
//
// Times are UTC with millisecond precision. Ids are strings so that integer (SERIAL) and UUID
// ids fit the same contract.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "linkgate/result.hpp"

namespace linkgate {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::milliseconds>;

struct User {
  std::string id;
  std::optional<std::string> name;
  std::string email;
  std::optional<TimePoint> email_verified;
  std::optional<std::string> image;
};

// A partial update: unset fields keep their stored value.
struct UserUpdate {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<TimePoint> email_verified;
  std::optional<std::string> image;
};

struct Session {
  std::string session_token;
  std::string user_id;
  TimePoint expires;
};

struct SessionAndUser {
  Session session;
  User user;
};

struct VerificationToken {
  std::string identifier;  // the normalized email
  std::string token;  // the HASH of the raw token (sha256hex(token + secret)), never the raw one
  TimePoint expires;
};

// A consumed verification token and the user its identifier names, if any.
struct ConsumedToken {
  VerificationToken token;
  std::optional<User> user;  // what get_user_by_email(token.identifier) returns
};

// What Store::redeem_link did.
struct LinkRedemption {
  std::optional<VerificationToken> token;  // the consumed row; nullopt: none matched
  // Set when the row had not expired: the user signed in (and the session, when one was asked
  // for; else a default Session), and whether the user was created by this call.
  std::optional<SessionAndUser> signed_in;
  bool is_new_user = false;
};

// The webhook events (docs/webhooks.md) a sign-in writes in the transaction of its own writes.
struct SignInEvents {
  bool user_created = false;     // write "user.created" when the sign-in creates its user
  bool session_created = false;  // write "session.created"
  // The JSON object every event of this sign-in carries as its data (never a token, code, cookie
  // or secret); the store adds "user": {"id", "email"} of the user signed in.
  std::string data = "{}";
  bool any() const { return user_created || session_created; }
};

// One event of the webhook outbox.
struct WebhookEvent {
  std::string id;    // the webhook-id, assigned by the store, stable across retries
  std::string type;  // e.g. "user.created"
  std::string data;  // the event's data, a JSON object
  TimePoint created;
  TimePoint next_attempt;                 // when a pending event is next due
  int attempts = 0;                       // deliveries tried so far
  std::string status;                     // "pending", "delivered" or "failed"
  std::optional<std::string> last_error;  // why the last try failed
};

// How many webhook events wait in the outbox (Store::count_webhook_events).
struct WebhookEventCounts {
  std::int64_t pending = 0;  // not delivered yet, retries included (the queue's depth)
  std::int64_t failed = 0;   // kept as failed after the last try (until `webhooks retry`)
};

// A message kept by the dev outbox provider.
struct OutboxMessage {
  std::int64_t id = 0;  // assigned by the store
  TimePoint created_at;
  std::string to;
  std::string from;
  std::string subject;
  std::string text;
  std::string html;
  std::string url;       // the sign-in link carried by the message
  std::string provider;  // provider id
};

// A one-time code (SPEC B3), kept apart from verification tokens (SPEC B4b): its own table, its
// own hash domain. It is bound to its identifier and to the link sent in the same email.
struct OneTimeCode {
  std::string identifier;       // the normalized email
  std::string code_hash;        // keyed hash of the code (never the code itself)
  std::string link_token_hash;  // VerificationToken::token of the link sent beside it
  TimePoint expires;
};

// One fixed rate-limit window of a key: it opens at the key's first hit and lasts its length.
struct RateWindow {
  std::int64_t hits = 0;  // hits in the current window, including the one just counted
  TimePoint resets_at;    // when the current window closes
};

// What Store::delete_user removed with the user.
struct UserDeletion {
  User user;  // the deleted row
  std::int64_t sessions = 0;
  std::int64_t accounts = 0;
  std::int64_t verification_tokens = 0;  // of the user's email
  std::int64_t one_time_codes = 0;       // of the user's email
};

struct SweepCounts {
  std::int64_t verification_tokens = 0;
  std::int64_t sessions = 0;
  std::int64_t one_time_codes = 0;
  std::int64_t rate_windows = 0;
  std::int64_t used_verification_tokens = 0;  // expired tombstones of consumed links
};

class Store {
 public:
  virtual ~Store() = default;

  // Returns the stored user, whose id may differ from user.id (the store assigns ids).
  virtual Result<User> create_user(const User& user) = 0;
  // Returns nullopt when no user has this id.
  virtual Result<std::optional<User>> get_user(const std::string& id) = 0;
  // Exact (case-sensitive) lookup; emails are normalized before they get here.
  virtual Result<std::optional<User>> get_user_by_email(const std::string& email) = 0;
  // Merges the set fields into the stored user and returns the full user.
  // Returns an Error (kind "not_found") when the user does not exist.
  virtual Result<User> update_user(const UserUpdate& update) = 0;

  virtual Result<Session> create_session(const Session& session) = 0;
  // Returns nullopt for an unknown token (expired sessions are returned; callers check expiry).
  virtual Result<std::optional<SessionAndUser>> get_session_and_user(
      const std::string& session_token) = 0;
  virtual Result<void> update_session_expiry(const std::string& session_token,
                                             TimePoint expires) = 0;
  // Returns the deleted session, or nullopt when there was none.
  virtual Result<std::optional<Session>> delete_session(const std::string& session_token) = 0;

  virtual Result<void> create_verification_token(const VerificationToken& token) = 0;
  // Atomically finds AND deletes the row matching both identifier and token hash, and returns it
  // (expired rows too: the caller checks expiry, and the row is gone either way). Of any number of
  // concurrent calls with the same arguments, exactly one gets the row. nullopt when none matched.
  virtual Result<std::optional<VerificationToken>> use_verification_token(
      const std::string& identifier, const std::string& token_hash) = 0;

  // Whether a link with this identifier and token hash was consumed (and its tombstone not swept
  // yet): a store may keep a tombstone of each consumed link. Both bundled stores do: every method
  // that consumes a link writes its identifier, token hash and expiry in the same statement or
  // transaction as the consumption, and delete_expired removes it once expired. A caller asks only
  // after a link was not found (the failure path), to tell a reused link from a forged one; a
  // successful sign-in never calls it. The default returns false (a store that keeps no
  // tombstones): every missing link is then reported as unknown.
  virtual Result<bool> verification_token_was_used(const std::string& identifier,
                                                   const std::string& token_hash);

  // The steps of a sign-in, each in one round trip (one statement or one transaction) where the
  // store can. The defaults below compose the methods above: correct, but neither atomic nor
  // cheaper; both bundled stores override them.

  // use_verification_token, with its guarantees (a row consumed by exactly one caller, expired
  // rows too), then, when a row was consumed, get_user_by_email(identifier) (a plain read, not
  // part of that guarantee). nullopt when no row matched.
  virtual Result<std::optional<ConsumedToken>> use_verification_token_and_get_user(
      const std::string& identifier, const std::string& token_hash);
  // create_user, then a session for the created user, atomically: both rows or neither.
  // session.user_id is ignored (the session names the created user). Returns both as stored.
  virtual Result<SessionAndUser> create_user_and_session(const User& user, const Session& session);
  // update_user, then a session for update.id, atomically: both or neither. session.user_id is
  // ignored. Error{kind "not_found"} (and no session) when the user does not exist.
  virtual Result<SessionAndUser> update_user_and_create_session(const UserUpdate& update,
                                                                const Session& session);
  // A whole magic-link sign-in, for callers with nothing to decide between consuming the link
  // and writing the user (no signIn callback): use_verification_token(identifier, token_hash),
  // with its guarantees; then, only when a row was consumed and its expires >= now, the oldest
  // user whose email is the identifier gets emailVerified = now, or, when there is none,
  // `new_user` is created with email = identifier and emailVerified = now (its id as
  // create_user treats it); then, when `session` is set, that session is created for the user
  // (session.user_id ignored). Everything after the consumption is atomic: the user row and the
  // session, or neither.
  // `events` are written in the same transaction as the user and the session, when the link was
  // live (in the Store default, after them: a store written before webhooks is not atomic here).
  virtual Result<LinkRedemption> redeem_link(const std::string& identifier,
                                             const std::string& token_hash, TimePoint now,
                                             const User& new_user,
                                             const std::optional<Session>& session,
                                             const SignInEvents& events = {});
  // delete_session, and when a session was deleted, a "session.deleted" event with `event_data`
  // (a JSON object) plus "user": {"id"}, in the same transaction (the Store default: after it).
  virtual Result<std::optional<Session>> delete_session_with_event(const std::string& session_token,
                                                                   TimePoint now,
                                                                   const std::string& event_data);

  // Deletes every verification token and one-time code of `identifier` (a new link voids the older
  // ones, SPEC B4). Returns the number of verification tokens deleted.
  virtual Result<std::int64_t> delete_verification_tokens(const std::string& identifier) = 0;

  virtual Result<void> create_one_time_code(const OneTimeCode& code) = 0;
  // One attempt to redeem a code, atomic however many run at once: first counts one attempt
  // against every code of `identifier`, then deletes and returns the code matching `code_hash`
  // if, with this attempt, it has had at most `max_attempts`. Codes that have had more attempts
  // are deleted. Expired codes are returned like verification tokens (the caller checks expiry).
  // nullopt when none matched.
  virtual Result<std::optional<OneTimeCode>> use_one_time_code(const std::string& identifier,
                                                               const std::string& code_hash,
                                                               int max_attempts) = 0;
  // Deletes the code sent beside the link whose hash is `link_token_hash` (the link was used).
  virtual Result<void> delete_one_time_codes_of_link(const std::string& link_token_hash) = 0;

  // Counts one hit against `key` (atomically, across every instance sharing the store). When the
  // key has no open window at `now`, a new one opens at `now` and lasts `window`.
  virtual Result<RateWindow> count_hit(const std::string& key, TimePoint now,
                                       std::chrono::milliseconds window) = 0;

  // Deletes verification tokens, tombstones of consumed links, sessions, one-time codes and rate
  // windows whose expiry (or window end) is before `now`.
  virtual Result<SweepCounts> delete_expired(TimePoint now) = 0;

  // Dev outbox. Returns the id assigned to the message.
  virtual Result<std::int64_t> add_outbox_message(const OutboxMessage& message) = 0;
  // Newest first, at most `limit` messages.
  virtual Result<std::vector<OutboxMessage>> list_outbox_messages(int limit) = 0;

  // The webhook outbox (docs/webhooks.md). The Store defaults answer Error{kind "unsupported"}.
  // Writes a pending event of `type` with `data` (a JSON object), due at `now`; returns its id.
  virtual Result<std::string> add_webhook_event(const std::string& type, const std::string& data,
                                                TimePoint now);
  // Oldest first, at most `limit` events; only failed ones when `failed_only`.
  virtual Result<std::vector<WebhookEvent>> list_webhook_events(bool failed_only, int limit);
  // The sender's side. Of any number of concurrent claimers (threads, or nodes sharing the
  // store), one gets each event: claims at most `limit` pending events due at `now` whose lease is
  // free or expired (a crashed node's claim comes back when it expires), for `owner` until
  // `lease_until`, the earliest due first.
  virtual Result<std::vector<WebhookEvent>> claim_webhook_events(const std::string& owner,
                                                                 TimePoint now,
                                                                 TimePoint lease_until, int limit);
  // The end of one try of event `id` claimed by `owner`: each counts the attempt, sets
  // last_error (delivered: clears it) and releases the lease. Delivered ends the event; a failed
  // attempt makes it due again at `next_attempt`; failed keeps it as failed for good. Each returns
  // false, and changes nothing, when `owner` no longer holds the event (another claimed it after
  // the lease expired, or it is no longer pending).
  virtual Result<bool> mark_webhook_delivered(const std::string& id, const std::string& owner);
  virtual Result<bool> mark_webhook_attempt_failed(const std::string& id, const std::string& owner,
                                                   const std::string& error,
                                                   TimePoint next_attempt);
  virtual Result<bool> mark_webhook_failed(const std::string& id, const std::string& owner,
                                           const std::string& error);
  // Makes event `id` (whatever its status), or with nullopt every failed event, pending and due
  // at `now` with its attempts counted from zero and its lease released. Returns how many
  // events changed (0: no such event).
  virtual Result<std::int64_t> retry_webhook_events(const std::optional<std::string>& id,
                                                    TimePoint now);
  // The queue's depth and the failed events, for monitoring.
  virtual Result<WebhookEventCounts> count_webhook_events();
  // Deletes the delivered events created before `created_before` (pending and failed ones stay
  // whatever their age); returns how many. The sender calls it so that the outbox keeps only
  // LINKGATE_WEBHOOK_RETENTION of delivered history.
  virtual Result<std::int64_t> delete_delivered_webhook_events(TimePoint created_before);

  // Administration (`linkgate users` and `linkgate sessions`, docs/operations.md). The Store
  // defaults answer Error{kind "unsupported"}.
  // Users, oldest first, at most `limit`; only those whose email is `email` (exact) when set.
  virtual Result<std::vector<User>> list_users(const std::optional<std::string>& email, int limit);
  // Deletes, in one transaction, the user `user_id` with its sessions, its accounts, and every
  // verification token, used link's tombstone and one-time code of its email. When
  // `session_event_data` (a JSON object) is set, each deleted session writes a "session.deleted"
  // event with that data plus "user": {"id"}, in the same transaction. nullopt (and nothing
  // deleted) when no user has this id.
  virtual Result<std::optional<UserDeletion>> delete_user(
      const std::string& user_id, TimePoint now,
      const std::optional<std::string>& session_event_data);
  // Deletes every session of `user_id`, with events as delete_user, in one transaction. Returns
  // the number of sessions deleted.
  virtual Result<std::int64_t> delete_user_sessions(
      const std::string& user_id, TimePoint now,
      const std::optional<std::string>& session_event_data);

  // True when every wait of this store's calls can suspend a fiber instead of its thread, so that a
  // server may run them on its event-loop threads (the PostgreSQL store). False, the default, means
  // a call may block its thread, and a server runs it on a worker thread.
  virtual bool waits_on_fibers() const { return false; }
};

}  // namespace linkgate

#include "store/sqlite/sqlite_store.hpp"

#include <tuple>
#include <utility>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/connection_pool.hpp"
#include "store/sqlite/schema.hpp"

namespace linkgate::store {

namespace {

using sqlite::ConnectionPool;
using sqlite::Query;

// A random RFC 4122 version 4 UUID, lowercase, from SQLite's CSPRNG (seeded from the OS).
// `random() & 3` picks the variant nibble 8, 9, a or b.
#define LINKGATE_SQL_UUID_V4                                                                 \
  "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "                \
  "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || " \
  "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"

#define LINKGATE_SQL_USER_COLUMNS R"(id, name, email, "emailVerified", image)"

// An empty id asks the store for a fresh UUID; a given one is kept.
constexpr const char* kCreateUser =
    R"(INSERT INTO users (id, name, email, "emailVerified", image) )"
    "VALUES (coalesce(nullif(?, ''), " LINKGATE_SQL_UUID_V4
    "), ?, ?, ?, ?) "
    "RETURNING " LINKGATE_SQL_USER_COLUMNS;
constexpr const char* kGetUser = "SELECT " LINKGATE_SQL_USER_COLUMNS " FROM users WHERE id = ?";
// users.email is not UNIQUE (as in Auth.js's pg schema); should duplicates exist, the oldest wins.
constexpr const char* kGetUserByEmail =
    "SELECT " LINKGATE_SQL_USER_COLUMNS " FROM users WHERE email = ? ORDER BY rowid LIMIT 1";
// One statement merges and returns the row, so no read-then-write transaction is needed. Unset
// fields bind NULL and keep the stored value (a UserUpdate cannot clear a field).
constexpr const char* kUpdateUser =
    R"(UPDATE users SET name = coalesce(?, name), email = coalesce(?, email), )"
    R"("emailVerified" = coalesce(?, "emailVerified"), image = coalesce(?, image) )"
    "WHERE id = ? RETURNING " LINKGATE_SQL_USER_COLUMNS;

constexpr const char* kCreateSession =
    R"(INSERT INTO sessions ("userId", expires, "sessionToken") VALUES (?, ?, ?))";
constexpr const char* kGetSessionAndUser =
    R"(SELECT s."sessionToken", s."userId", s.expires, )"
    R"(u.id, u.name, u.email, u."emailVerified", u.image )"
    R"(FROM sessions s JOIN users u ON u.id = s."userId" WHERE s."sessionToken" = ?)";
constexpr const char* kUpdateSessionExpiry =
    R"(UPDATE sessions SET expires = ? WHERE "sessionToken" = ?)";
constexpr const char* kDeleteSession =
    R"(DELETE FROM sessions WHERE "sessionToken" = ? RETURNING "sessionToken", "userId", expires)";

constexpr const char* kCreateVerificationToken =
    "INSERT INTO verification_token (identifier, expires, token) VALUES (?, ?, ?)";
// A single DELETE … RETURNING: SQLite runs it under the database write lock, so of concurrent
// callers exactly one deletes (and gets) the row and the others find nothing.
constexpr const char* kUseVerificationToken =
    "DELETE FROM verification_token WHERE identifier = ? AND token = ? "
    "RETURNING identifier, expires, token";

// The tombstone of a consumed link, written in the consuming transaction (SQLite's statements
// cannot both delete and insert), and the read of the failure path.
constexpr const char* kRecordUsedToken =
    "INSERT INTO linkgate_used_verification_token (identifier, token, expires) VALUES (?, ?, ?) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kVerificationTokenWasUsed =
    "SELECT 1 FROM linkgate_used_verification_token WHERE identifier = ? AND token = ?";

constexpr const char* kDeleteTokensOf = "DELETE FROM verification_token WHERE identifier = ?";
constexpr const char* kDeleteUsedTokensOf =
    "DELETE FROM linkgate_used_verification_token WHERE identifier = ?";
constexpr const char* kDeleteCodesOf = "DELETE FROM linkgate_one_time_code WHERE identifier = ?";

constexpr const char* kCreateOneTimeCode =
    "INSERT INTO linkgate_one_time_code (identifier, code_hash, link_token_hash, expires) "
    "VALUES (?, ?, ?, ?)";
// Redeeming a code is two statements in one IMMEDIATE transaction: count the attempt against
// every code of the identifier, then delete the matching code together with every code that has
// used up its attempts. The caller keeps the matching row only if its count is within the limit.
constexpr const char* kCountCodeAttempt =
    "UPDATE linkgate_one_time_code SET attempts = attempts + 1 WHERE identifier = ?";
constexpr const char* kTakeCode =
    "DELETE FROM linkgate_one_time_code WHERE identifier = ? AND (code_hash = ? OR attempts >= ?) "
    "RETURNING identifier, code_hash, link_token_hash, expires, attempts";
constexpr const char* kDeleteCodesOfLink =
    "DELETE FROM linkgate_one_time_code WHERE link_token_hash = ?";

// An open window counts one more hit; a closed one (or none) starts over at this hit. Every SET
// expression reads the row as it was before the update.
constexpr const char* kCountHit =
    "INSERT INTO linkgate_rate_limit (key, hits, resets_at) VALUES (?, 1, ?) "
    "ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN resets_at <= ? THEN 1 ELSE hits + 1 END, "
    "resets_at = CASE WHEN resets_at <= ? THEN excluded.resets_at ELSE resets_at END "
    "RETURNING hits, resets_at";

constexpr const char* kDeleteExpiredTokens = "DELETE FROM verification_token WHERE expires < ?";
constexpr const char* kDeleteExpiredUsedTokens =
    "DELETE FROM linkgate_used_verification_token WHERE expires < ?";
constexpr const char* kDeleteExpiredSessions = "DELETE FROM sessions WHERE expires < ?";
constexpr const char* kDeleteExpiredCodes = "DELETE FROM linkgate_one_time_code WHERE expires < ?";
constexpr const char* kDeleteClosedWindows = "DELETE FROM linkgate_rate_limit WHERE resets_at < ?";

constexpr const char* kAddOutboxMessage =
    R"(INSERT INTO linkgate_outbox (created_at, "to", "from", subject, text, html, url, provider) )"
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kListOutboxMessages =
    R"(SELECT id, created_at, "to", "from", subject, text, html, url, provider )"
    "FROM linkgate_outbox ORDER BY id DESC LIMIT ?";

// The webhook outbox. An event's id (its webhook-id) comes from SQLite's CSPRNG. Its data is the
// caller's JSON object with "user" set by json_patch.
#define LINKGATE_SQL_ADD_EVENT(payload)                                    \
  "INSERT INTO webhook_events (id, type, payload, created, next_attempt) " \
  "VALUES ('msg_' || lower(hex(randomblob(16))), ?, " payload ", ?, ?) RETURNING id"
constexpr const char* kAddWebhookEvent = LINKGATE_SQL_ADD_EVENT("json(?)");
constexpr const char* kAddSignInEvent =
    LINKGATE_SQL_ADD_EVENT("json_patch(?, json_object('user', json_object('id', ?, 'email', ?)))");
constexpr const char* kAddSessionDeletedEvent =
    LINKGATE_SQL_ADD_EVENT("json_patch(?, json_object('user', json_object('id', ?)))");
#undef LINKGATE_SQL_ADD_EVENT
constexpr const char* kListWebhookEvents =
    "SELECT id, type, payload, created, next_attempt, attempts, status, last_error "
    "FROM webhook_events WHERE (? = 0 OR status = 'failed') ORDER BY seq LIMIT ?";
// The sender's claim, one statement (so one write transaction: of concurrent claimers, in this
// process or another, one gets each event). Binds: owner, lease_until, now, now, limit.
constexpr const char* kClaimWebhookEvents =
    "UPDATE webhook_events SET lease_owner = ?, lease_until = ? WHERE seq IN (SELECT seq FROM "
    "webhook_events WHERE status = 'pending' AND next_attempt <= ? AND (lease_until IS NULL OR "
    "lease_until < ?) ORDER BY next_attempt, seq LIMIT ?) "
    "RETURNING id, type, payload, created, next_attempt, attempts, status, last_error";
// The end of a try: a row back only when the owner still held the event. The first binds are
// those of `set`, then the event's id and its owner.
#define LINKGATE_SQL_END_TRY(set)                                                         \
  "UPDATE webhook_events SET attempts = attempts + 1, lease_owner = NULL, lease_until = " \
  "NULL, " set " WHERE id = ? AND lease_owner = ? AND status = 'pending' RETURNING 1"
constexpr const char* kMarkWebhookDelivered =
    LINKGATE_SQL_END_TRY("status = 'delivered', last_error = NULL");
constexpr const char* kMarkWebhookAttemptFailed =
    LINKGATE_SQL_END_TRY("last_error = ?, next_attempt = ?");
constexpr const char* kMarkWebhookFailed =
    LINKGATE_SQL_END_TRY("status = 'failed', last_error = ?");
#undef LINKGATE_SQL_END_TRY
// Binds: now, the event's id (NULL: every failed event), the same again.
constexpr const char* kRetryWebhookEvents =
    "UPDATE webhook_events SET status = 'pending', attempts = 0, next_attempt = ?, "
    "lease_owner = NULL, lease_until = NULL "
    "WHERE (? IS NULL AND status = 'failed') OR id = ? RETURNING 1";
constexpr const char* kCountWebhookEvents =
    "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed') "
    "FROM webhook_events";
constexpr const char* kDeleteDeliveredWebhookEvents =
    "DELETE FROM webhook_events WHERE status = 'delivered' AND created < ? RETURNING 1";

// Administration (store.hpp). A user's session.deleted events are written from its sessions
// before they are deleted, one per session, in session order.
constexpr const char* kListUsers =
    "SELECT " LINKGATE_SQL_USER_COLUMNS
    " FROM users WHERE (? IS NULL OR email = ?) ORDER BY rowid LIMIT ?";
constexpr const char* kAddUserSessionsDeletedEvents =
    "INSERT INTO webhook_events (id, type, payload, created, next_attempt) "
    "SELECT 'msg_' || lower(hex(randomblob(16))), 'session.deleted', "
    "json_patch(?, json_object('user', json_object('id', \"userId\"))), ?, ? "
    "FROM sessions WHERE \"userId\" = ? ORDER BY id";
constexpr const char* kDeleteUserSessions = R"(DELETE FROM sessions WHERE "userId" = ?)";
constexpr const char* kDeleteUserAccounts = R"(DELETE FROM accounts WHERE "userId" = ?)";
constexpr const char* kDeleteUser = "DELETE FROM users WHERE id = ?";

#undef LINKGATE_SQL_USER_COLUMNS
#undef LINKGATE_SQL_UUID_V4

// Reads a user from LINKGATE_SQL_USER_COLUMNS starting at column `first`.
User read_user(const Query& row, int first) {
  return User{
      .id = row.text(first),
      .name = row.optional_text(first + 1),
      .email = row.text(first + 2),
      .email_verified = row.optional_time(first + 3),
      .image = row.optional_text(first + 4),
  };
}

WebhookEvent read_webhook_event(const Query& row) {
  return WebhookEvent{.id = row.text(0),
                      .type = row.text(1),
                      .data = row.text(2),
                      .created = row.time(3),
                      .next_attempt = row.time(4),
                      .attempts = static_cast<int>(row.integer(5)),
                      .status = row.text(6),
                      .last_error = row.optional_text(7)};
}

// Every row `query` yields, as events (columns as read_webhook_event's).
Result<std::vector<WebhookEvent>> read_webhook_events(Query& query) {
  std::vector<WebhookEvent> events;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!*row) return events;
    events.push_back(read_webhook_event(query));
  }
}

Session read_session(const Query& row) {
  return Session{.session_token = row.text(0), .user_id = row.text(1), .expires = row.time(2)};
}

// Steps a statement that yields at most one row, maps that row with `read`, and runs the
// statement to completion so that its changes are committed before the result is returned.
template <class Read>
auto single_row(Query& query, Read read) -> Result<std::optional<decltype(read(query))>> {
  auto row = query.step();
  if (!row) return row.error();
  std::optional<decltype(read(query))> value;
  if (*row) value = read(query);
  if (auto done = query.run(); !done) return done.error();
  return value;
}

// Steps a statement (one with RETURNING) to completion: how many rows it yielded.
Result<std::int64_t> count_rows(Query& query) {
  std::int64_t rows = 0;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!*row) return rows;
    ++rows;
  }
}

// Within a transaction on `db`: runs kUseVerificationToken for the link's identifier and token
// hash, then writes the consumed link's tombstone (kRecordUsedToken). The token it consumed, or
// nullopt when none matched.
Result<std::optional<VerificationToken>> use_token(sqlite::Connection& db,
                                                   const std::string& identifier,
                                                   const std::string& token_hash,
                                                   std::string_view operation) {
  std::optional<VerificationToken> used;
  {
    auto q = db.query(kUseVerificationToken, operation);
    if (!q) return q.error();
    q->bind(identifier).bind(token_hash);
    auto row = single_row(*q, [](const Query& r) {
      return VerificationToken{.identifier = r.text(0), .token = r.text(2), .expires = r.time(1)};
    });
    if (!row) return row.error();
    used = std::move(*row);
  }
  if (!used) return used;
  auto q = db.query(kRecordUsedToken, operation);
  if (!q) return q.error();
  auto done = q->bind(used->identifier).bind(used->token).bind(used->expires).run();
  if (!done) return done.error();
  return used;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, const SqliteOptions& options)
      : pool_(path, options.on_operation) {}

  ConnectionPool& pool() { return pool_; }

  Result<User> create_user(const User& user) override {
    return with_query(kCreateUser, "create_user", [&](Query& q) -> Result<User> {
      q.bind(user.id).bind(user.name).bind(user.email).bind(user.email_verified).bind(user.image);
      auto created = single_row(q, [](const Query& row) { return read_user(row, 0); });
      if (!created) return created.error();
      if (!*created) return sqlite::store_error("create_user", "the insert returned no row");
      return std::move(**created);
    });
  }

  Result<std::optional<User>> get_user(const std::string& id) override {
    return with_query(kGetUser, "get_user", [&](Query& q) {
      q.bind(id);
      return single_row(q, [](const Query& row) { return read_user(row, 0); });
    });
  }

  Result<std::optional<User>> get_user_by_email(const std::string& email) override {
    return with_query(kGetUserByEmail, "get_user_by_email", [&](Query& q) {
      q.bind(email);
      return single_row(q, [](const Query& row) { return read_user(row, 0); });
    });
  }

  Result<User> update_user(const UserUpdate& update) override {
    return with_query(kUpdateUser, "update_user", [&](Query& q) -> Result<User> {
      q.bind(update.name).bind(update.email).bind(update.email_verified).bind(update.image);
      q.bind(update.id);
      auto updated = single_row(q, [](const Query& row) { return read_user(row, 0); });
      if (!updated) return updated.error();
      if (!*updated) return Error{"not_found", "sqlite: update_user: no user has this id"};
      return std::move(**updated);
    });
  }

  Result<Session> create_session(const Session& session) override {
    return with_query(kCreateSession, "create_session", [&](Query& q) -> Result<Session> {
      auto done = q.bind(session.user_id).bind(session.expires).bind(session.session_token).run();
      if (!done) return done.error();
      return session;
    });
  }

  Result<std::optional<SessionAndUser>> get_session_and_user(
      const std::string& session_token) override {
    return with_query(kGetSessionAndUser, "get_session_and_user", [&](Query& q) {
      q.bind(session_token);
      return single_row(q, [](const Query& row) {
        return SessionAndUser{.session = read_session(row), .user = read_user(row, 3)};
      });
    });
  }

  Result<void> update_session_expiry(const std::string& session_token, TimePoint expires) override {
    return with_query(kUpdateSessionExpiry, "update_session_expiry", [&](Query& q) -> Result<void> {
      // An unknown token is not an error, like Auth.js's updateSession.
      auto done = q.bind(expires).bind(session_token).run();
      if (!done) return done.error();
      return {};
    });
  }

  Result<std::optional<Session>> delete_session(const std::string& session_token) override {
    return with_query(kDeleteSession, "delete_session", [&](Query& q) {
      q.bind(session_token);
      return single_row(q, read_session);
    });
  }

  Result<void> create_verification_token(const VerificationToken& token) override {
    return with_query(
        kCreateVerificationToken, "create_verification_token", [&](Query& q) -> Result<void> {
          auto done = q.bind(token.identifier).bind(token.expires).bind(token.token).run();
          if (!done) return done.error();
          return {};
        });
  }

  // One IMMEDIATE transaction: the consumption and its tombstone, or neither.
  Result<std::optional<VerificationToken>> use_verification_token(
      const std::string& identifier, const std::string& token_hash) override {
    constexpr std::string_view kOperation = "use_verification_token";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    auto transaction = sqlite::Transaction::begin(**connection, kOperation);
    if (!transaction) return transaction.error();
    auto used = use_token(**connection, identifier, token_hash, kOperation);
    if (!used) return used.error();
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return used;
  }

  Result<bool> verification_token_was_used(const std::string& identifier,
                                           const std::string& token_hash) override {
    return with_query(kVerificationTokenWasUsed, "verification_token_was_used",
                      [&](Query& q) -> Result<bool> {
                        q.bind(identifier).bind(token_hash);
                        auto row = single_row(q, [](const Query&) { return true; });
                        if (!row) return row.error();
                        return row->has_value();
                      });
  }

  // The link consumed by kUseVerificationToken (one winner, as there) with its tombstone, then
  // its address's user, in one IMMEDIATE transaction on one connection.
  Result<std::optional<ConsumedToken>> use_verification_token_and_get_user(
      const std::string& identifier, const std::string& token_hash) override {
    constexpr std::string_view kOperation = "use_verification_token_and_get_user";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    sqlite::Connection& db = **connection;
    auto transaction = sqlite::Transaction::begin(db, kOperation);
    if (!transaction) return transaction.error();
    std::optional<ConsumedToken> consumed;
    auto used = use_token(db, identifier, token_hash, kOperation);
    if (!used) return used.error();
    if (*used) {
      consumed = ConsumedToken{.token = std::move(**used), .user = std::nullopt};
      auto q = db.query(kGetUserByEmail, kOperation);
      if (!q) return q.error();
      q->bind(consumed->token.identifier);
      auto user = single_row(*q, [](const Query& row) { return read_user(row, 0); });
      if (!user) return user.error();
      consumed->user = std::move(*user);
    }
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return consumed;
  }

  // One IMMEDIATE transaction, one commit: the user and its session, or neither.
  Result<SessionAndUser> create_user_and_session(const User& user,
                                                 const Session& session) override {
    constexpr std::string_view kOperation = "create_user_and_session";
    return with_user_and_session(kOperation, session, [&](sqlite::Connection& db) -> Result<User> {
      auto q = db.query(kCreateUser, kOperation);
      if (!q) return q.error();
      q->bind(user.id).bind(user.name).bind(user.email).bind(user.email_verified).bind(user.image);
      auto created = single_row(*q, [](const Query& row) { return read_user(row, 0); });
      if (!created) return created.error();
      if (!*created) return sqlite::store_error(kOperation, "the insert returned no row");
      return std::move(**created);
    });
  }

  Result<SessionAndUser> update_user_and_create_session(const UserUpdate& update,
                                                        const Session& session) override {
    constexpr std::string_view kOperation = "update_user_and_create_session";
    return with_user_and_session(kOperation, session, [&](sqlite::Connection& db) -> Result<User> {
      auto q = db.query(kUpdateUser, kOperation);
      if (!q) return q.error();
      q->bind(update.name).bind(update.email).bind(update.email_verified).bind(update.image);
      q->bind(update.id);
      auto updated = single_row(*q, [](const Query& row) { return read_user(row, 0); });
      if (!updated) return updated.error();
      if (!*updated) {
        return Error{"not_found", "sqlite: update_user_and_create_session: no user has this id"};
      }
      return std::move(**updated);
    });
  }

  // The whole sign-in, its events included, in one IMMEDIATE transaction: the consumption, the
  // user, the session and the events, or (on a failure) none of them.
  Result<LinkRedemption> redeem_link(const std::string& identifier, const std::string& token_hash,
                                     TimePoint now, const User& new_user,
                                     const std::optional<Session>& session,
                                     const SignInEvents& events) override {
    constexpr std::string_view kOperation = "redeem_link";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    sqlite::Connection& db = **connection;
    auto transaction = sqlite::Transaction::begin(db, kOperation);
    if (!transaction) return transaction.error();
    LinkRedemption out;
    {
      auto used = use_token(db, identifier, token_hash, kOperation);
      if (!used) return used.error();
      out.token = std::move(*used);
    }
    if (out.token && out.token->expires >= now) {
      auto written = write_signed_in_user(db, *out.token, now, new_user, session, out);
      if (!written) return written.error();
      if (auto added = add_sign_in_events(db, events, out, now); !added) return added.error();
    }
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return out;
  }

  Result<std::optional<Session>> delete_session_with_event(const std::string& session_token,
                                                           TimePoint now,
                                                           const std::string& event_data) override {
    constexpr std::string_view kOperation = "delete_session_with_event";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    auto transaction = sqlite::Transaction::begin(**connection, kOperation);
    if (!transaction) return transaction.error();
    std::optional<Session> deleted;
    {
      auto q = (*connection)->query(kDeleteSession, kOperation);
      if (!q) return q.error();
      auto row = single_row(q->bind(session_token), read_session);
      if (!row) return row.error();
      deleted = std::move(*row);
    }
    if (deleted) {
      auto q = (*connection)->query(kAddSessionDeletedEvent, kOperation);
      if (!q) return q.error();
      q->bind(std::string_view("session.deleted")).bind(event_data).bind(deleted->user_id);
      auto id = single_row(q->bind(now).bind(now), [](const Query& row) { return row.text(0); });
      if (!id) return id.error();
    }
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return deleted;
  }

  Result<std::string> add_webhook_event(const std::string& type, const std::string& data,
                                        TimePoint now) override {
    return with_query(kAddWebhookEvent, "add_webhook_event", [&](Query& q) -> Result<std::string> {
      q.bind(type).bind(data).bind(now).bind(now);
      auto id = single_row(q, [](const Query& row) { return row.text(0); });
      if (!id) return id.error();
      if (!*id) return sqlite::store_error("add_webhook_event", "the insert returned no row");
      return std::move(**id);
    });
  }

  Result<std::vector<WebhookEvent>> list_webhook_events(bool failed_only, int limit) override {
    return with_query(kListWebhookEvents, "list_webhook_events",
                      [&](Query& q) -> Result<std::vector<WebhookEvent>> {
                        q.bind(std::int64_t{failed_only ? 1 : 0}).bind(std::int64_t{limit});
                        return read_webhook_events(q);
                      });
  }

  Result<std::vector<WebhookEvent>> claim_webhook_events(const std::string& owner, TimePoint now,
                                                         TimePoint lease_until,
                                                         int limit) override {
    return with_query(kClaimWebhookEvents, "claim_webhook_events",
                      [&](Query& q) -> Result<std::vector<WebhookEvent>> {
                        q.bind(owner).bind(lease_until).bind(now).bind(now);
                        q.bind(std::int64_t{limit});
                        return read_webhook_events(q);
                      });
  }

  Result<bool> mark_webhook_delivered(const std::string& id, const std::string& owner) override {
    return end_try(kMarkWebhookDelivered, "mark_webhook_delivered",
                   [&](Query& q) { q.bind(id).bind(owner); });
  }

  Result<bool> mark_webhook_attempt_failed(const std::string& id, const std::string& owner,
                                           const std::string& error,
                                           TimePoint next_attempt) override {
    return end_try(kMarkWebhookAttemptFailed, "mark_webhook_attempt_failed",
                   [&](Query& q) { q.bind(error).bind(next_attempt).bind(id).bind(owner); });
  }

  Result<bool> mark_webhook_failed(const std::string& id, const std::string& owner,
                                   const std::string& error) override {
    return end_try(kMarkWebhookFailed, "mark_webhook_failed",
                   [&](Query& q) { q.bind(error).bind(id).bind(owner); });
  }

  Result<std::int64_t> retry_webhook_events(const std::optional<std::string>& id,
                                            TimePoint now) override {
    return with_query(kRetryWebhookEvents, "retry_webhook_events", [&](Query& q) {
      q.bind(now).bind(id).bind(id);
      return count_rows(q);
    });
  }

  Result<std::vector<User>> list_users(const std::optional<std::string>& email,
                                       int limit) override {
    if (limit <= 0) return std::vector<User>{};
    return with_query(kListUsers, "list_users", [&](Query& q) -> Result<std::vector<User>> {
      q.bind(email).bind(email).bind(std::int64_t{limit});
      std::vector<User> users;
      for (;;) {
        auto row = q.step();
        if (!row) return row.error();
        if (!*row) break;
        users.push_back(read_user(q, 0));
      }
      return users;
    });
  }

  // One IMMEDIATE transaction: the user's row, sessions (and their events), accounts, and its
  // address's tokens and codes, or nothing.
  Result<std::optional<UserDeletion>> delete_user(
      const std::string& user_id, TimePoint now,
      const std::optional<std::string>& session_event_data) override {
    constexpr std::string_view kOperation = "delete_user";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    sqlite::Connection& db = **connection;
    auto transaction = sqlite::Transaction::begin(db, kOperation);
    if (!transaction) return transaction.error();
    std::optional<UserDeletion> deleted;
    {
      auto q = db.query(kGetUser, kOperation);
      if (!q) return q.error();
      auto user = single_row(q->bind(user_id), [](const Query& row) { return read_user(row, 0); });
      if (!user) return user.error();
      if (!*user) return deleted;
      deleted = UserDeletion{.user = std::move(**user)};
    }
    auto sessions = delete_sessions_of(db, user_id, now, session_event_data, kOperation);
    if (!sessions) return sessions.error();
    deleted->sessions = *sessions;
    const std::string& email = deleted->user.email;
    for (auto [sql, key, count] :
         {std::tuple{kDeleteUserAccounts, &user_id, &deleted->accounts},
          std::tuple{kDeleteTokensOf, &email, &deleted->verification_tokens},
          std::tuple{kDeleteCodesOf, &email, &deleted->one_time_codes},
          std::tuple{kDeleteUsedTokensOf, &email, static_cast<std::int64_t*>(nullptr)},
          std::tuple{kDeleteUser, &user_id, static_cast<std::int64_t*>(nullptr)}}) {
      auto q = db.query(sql, kOperation);
      if (!q) return q.error();
      auto done = q->bind(*key).run();
      if (!done) return done.error();
      if (count) *count = *done;
    }
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return deleted;
  }

  Result<std::int64_t> delete_user_sessions(
      const std::string& user_id, TimePoint now,
      const std::optional<std::string>& session_event_data) override {
    constexpr std::string_view kOperation = "delete_user_sessions";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    auto transaction = sqlite::Transaction::begin(**connection, kOperation);
    if (!transaction) return transaction.error();
    auto deleted = delete_sessions_of(**connection, user_id, now, session_event_data, kOperation);
    if (!deleted) return deleted.error();
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return *deleted;
  }

  Result<std::int64_t> delete_delivered_webhook_events(TimePoint created_before) override {
    return with_query(kDeleteDeliveredWebhookEvents, "delete_delivered_webhook_events",
                      [&](Query& q) {
                        q.bind(created_before);
                        return count_rows(q);
                      });
  }

  Result<WebhookEventCounts> count_webhook_events() override {
    return with_query(
        kCountWebhookEvents, "count_webhook_events", [&](Query& q) -> Result<WebhookEventCounts> {
          auto counts = single_row(q, [](const Query& row) {
            return WebhookEventCounts{.pending = row.integer(0), .failed = row.integer(1)};
          });
          if (!counts) return counts.error();
          return counts->value_or(WebhookEventCounts{});
        });
  }

  Result<std::int64_t> delete_verification_tokens(const std::string& identifier) override {
    constexpr std::string_view kOperation = "delete_verification_tokens";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    auto transaction = sqlite::Transaction::begin(**connection, kOperation);
    if (!transaction) return transaction.error();
    std::int64_t tokens = 0;
    for (auto [sql, count] : {std::pair{kDeleteTokensOf, &tokens},
                              std::pair{kDeleteCodesOf, static_cast<std::int64_t*>(nullptr)}}) {
      auto q = (*connection)->query(sql, kOperation);
      if (!q) return q.error();
      auto deleted = q->bind(identifier).run();
      if (!deleted) return deleted.error();
      if (count) *count = *deleted;
    }
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return tokens;
  }

  Result<void> create_one_time_code(const OneTimeCode& code) override {
    return with_query(kCreateOneTimeCode, "create_one_time_code", [&](Query& q) -> Result<void> {
      q.bind(code.identifier).bind(code.code_hash).bind(code.link_token_hash).bind(code.expires);
      auto done = q.run();
      if (!done) return done.error();
      return {};
    });
  }

  Result<std::optional<OneTimeCode>> use_one_time_code(const std::string& identifier,
                                                       const std::string& code_hash,
                                                       int max_attempts) override {
    constexpr std::string_view kOperation = "use_one_time_code";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    auto transaction = sqlite::Transaction::begin(**connection, kOperation);
    if (!transaction) return transaction.error();
    {
      auto count = (*connection)->query(kCountCodeAttempt, kOperation);
      if (!count) return count.error();
      if (auto done = count->bind(identifier).run(); !done) return done.error();
    }
    std::optional<OneTimeCode> used;
    {
      auto take = (*connection)->query(kTakeCode, kOperation);
      if (!take) return take.error();
      take->bind(identifier).bind(code_hash).bind(std::int64_t{max_attempts});
      for (;;) {
        auto row = take->step();
        if (!row) return row.error();
        if (!*row) break;
        if (take->text(1) == code_hash && take->integer(4) <= max_attempts && !used) {
          used = OneTimeCode{.identifier = take->text(0),
                             .code_hash = take->text(1),
                             .link_token_hash = take->text(2),
                             .expires = take->time(3)};
        }
      }
    }
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return used;
  }

  Result<void> delete_one_time_codes_of_link(const std::string& link_token_hash) override {
    return with_query(kDeleteCodesOfLink, "delete_one_time_codes_of_link",
                      [&](Query& q) -> Result<void> {
                        auto done = q.bind(link_token_hash).run();
                        if (!done) return done.error();
                        return {};
                      });
  }

  Result<RateWindow> count_hit(const std::string& key, TimePoint now,
                               std::chrono::milliseconds window) override {
    return with_query(kCountHit, "count_hit", [&](Query& q) -> Result<RateWindow> {
      const TimePoint resets_at = now + window;
      q.bind(key).bind(resets_at).bind(now).bind(now);
      auto counted = single_row(q, [](const Query& row) {
        return RateWindow{.hits = row.integer(0), .resets_at = row.time(1)};
      });
      if (!counted) return counted.error();
      if (!*counted) return sqlite::store_error("count_hit", "the upsert returned no row");
      return **counted;
    });
  }

  // See check_sqlite_ready.
  Result<void> check_ready() {
    auto connection = pool_.acquire_untimed();
    if (!connection) return connection.error();
    return sqlite::check_schema(**connection);
  }

  Result<SweepCounts> delete_expired(TimePoint now) override {
    constexpr std::string_view kOperation = "delete_expired";
    auto connection = pool_.acquire(kOperation);
    if (!connection) return connection.error();
    // One transaction: one commit for every sweep.
    auto transaction = sqlite::Transaction::begin(**connection, kOperation);
    if (!transaction) return transaction.error();
    SweepCounts counts;
    for (auto [sql, count] :
         {std::pair{kDeleteExpiredTokens, &counts.verification_tokens},
          std::pair{kDeleteExpiredSessions, &counts.sessions},
          std::pair{kDeleteExpiredCodes, &counts.one_time_codes},
          std::pair{kDeleteClosedWindows, &counts.rate_windows},
          std::pair{kDeleteExpiredUsedTokens, &counts.used_verification_tokens}}) {
      auto q = (*connection)->query(sql, kOperation);
      if (!q) return q.error();
      auto deleted = q->bind(now).run();
      if (!deleted) return deleted.error();
      *count = *deleted;
    }
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return counts;
  }

  Result<std::int64_t> add_outbox_message(const OutboxMessage& message) override {
    return with_query(
        kAddOutboxMessage, "add_outbox_message", [&](Query& q) -> Result<std::int64_t> {
          q.bind(message.created_at).bind(message.to).bind(message.from).bind(message.subject);
          q.bind(message.text).bind(message.html).bind(message.url).bind(message.provider);
          auto id = single_row(q, [](const Query& row) { return row.integer(0); });
          if (!id) return id.error();
          if (!*id) return sqlite::store_error("add_outbox_message", "the insert returned no row");
          return **id;
        });
  }

  Result<std::vector<OutboxMessage>> list_outbox_messages(int limit) override {
    if (limit <= 0) return std::vector<OutboxMessage>{};
    return with_query(kListOutboxMessages, "list_outbox_messages",
                      [&](Query& q) -> Result<std::vector<OutboxMessage>> {
                        q.bind(std::int64_t{limit});
                        std::vector<OutboxMessage> messages;
                        for (;;) {
                          auto row = q.step();
                          if (!row) return row.error();
                          if (!*row) break;
                          messages.push_back(OutboxMessage{.id = q.integer(0),
                                                           .created_at = q.time(1),
                                                           .to = q.text(2),
                                                           .from = q.text(3),
                                                           .subject = q.text(4),
                                                           .text = q.text(5),
                                                           .html = q.text(6),
                                                           .url = q.text(7),
                                                           .provider = q.text(8)});
                        }
                        return messages;
                      });
  }

 private:
  // Within redeem_link's transaction: the oldest user of the token's address gets emailVerified =
  // now, or `new_user` is created for it; then `session`, when set, for that user. Fills
  // out.signed_in and out.is_new_user.
  Result<void> write_signed_in_user(sqlite::Connection& db, const VerificationToken& token,
                                    TimePoint now, const User& new_user,
                                    const std::optional<Session>& session, LinkRedemption& out) {
    constexpr std::string_view kOperation = "redeem_link";
    std::optional<User> stored;
    {
      auto q = db.query(kGetUserByEmail, kOperation);
      if (!q) return q.error();
      auto found =
          single_row(q->bind(token.identifier), [](const Query& row) { return read_user(row, 0); });
      if (!found) return found.error();
      stored = std::move(*found);
    }
    out.is_new_user = !stored;
    auto q = db.query(out.is_new_user ? kCreateUser : kUpdateUser, kOperation);
    if (!q) return q.error();
    if (out.is_new_user) {
      q->bind(new_user.id).bind(new_user.name).bind(token.identifier).bind(now);
      q->bind(new_user.image);
    } else {
      q->bind_null().bind_null().bind(now).bind_null().bind(stored->id);
    }
    auto user = single_row(*q, [](const Query& row) { return read_user(row, 0); });
    if (!user) return user.error();
    if (!*user) return sqlite::store_error(kOperation, "the user write returned no row");
    out.signed_in = SessionAndUser{Session{}, std::move(**user)};
    if (session) {
      Session& mine = out.signed_in->session;
      mine = Session{.session_token = session->session_token,
                     .user_id = out.signed_in->user.id,
                     .expires = session->expires};
      auto s = db.query(kCreateSession, kOperation);
      if (!s) return s.error();
      auto done = s->bind(mine.user_id).bind(mine.expires).bind(mine.session_token).run();
      if (!done) return done.error();
    }
    return {};
  }

  // Within redeem_link's transaction: the events `events` asks for, of the sign-in `out`.
  Result<void> add_sign_in_events(sqlite::Connection& db, const SignInEvents& events,
                                  const LinkRedemption& out, TimePoint now) {
    const User& user = out.signed_in->user;
    for (auto [type, wanted] : {std::pair{"user.created", events.user_created && out.is_new_user},
                                std::pair{"session.created", events.session_created}}) {
      if (!wanted) continue;
      auto q = db.query(kAddSignInEvent, "redeem_link");
      if (!q) return q.error();
      q->bind(std::string_view(type)).bind(events.data).bind(user.id).bind(user.email);
      auto id = single_row(q->bind(now).bind(now), [](const Query& row) { return row.text(0); });
      if (!id) return id.error();
    }
    return {};
  }

  // Within a transaction: the session.deleted events of `user_id`'s sessions (when
  // `event_data` is set), then the sessions. Returns how many sessions were deleted.
  static Result<std::int64_t> delete_sessions_of(sqlite::Connection& db, const std::string& user_id,
                                                 TimePoint now,
                                                 const std::optional<std::string>& event_data,
                                                 std::string_view operation) {
    if (event_data) {
      auto q = db.query(kAddUserSessionsDeletedEvents, operation);
      if (!q) return q.error();
      auto added = q->bind(*event_data).bind(now).bind(now).bind(user_id).run();
      if (!added) return added.error();
    }
    auto q = db.query(kDeleteUserSessions, operation);
    if (!q) return q.error();
    return q->bind(user_id).run();
  }

  // In one IMMEDIATE transaction: `write_user` (which returns the stored user), then `session`
  // for that user. Commits only when both succeeded.
  template <class WriteUser>
  Result<SessionAndUser> with_user_and_session(std::string_view operation, const Session& session,
                                               WriteUser write_user) {
    auto connection = pool_.acquire(operation);
    if (!connection) return connection.error();
    auto transaction = sqlite::Transaction::begin(**connection, operation);
    if (!transaction) return transaction.error();
    auto user = write_user(**connection);
    if (!user) return user.error();
    SessionAndUser written{.session = Session{.session_token = session.session_token,
                                              .user_id = user->id,
                                              .expires = session.expires},
                           .user = std::move(*user)};
    {
      auto q = (*connection)->query(kCreateSession, operation);
      if (!q) return q.error();
      q->bind(written.session.user_id).bind(written.session.expires);
      auto done = q->bind(written.session.session_token).run();
      if (!done) return done.error();
    }
    if (auto ok = (*transaction)->commit(); !ok) return ok.error();
    return written;
  }

  // One of the statements that end a try, its parameters bound by `bind`: true when it changed
  // the row.
  template <class Bind>
  Result<bool> end_try(const char* sql, std::string_view operation, Bind bind) {
    return with_query(sql, operation, [&](Query& q) -> Result<bool> {
      bind(q);
      auto changed = single_row(q, [](const Query&) { return true; });
      if (!changed) return changed.error();
      return changed->has_value();
    });
  }

  // Runs `body` on a Query for `sql`, on a connection of this caller's own.
  template <class Body>
  auto with_query(const char* sql, std::string_view operation, Body body)
      -> decltype(body(std::declval<Query&>())) {
    auto connection = pool_.acquire(operation);
    if (!connection) return connection.error();
    auto q = (*connection)->query(sql, operation);
    if (!q) return q.error();
    return body(*q);
  }

  ConnectionPool pool_;
};

}  // namespace

Result<std::shared_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteOptions& options) {
  // Every connection of the pool opens the same file; an in-memory database would be a different,
  // empty one per connection (and cannot use WAL).
  if (path.empty() || path == ":memory:" || path.starts_with("file::memory:")) {
    return Error{"invalid_input", "sqlite: the database must be a file path, not in-memory"};
  }
  auto store = std::make_shared<SqliteStore>(path, options);
  {
    auto connection = store->pool().acquire_untimed();
    if (!connection) return connection.error();
    auto applied = sqlite::apply_schema(**connection, sqlite::SchemaPolicy::create_if_new);
    if (!applied) return applied.error();
  }
  return std::shared_ptr<Store>(std::move(store));
}

Result<std::vector<std::string>> migrate_sqlite(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file::memory:")) {
    return Error{"invalid_input", "sqlite: the database must be a file path, not in-memory"};
  }
  auto connection = sqlite::Connection::open(path);
  if (!connection) return connection.error();
  return sqlite::apply_schema(**connection, sqlite::SchemaPolicy::migrate);
}

std::optional<Result<void>> check_sqlite_ready(Store& store) {
  auto* sqlite_store = dynamic_cast<SqliteStore*>(&store);
  if (sqlite_store == nullptr) return std::nullopt;
  return sqlite_store->check_ready();
}

}  // namespace linkgate::store

#include "store/postgres/postgres_store.hpp"

#include <charconv>
#include <limits>
#include <type_traits>
#include <utility>

#include "io/batcher.hpp"
#include "store/postgres/batched_statements.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/connection_pool.hpp"
#include "store/postgres/schema.hpp"

namespace linkgate::store {

namespace {

using postgres::Connection;
using postgres::ConnectionPool;
using postgres::LinkRedemptionCall;
using postgres::Params;
using postgres::Rows;
using postgres::SessionLookupCall;
using postgres::Statement;
using postgres::TokenInsertCall;

// Times are read as integer milliseconds since the Unix epoch (extract gives an exact numeric).
#define LINKGATE_MS(column) "(extract(epoch FROM " column ") * 1000)::bigint"
#define LINKGATE_USER_COLUMNS "id::text, name, email, " LINKGATE_MS("\"emailVerified\"") ", image"

// users.id is SERIAL: the id of the input is ignored, like Auth.js's pg adapter does.
constexpr Statement kCreateUser{
    "lg_create_user", R"(INSERT INTO users (name, email, "emailVerified", image) )"
                      "VALUES ($1, $2, $3::timestamptz, $4) RETURNING " LINKGATE_USER_COLUMNS};
constexpr Statement kGetUser{"lg_get_user",
                             "SELECT " LINKGATE_USER_COLUMNS " FROM users WHERE id = $1::integer"};
// users.email is not UNIQUE in Auth.js's schema; should duplicates exist, the oldest wins.
constexpr Statement kGetUserByEmail{"lg_get_user_by_email",
                                    "SELECT " LINKGATE_USER_COLUMNS
                                    " FROM users WHERE email = $1 ORDER BY id LIMIT 1"};
// One statement merges and returns the row. Unset fields bind NULL and keep the stored value.
constexpr Statement kUpdateUser{
    "lg_update_user",
    R"(UPDATE users SET name = coalesce($1, name), email = coalesce($2, email), )"
    R"("emailVerified" = coalesce($3::timestamptz, "emailVerified"), )"
    "image = coalesce($4, image) WHERE id = $5::integer RETURNING " LINKGATE_USER_COLUMNS};

constexpr Statement kCreateSession{"lg_create_session",
                                   R"(INSERT INTO sessions ("userId", expires, "sessionToken") )"
                                   "VALUES ($1::integer, $2::timestamptz, $3)"};
constexpr Statement kGetSessionAndUser{
    "lg_get_session_and_user",
    R"(SELECT s."sessionToken", s."userId"::text, )" LINKGATE_MS("s.expires") ", "
    R"(u.id::text, u.name, u.email, )" LINKGATE_MS("u.\"emailVerified\"") ", u.image "
    R"(FROM sessions s JOIN users u ON u.id = s."userId" WHERE s."sessionToken" = $1)"};
constexpr Statement kUpdateSessionExpiry{
    "lg_update_session_expiry",
    R"(UPDATE sessions SET expires = $1::timestamptz WHERE "sessionToken" = $2)"};
constexpr Statement kDeleteSession{
    "lg_delete_session", R"(DELETE FROM sessions WHERE "sessionToken" = $1 )"
                         R"(RETURNING "sessionToken", "userId"::text, )" LINKGATE_MS("expires")};

constexpr Statement kCreateVerificationToken{
    "lg_create_verification_token",
    "INSERT INTO verification_token (identifier, expires, token) "
    "VALUES ($1, $2::timestamptz, $3)"};
// The statement Auth.js's pg adapter runs (§8): a single DELETE … RETURNING, so of concurrent
// callers exactly one deletes (and gets) the row; the others wait for its row lock, then find the
// row gone.
constexpr Statement kUseVerificationToken{
    "lg_use_verification_token",
    "WITH t AS (DELETE FROM verification_token WHERE identifier = $1 AND token = $2 "
    "RETURNING identifier, expires, token), " LINKGATE_RECORD_USED_TOKENS(
        "t") " SELECT identifier, " LINKGATE_MS("expires") ", token FROM t"};

// Whether a consumed link's tombstone is there (Store::verification_token_was_used); asked only
// on the failure path, after a link was not found.
constexpr Statement kVerificationTokenWasUsed{
    "lg_verification_token_was_used",
    "SELECT 1 FROM linkgate_used_verification_token WHERE identifier = $1 AND token = $2"};

// The sign-in steps (store.hpp), each one statement and so one round trip and one transaction.
// Consuming a link reads its address's user in the same statement: kUseVerificationToken's
// DELETE … RETURNING (one winner among concurrent callers), then kGetUserByEmail's lookup.
constexpr Statement kUseVerificationTokenAndGetUser{
    "lg_use_verification_token_and_get_user",
    "WITH t AS (DELETE FROM verification_token WHERE identifier = $1 AND token = $2 "
    "RETURNING identifier, expires, token), " LINKGATE_RECORD_USED_TOKENS("t")
    " SELECT t.identifier, " LINKGATE_MS("t.expires") ", t.token, u.id::text, u.name, u.email, "
    LINKGATE_MS("u.\"emailVerified\"") ", u.image FROM t LEFT JOIN "
    "(SELECT * FROM users WHERE email = $1 ORDER BY id LIMIT 1) u ON true"};
// A data-modifying WITH runs to completion even though the outer SELECT does not read it, and
// the statement is one transaction: the user and its session are written together or not at all.
constexpr Statement kCreateUserAndSession{
    "lg_create_user_and_session",
    R"(WITH u AS (INSERT INTO users (name, email, "emailVerified", image) )"
    R"(VALUES ($1, $2, $3::timestamptz, $4) RETURNING *), )"
    R"(s AS (INSERT INTO sessions ("userId", expires, "sessionToken") )"
    "SELECT id, $5::timestamptz, $6 FROM u) "
    "SELECT " LINKGATE_USER_COLUMNS " FROM u"};
// No row (and so no session) when the user does not exist.
constexpr Statement kUpdateUserAndCreateSession{
    "lg_update_user_and_create_session",
    R"(WITH u AS (UPDATE users SET name = coalesce($1, name), email = coalesce($2, email), )"
    R"("emailVerified" = coalesce($3::timestamptz, "emailVerified"), )"
    "image = coalesce($4, image) WHERE id = $5::integer RETURNING *), "
    R"(s AS (INSERT INTO sessions ("userId", expires, "sessionToken") )"
    "SELECT id, $6::timestamptz, $7 FROM u) "
    "SELECT " LINKGATE_USER_COLUMNS " FROM u"};
// A whole magic-link sign-in (Store::redeem_link) in one statement, so one transaction: every
// part sees the same snapshot, so `found` and `updated` agree, and `created` runs only when no
// user has the address. Nothing but the consumption happens for an expired row. The session is
// skipped when its token ($7) is NULL. The outer row: the consumed token, then whether the user
// is new and the user (both NULL when the row had expired).
constexpr Statement kRedeemLink{
    "lg_redeem_link",
    "WITH t AS (DELETE FROM verification_token WHERE identifier = $1 AND token = $2 "
    "RETURNING identifier, expires, token), " LINKGATE_RECORD_USED_TOKENS("t") ", "
    "live AS (SELECT identifier FROM t WHERE expires >= $3::timestamptz), "
    "found AS (SELECT id FROM users WHERE email = $1 AND EXISTS (SELECT 1 FROM live) "
    "ORDER BY id LIMIT 1), "
    R"(updated AS (UPDATE users SET "emailVerified" = $3::timestamptz )"
    "WHERE id = (SELECT id FROM found) RETURNING *), "
    R"(created AS (INSERT INTO users (name, email, "emailVerified", image) )"
    "SELECT $4, identifier, $3::timestamptz, $5 FROM live "
    "WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING *), "
    "u AS (SELECT *, false AS is_new FROM updated UNION ALL SELECT *, true FROM created), "
    R"(s AS (INSERT INTO sessions ("userId", expires, "sessionToken") )"
    "SELECT id, $6::timestamptz, $7::text FROM u WHERE $7::text IS NOT NULL), "
    "e AS (INSERT INTO webhook_events (id, type, payload, created, next_attempt) "
    "SELECT " LINKGATE_WEBHOOK_EVENT_ID ", x.type, " LINKGATE_WEBHOOK_EVENT_DATA("$10::jsonb")
    ", $3::timestamptz, $3::timestamptz FROM u CROSS JOIN LATERAL (VALUES "
    "('user.created', $8::boolean AND u.is_new, 1), ('session.created', $9::boolean, 2)) "
    "x(type, wanted, ord) WHERE x.wanted ORDER BY x.ord) "
    "SELECT t.identifier, " LINKGATE_MS("t.expires") ", t.token, u.is_new, u.id::text, u.name, "
    "u.email, " LINKGATE_MS("u.\"emailVerified\"") ", u.image FROM t LEFT JOIN u ON true"};

// A session and its "session.deleted" event, in one statement (one transaction).
constexpr Statement kDeleteSessionWithEvent{
    "lg_delete_session_with_event",
    R"(WITH d AS (DELETE FROM sessions WHERE "sessionToken" = $1 )"
    R"(RETURNING "sessionToken", "userId", expires), )"
    "e AS (INSERT INTO webhook_events (id, type, payload, created, next_attempt) "
    "SELECT " LINKGATE_WEBHOOK_EVENT_ID
    ", 'session.deleted', "
    R"(($3::jsonb || jsonb_build_object('user', jsonb_build_object('id', d."userId"::text)))::text, )"
    R"($2::timestamptz, $2::timestamptz FROM d) )"
    R"(SELECT "sessionToken", "userId"::text, )" LINKGATE_MS("expires") " FROM d"};

constexpr Statement kAddWebhookEvent{
    "lg_add_webhook_event",
    "INSERT INTO webhook_events (id, type, payload, created, next_attempt) "
    "VALUES (" LINKGATE_WEBHOOK_EVENT_ID
    ", $1, $2::jsonb::text, $3::timestamptz, $3::timestamptz) "
    "RETURNING id"};
constexpr Statement kListWebhookEvents{
    "lg_list_webhook_events",
    "SELECT id, type, payload, " LINKGATE_MS("created") ", " LINKGATE_MS("next_attempt")
    ", attempts, status, last_error FROM webhook_events "
    "WHERE NOT $1::boolean OR status = 'failed' ORDER BY seq LIMIT $2::integer"};
// The sender's claim: FOR UPDATE SKIP LOCKED lets concurrent claimers (on any node) pass over
// the rows another is claiming, and the re-check of the locked row's lease under READ COMMITTED
// keeps a row just claimed by another from being claimed again.
constexpr Statement kClaimWebhookEvents{
    "lg_claim_webhook_events",
    "UPDATE webhook_events SET lease_owner = $1, lease_until = $3::timestamptz "
    "WHERE seq IN (SELECT seq FROM webhook_events WHERE status = 'pending' "
    "AND next_attempt <= $2::timestamptz AND (lease_until IS NULL OR lease_until < "
    "$2::timestamptz) "
    "ORDER BY next_attempt, seq LIMIT $4::integer FOR UPDATE SKIP LOCKED) "
    "RETURNING id, type, payload, " LINKGATE_MS("created") ", " LINKGATE_MS(
        "next_attempt") ", attempts, status, last_error"};
// The end of a try ($1 the event, $2 its owner): a row back only when the owner still held it.
#define LINKGATE_SQL_END_TRY(set)                                           \
  "UPDATE webhook_events SET attempts = attempts + 1, lease_owner = NULL, " \
  "lease_until = NULL, " set                                                \
  " WHERE id = $1 AND lease_owner = $2 AND status = 'pending' "             \
  "RETURNING 1"
constexpr Statement kMarkWebhookDelivered{
    "lg_mark_webhook_delivered", LINKGATE_SQL_END_TRY("status = 'delivered', last_error = NULL")};
constexpr Statement kMarkWebhookAttemptFailed{
    "lg_mark_webhook_attempt_failed",
    LINKGATE_SQL_END_TRY("last_error = $3, next_attempt = $4::timestamptz")};
constexpr Statement kMarkWebhookFailed{"lg_mark_webhook_failed",
                                       LINKGATE_SQL_END_TRY("status = 'failed', last_error = $3")};
#undef LINKGATE_SQL_END_TRY
// $1 NULL: every failed event.
constexpr Statement kRetryWebhookEvents{
    "lg_retry_webhook_events",
    "UPDATE webhook_events SET status = 'pending', attempts = 0, next_attempt = $2::timestamptz, "
    "lease_owner = NULL, lease_until = NULL "
    "WHERE ($1::text IS NULL AND status = 'failed') OR id = $1::text"};
constexpr Statement kCountWebhookEvents{
    "lg_count_webhook_events",
    "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed') "
    "FROM webhook_events"};
constexpr Statement kDeleteDeliveredWebhookEvents{
    "lg_delete_delivered_webhook_events",
    "DELETE FROM webhook_events WHERE status = 'delivered' AND created < $1::timestamptz"};

// An identifier's links and codes, in one statement (one transaction).
constexpr Statement kDeleteVerificationTokens{
    "lg_delete_verification_tokens",
    "WITH tokens AS (DELETE FROM verification_token WHERE identifier = $1 RETURNING 1), "
    "codes AS (DELETE FROM linkgate_one_time_code WHERE identifier = $1 RETURNING 1) "
    "SELECT (SELECT count(*) FROM tokens), (SELECT count(*) FROM codes)"};

constexpr Statement kCreateOneTimeCode{
    "lg_create_one_time_code",
    "INSERT INTO linkgate_one_time_code (identifier, code_hash, link_token_hash, expires) "
    "VALUES ($1, $2, $3, $4::timestamptz)"};
// Redeeming a code is one transaction of two statements: count the attempt against every code
// of the identifier (which locks those rows until commit, so concurrent attempts on one code run
// one after the other), then delete the matching code together with every code that has used up
// its attempts.
constexpr Statement kCountCodeAttempt{
    "lg_count_code_attempt",
    "UPDATE linkgate_one_time_code SET attempts = attempts + 1 WHERE identifier = $1"};
constexpr Statement kTakeCode{
    "lg_take_code",
    "DELETE FROM linkgate_one_time_code "
    "WHERE identifier = $1 AND (code_hash = $2 OR attempts >= $3::integer) "
    "RETURNING identifier, code_hash, link_token_hash, " LINKGATE_MS("expires") ", attempts"};
constexpr Statement kDeleteCodesOfLink{
    "lg_delete_codes_of_link", "DELETE FROM linkgate_one_time_code WHERE link_token_hash = $1"};

// An open window counts one more hit; a closed one (or none) starts over at this hit. Every SET
// expression reads the row as it was before the update; the upsert is atomic across nodes.
constexpr Statement kCountHit{
    "lg_count_hit",
    "INSERT INTO linkgate_rate_limit AS r (key, hits, resets_at) "
    "VALUES ($1, 1, $2::timestamptz) ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN r.resets_at <= $3::timestamptz THEN 1 ELSE r.hits + 1 END, "
    "resets_at = CASE WHEN r.resets_at <= $3::timestamptz THEN excluded.resets_at "
    "ELSE r.resets_at END "
    "RETURNING hits, " LINKGATE_MS("resets_at")};

// Every sweep in one statement, hence one transaction.
constexpr Statement kDeleteExpired{
    "lg_delete_expired",
    "WITH tokens AS (DELETE FROM verification_token WHERE expires < $1::timestamptz RETURNING 1), "
    "tombstones AS (DELETE FROM linkgate_used_verification_token WHERE expires < $1::timestamptz "
    "RETURNING 1), "
    "swept_sessions AS (DELETE FROM sessions WHERE expires < $1::timestamptz RETURNING 1), "
    "codes AS (DELETE FROM linkgate_one_time_code WHERE expires < $1::timestamptz RETURNING 1), "
    "windows AS (DELETE FROM linkgate_rate_limit WHERE resets_at < $1::timestamptz RETURNING 1) "
    "SELECT (SELECT count(*) FROM tokens), (SELECT count(*) FROM swept_sessions), "
    "(SELECT count(*) FROM codes), (SELECT count(*) FROM windows), "
    "(SELECT count(*) FROM tombstones)"};

constexpr Statement kAddOutboxMessage{
    "lg_add_outbox_message",
    R"(INSERT INTO linkgate_outbox (created_at, "to", "from", subject, text, html, url, provider) )"
    "VALUES ($1::timestamptz, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
constexpr Statement kListOutboxMessages{
    "lg_list_outbox_messages",
    "SELECT id, " LINKGATE_MS(
        "created_at") R"(, "to", "from", subject, text, html, url, provider )"
                      "FROM linkgate_outbox ORDER BY id DESC LIMIT $1::integer"};

// Administration (store.hpp), each one statement (one transaction). The session.deleted events
// of the sessions in `s` (when $3, the event data, is not NULL), in session order; $2 is now.
#define LINKGATE_SESSIONS_DELETED_EVENTS                                         \
  "e AS (INSERT INTO webhook_events (id, type, payload, created, next_attempt) " \
  "SELECT " LINKGATE_WEBHOOK_EVENT_ID                                            \
  ", 'session.deleted', "                                                        \
  "($3::jsonb || jsonb_build_object('user', jsonb_build_object('id', "           \
  "s.\"userId\"::text)))::text, "                                                \
  "$2::timestamptz, $2::timestamptz FROM s WHERE $3::jsonb IS NOT NULL ORDER BY s.id)"
constexpr Statement kListUsers{"lg_list_users",
                               "SELECT " LINKGATE_USER_COLUMNS
                               " FROM users WHERE $1::text IS NULL OR email = $1::text "
                               "ORDER BY id LIMIT $2::integer"};
constexpr Statement kDeleteUser{
    "lg_delete_user",
    "WITH u AS (DELETE FROM users WHERE id = $1::integer RETURNING *), "
    R"(s AS (DELETE FROM sessions WHERE "userId" IN (SELECT id FROM u) RETURNING id, "userId"), )" LINKGATE_SESSIONS_DELETED_EVENTS
    R"(, a AS (DELETE FROM accounts WHERE "userId" IN (SELECT id FROM u) RETURNING 1), )"
    "t AS (DELETE FROM verification_token WHERE identifier IN (SELECT email FROM u) RETURNING 1), "
    "used AS (DELETE FROM linkgate_used_verification_token "
    "WHERE identifier IN (SELECT email FROM u)), "
    "c AS (DELETE FROM linkgate_one_time_code WHERE identifier IN (SELECT email FROM u) "
    "RETURNING 1) "
    "SELECT " LINKGATE_USER_COLUMNS
    ", (SELECT count(*) FROM s), (SELECT count(*) FROM a), "
    "(SELECT count(*) FROM t), (SELECT count(*) FROM c) FROM u"};
constexpr Statement kDeleteUserSessions{
    "lg_delete_user_sessions",
    R"(WITH s AS (DELETE FROM sessions WHERE "userId" = $1::integer RETURNING id, "userId"), )" LINKGATE_SESSIONS_DELETED_EVENTS
    " SELECT count(*) FROM s"};
#undef LINKGATE_SESSIONS_DELETED_EVENTS

#undef LINKGATE_USER_COLUMNS
#undef LINKGATE_MS

// users.id and sessions."userId" are INTEGER: an id that is not one (a UUID minted by another
// store, say) names no user here.
std::optional<std::int64_t> parse_id(const std::string& id) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (id.empty() || ec != std::errc() || end != id.data() + id.size() || value < 1 ||
      value > std::numeric_limits<std::int32_t>::max()) {
    return std::nullopt;
  }
  return value;
}

User read_user(const Rows& rows, int row, int first) {
  return User{
      .id = rows.text(row, first),
      .name = rows.optional_text(row, first + 1),
      .email = rows.text(row, first + 2),
      .email_verified = rows.optional_time(row, first + 3),
      .image = rows.optional_text(row, first + 4),
  };
}

// A session's token, user id and expires, from column `first`.
// Events selected as id, type, payload, created, next_attempt, attempts, status, last_error.
std::vector<WebhookEvent> read_webhook_events(const Rows& rows) {
  std::vector<WebhookEvent> events;
  for (int i = 0; i < rows.size(); ++i) {
    events.push_back(WebhookEvent{.id = rows.text(i, 0),
                                  .type = rows.text(i, 1),
                                  .data = rows.text(i, 2),
                                  .created = rows.time(i, 3),
                                  .next_attempt = rows.time(i, 4),
                                  .attempts = static_cast<int>(rows.integer(i, 5)),
                                  .status = rows.text(i, 6),
                                  .last_error = rows.optional_text(i, 7)});
  }
  return events;
}

Session read_session(const Rows& rows, int row, int first = 0) {
  return Session{.session_token = rows.text(row, first),
                 .user_id = rows.text(row, first + 1),
                 .expires = rows.time(row, first + 2)};
}

// The first row mapped with `read`, or nullopt when there is none.
template <class Read>
using RowOf = std::invoke_result_t<Read, const Rows&, int>;

template <class Read>
Result<std::optional<RowOf<Read>>> first_row(Result<Rows> rows, Read read) {
  if (!rows) return rows.error();
  if (rows->size() == 0) return std::optional<RowOf<Read>>();
  return std::optional<RowOf<Read>>(read(*rows, 0));
}

class PostgresStore final : public Store {
 public:
  PostgresStore(postgres::ConnectSettings settings, const PostgresOptions& options)
      : pool_(std::move(settings), options.pool_size, options.acquire_wait),
        on_statement_(options.on_statement),
        redemptions_(options.batches, options.batch_size, postgres::conflicting_redemptions),
        token_inserts_(options.batches, options.batch_size, postgres::conflicting_token_inserts),
        session_lookups_(options.batches, options.batch_size,
                         [](const SessionLookupCall&, const SessionLookupCall&) { return false; }) {
  }

  ConnectionPool& pool() { return pool_; }

  // Every wait is a connection's socket, the pool or a batch of other callers (io/waiter.hpp);
  // host names are looked up on a thread of their own while the caller waits
  // (host_resolution.hpp).
  bool waits_on_fibers() const override { return true; }

  Result<User> create_user(const User& user) override {
    auto created = run(kCreateUser, "create_user",
                       Params()
                           .optional_text(user.name)
                           .text(user.email)
                           .optional_time(user.email_verified)
                           .optional_text(user.image),
                       read_user_row);
    if (!created) return created.error();
    if (!*created) return error("create_user", "the insert returned no row");
    return std::move(**created);
  }

  Result<std::optional<User>> get_user(const std::string& id) override {
    auto number = parse_id(id);
    if (!number) return std::optional<User>();
    return run(kGetUser, "get_user", Params().integer(*number), read_user_row);
  }

  Result<std::optional<User>> get_user_by_email(const std::string& email) override {
    return run(kGetUserByEmail, "get_user_by_email", Params().text(email), read_user_row);
  }

  Result<User> update_user(const UserUpdate& update) override {
    auto number = parse_id(update.id);
    if (!number) return Error{"not_found", "postgres: update_user: no user has this id"};
    auto updated = run(kUpdateUser, "update_user",
                       Params()
                           .optional_text(update.name)
                           .optional_text(update.email)
                           .optional_time(update.email_verified)
                           .optional_text(update.image)
                           .integer(*number),
                       read_user_row);
    if (!updated) return updated.error();
    if (!*updated) return Error{"not_found", "postgres: update_user: no user has this id"};
    return std::move(**updated);
  }

  Result<Session> create_session(const Session& session) override {
    auto user_id = parse_id(session.user_id);
    if (!user_id) return error("create_session", "the user id is not a user of this database");
    auto done =
        execute(kCreateSession, "create_session",
                Params().integer(*user_id).time(session.expires).text(session.session_token));
    if (!done) return done.error();
    return session;
  }

  // Lookups that arrive together share one statement (batched_statements.hpp).
  Result<std::optional<SessionAndUser>> get_session_and_user(
      const std::string& session_token) override {
    SessionLookupCall call{.session_token = &session_token, .result = std::nullopt};
    return run_batched(
        session_lookups_, call, postgres::kGetSessionsAndUsers, "get_session_and_user",
        postgres::get_sessions_and_users_params,
        [](std::span<SessionLookupCall* const> batch, const Rows& rows) {
          for (SessionLookupCall* each : batch) each->result = std::optional<SessionAndUser>();
          for (int r = 0; r < rows.size(); ++r) {
            const std::int64_t n = rows.integer(r, 0);
            if (n < 1 || n > static_cast<std::int64_t>(batch.size())) continue;
            batch[static_cast<std::size_t>(n - 1)]->result =
                std::optional<SessionAndUser>(read_session_and_user(rows, r, 1));
          }
        },
        [this](const SessionLookupCall& each) {
          return look_up_session_alone(*each.session_token);
        });
  }

  Result<void> update_session_expiry(const std::string& session_token, TimePoint expires) override {
    // An unknown token is not an error, like Auth.js's updateSession.
    auto done = execute(kUpdateSessionExpiry, "update_session_expiry",
                        Params().time(expires).text(session_token));
    if (!done) return done.error();
    return {};
  }

  Result<std::optional<Session>> delete_session(const std::string& session_token) override {
    return run(kDeleteSession, "delete_session", Params().text(session_token),
               [](const Rows& rows, int row) { return read_session(rows, row); });
  }

  // Sign-ins that store their tokens together insert them together (batched_statements.hpp).
  Result<void> create_verification_token(const VerificationToken& token) override {
    TokenInsertCall call{.token = &token, .result = std::nullopt};
    return run_batched(
        token_inserts_, call, postgres::kCreateVerificationTokens, "create_verification_token",
        postgres::create_verification_tokens_params,
        [](std::span<TokenInsertCall* const> batch, const Rows&) {
          for (TokenInsertCall* each : batch) each->result = Result<void>();
        },
        [this](const TokenInsertCall& each) { return insert_token_alone(*each.token); });
  }

  Result<std::optional<VerificationToken>> use_verification_token(
      const std::string& identifier, const std::string& token_hash) override {
    return run(kUseVerificationToken, "use_verification_token",
               Params().text(identifier).text(token_hash), [](const Rows& rows, int row) {
                 return VerificationToken{.identifier = rows.text(row, 0),
                                          .token = rows.text(row, 2),
                                          .expires = rows.time(row, 1)};
               });
  }

  Result<bool> verification_token_was_used(const std::string& identifier,
                                           const std::string& token_hash) override {
    auto rows = execute(kVerificationTokenWasUsed, "verification_token_was_used",
                        Params().text(identifier).text(token_hash));
    if (!rows) return rows.error();
    return rows->size() > 0;
  }

  Result<std::optional<ConsumedToken>> use_verification_token_and_get_user(
      const std::string& identifier, const std::string& token_hash) override {
    return run(kUseVerificationTokenAndGetUser, "use_verification_token_and_get_user",
               Params().text(identifier).text(token_hash), [](const Rows& rows, int row) {
                 ConsumedToken consumed{.token = VerificationToken{.identifier = rows.text(row, 0),
                                                                   .token = rows.text(row, 2),
                                                                   .expires = rows.time(row, 1)},
                                        .user = std::nullopt};
                 if (!rows.is_null(row, 3)) consumed.user = read_user(rows, row, 3);
                 return consumed;
               });
  }

  Result<SessionAndUser> create_user_and_session(const User& user,
                                                 const Session& session) override {
    auto created = run(kCreateUserAndSession, "create_user_and_session",
                       Params()
                           .optional_text(user.name)
                           .text(user.email)
                           .optional_time(user.email_verified)
                           .optional_text(user.image)
                           .time(session.expires)
                           .text(session.session_token),
                       read_user_row);
    if (!created) return created.error();
    if (!*created) return error("create_user_and_session", "the insert returned no row");
    return with_session(std::move(**created), session);
  }

  Result<SessionAndUser> update_user_and_create_session(const UserUpdate& update,
                                                        const Session& session) override {
    constexpr std::string_view kOperation = "update_user_and_create_session";
    const Error not_found{"not_found",
                          "postgres: update_user_and_create_session: no user has this id"};
    auto number = parse_id(update.id);
    if (!number) return not_found;
    auto updated = run(kUpdateUserAndCreateSession, kOperation,
                       Params()
                           .optional_text(update.name)
                           .optional_text(update.email)
                           .optional_time(update.email_verified)
                           .optional_text(update.image)
                           .integer(*number)
                           .time(session.expires)
                           .text(session.session_token),
                       read_user_row);
    if (!updated) return updated.error();
    if (!*updated) return not_found;
    return with_session(std::move(**updated), session);
  }

  // Callbacks that arrive together are redeemed together (batched_statements.hpp).
  Result<LinkRedemption> redeem_link(const std::string& identifier, const std::string& token_hash,
                                     TimePoint now, const User& new_user,
                                     const std::optional<Session>& session,
                                     const SignInEvents& events) override {
    LinkRedemptionCall call{.identifier = &identifier,
                            .token_hash = &token_hash,
                            .now = now,
                            .new_user = &new_user,
                            .session = &session,
                            .events = &events,
                            .result = std::nullopt};
    return run_batched(redemptions_, call, postgres::kRedeemLinks, "redeem_link",
                       postgres::redeem_links_params, deliver_redemptions,
                       [this](const LinkRedemptionCall& each) { return redeem_alone(each); });
  }

  Result<std::int64_t> delete_verification_tokens(const std::string& identifier) override {
    auto rows =
        execute(kDeleteVerificationTokens, "delete_verification_tokens", Params().text(identifier));
    if (!rows) return rows.error();
    return rows->integer(0, 0);
  }

  Result<void> create_one_time_code(const OneTimeCode& code) override {
    auto done = execute(kCreateOneTimeCode, "create_one_time_code",
                        Params()
                            .text(code.identifier)
                            .text(code.code_hash)
                            .text(code.link_token_hash)
                            .time(code.expires));
    if (!done) return done.error();
    return {};
  }

  Result<std::optional<OneTimeCode>> use_one_time_code(const std::string& identifier,
                                                       const std::string& code_hash,
                                                       int max_attempts) override {
    constexpr std::string_view kOperation = "use_one_time_code";
    auto connection = pool_.acquire();
    if (!connection) return connection.error();
    Connection& db = **connection;
    if (auto begun = db.run_script("BEGIN", kOperation); !begun) return begun.error();
    auto counted = db.execute(kCountCodeAttempt, Params().text(identifier), kOperation);
    Result<Rows> taken =
        counted
            ? db.execute(kTakeCode, Params().text(identifier).text(code_hash).integer(max_attempts),
                         kOperation)
            : Result<Rows>(counted.error());
    if (!taken) {
      // Leaves the connection outside any transaction (reusable) if it is still alive.
      (void)db.run_script("ROLLBACK", kOperation);
      return taken.error();
    }
    if (auto committed = db.run_script("COMMIT", kOperation); !committed) {
      return committed.error();
    }
    for (int i = 0; i < taken->size(); ++i) {
      if (taken->text(i, 1) == code_hash && taken->integer(i, 4) <= max_attempts) {
        return std::optional<OneTimeCode>(OneTimeCode{.identifier = taken->text(i, 0),
                                                      .code_hash = taken->text(i, 1),
                                                      .link_token_hash = taken->text(i, 2),
                                                      .expires = taken->time(i, 3)});
      }
    }
    return std::optional<OneTimeCode>();
  }

  Result<void> delete_one_time_codes_of_link(const std::string& link_token_hash) override {
    auto done = execute(kDeleteCodesOfLink, "delete_one_time_codes_of_link",
                        Params().text(link_token_hash));
    if (!done) return done.error();
    return {};
  }

  Result<RateWindow> count_hit(const std::string& key, TimePoint now,
                               std::chrono::milliseconds window) override {
    auto rows = execute(kCountHit, "count_hit", Params().text(key).time(now + window).time(now));
    if (!rows) return rows.error();
    if (rows->size() != 1) return error("count_hit", "the upsert returned no row");
    return RateWindow{.hits = rows->integer(0, 0), .resets_at = rows->time(0, 1)};
  }

  // See check_postgres_ready.
  Result<void> check_ready() {
    auto connection = pool_.acquire();
    if (!connection) return connection.error();
    return postgres::check_schema(**connection);
  }

  Result<SweepCounts> delete_expired(TimePoint now) override {
    auto rows = execute(kDeleteExpired, "delete_expired", Params().time(now));
    if (!rows) return rows.error();
    return SweepCounts{.verification_tokens = rows->integer(0, 0),
                       .sessions = rows->integer(0, 1),
                       .one_time_codes = rows->integer(0, 2),
                       .rate_windows = rows->integer(0, 3),
                       .used_verification_tokens = rows->integer(0, 4)};
  }

  Result<std::optional<Session>> delete_session_with_event(const std::string& session_token,
                                                           TimePoint now,
                                                           const std::string& event_data) override {
    return run(kDeleteSessionWithEvent, "delete_session_with_event",
               Params().text(session_token).time(now).text(event_data),
               [](const Rows& rows, int row) { return read_session(rows, row); });
  }

  Result<std::string> add_webhook_event(const std::string& type, const std::string& data,
                                        TimePoint now) override {
    auto rows =
        execute(kAddWebhookEvent, "add_webhook_event", Params().text(type).text(data).time(now));
    if (!rows) return rows.error();
    if (rows->size() != 1) return error("add_webhook_event", "the insert returned no row");
    return rows->text(0, 0);
  }

  Result<std::vector<WebhookEvent>> list_webhook_events(bool failed_only, int limit) override {
    auto rows = execute(kListWebhookEvents, "list_webhook_events",
                        Params().text(failed_only ? "t" : "f").integer(limit));
    if (!rows) return rows.error();
    return read_webhook_events(*rows);
  }

  Result<std::vector<WebhookEvent>> claim_webhook_events(const std::string& owner, TimePoint now,
                                                         TimePoint lease_until,
                                                         int limit) override {
    auto rows = execute(kClaimWebhookEvents, "claim_webhook_events",
                        Params().text(owner).time(now).time(lease_until).integer(limit));
    if (!rows) return rows.error();
    return read_webhook_events(*rows);
  }

  Result<bool> mark_webhook_delivered(const std::string& id, const std::string& owner) override {
    return end_try(kMarkWebhookDelivered, "mark_webhook_delivered", Params().text(id).text(owner));
  }

  Result<bool> mark_webhook_attempt_failed(const std::string& id, const std::string& owner,
                                           const std::string& error,
                                           TimePoint next_attempt) override {
    return end_try(kMarkWebhookAttemptFailed, "mark_webhook_attempt_failed",
                   Params().text(id).text(owner).text(error).time(next_attempt));
  }

  Result<bool> mark_webhook_failed(const std::string& id, const std::string& owner,
                                   const std::string& error) override {
    return end_try(kMarkWebhookFailed, "mark_webhook_failed",
                   Params().text(id).text(owner).text(error));
  }

  Result<std::int64_t> retry_webhook_events(const std::optional<std::string>& id,
                                            TimePoint now) override {
    Params params;
    if (id) {
      params.text(*id);
    } else {
      params.null();
    }
    auto rows = execute(kRetryWebhookEvents, "retry_webhook_events", params.time(now));
    if (!rows) return rows.error();
    return rows->affected();
  }

  Result<std::int64_t> delete_delivered_webhook_events(TimePoint created_before) override {
    auto rows = execute(kDeleteDeliveredWebhookEvents, "delete_delivered_webhook_events",
                        Params().time(created_before));
    if (!rows) return rows.error();
    return rows->affected();
  }

  Result<WebhookEventCounts> count_webhook_events() override {
    auto rows = execute(kCountWebhookEvents, "count_webhook_events", Params());
    if (!rows) return rows.error();
    return WebhookEventCounts{.pending = rows->integer(0, 0), .failed = rows->integer(0, 1)};
  }

  Result<std::vector<User>> list_users(const std::optional<std::string>& email,
                                       int limit) override {
    if (limit <= 0) return std::vector<User>{};
    auto rows = execute(kListUsers, "list_users", Params().optional_text(email).integer(limit));
    if (!rows) return rows.error();
    std::vector<User> users;
    for (int i = 0; i < rows->size(); ++i) users.push_back(read_user(*rows, i, 0));
    return users;
  }

  Result<std::optional<UserDeletion>> delete_user(
      const std::string& user_id, TimePoint now,
      const std::optional<std::string>& session_event_data) override {
    auto number = parse_id(user_id);
    if (!number) return std::optional<UserDeletion>();
    return run(kDeleteUser, "delete_user",
               Params().integer(*number).time(now).optional_text(session_event_data),
               [](const Rows& rows, int row) {
                 return UserDeletion{.user = read_user(rows, row, 0),
                                     .sessions = rows.integer(row, 5),
                                     .accounts = rows.integer(row, 6),
                                     .verification_tokens = rows.integer(row, 7),
                                     .one_time_codes = rows.integer(row, 8)};
               });
  }

  Result<std::int64_t> delete_user_sessions(
      const std::string& user_id, TimePoint now,
      const std::optional<std::string>& session_event_data) override {
    auto number = parse_id(user_id);
    if (!number) return std::int64_t{0};
    auto rows = execute(kDeleteUserSessions, "delete_user_sessions",
                        Params().integer(*number).time(now).optional_text(session_event_data));
    if (!rows) return rows.error();
    if (rows->size() != 1) return error("delete_user_sessions", "the count returned no row");
    return rows->integer(0, 0);
  }

  Result<std::int64_t> add_outbox_message(const OutboxMessage& message) override {
    auto rows = execute(kAddOutboxMessage, "add_outbox_message",
                        Params()
                            .time(message.created_at)
                            .text(message.to)
                            .text(message.from)
                            .text(message.subject)
                            .text(message.text)
                            .text(message.html)
                            .text(message.url)
                            .text(message.provider));
    if (!rows) return rows.error();
    if (rows->size() != 1) return error("add_outbox_message", "the insert returned no row");
    return rows->integer(0, 0);
  }

  Result<std::vector<OutboxMessage>> list_outbox_messages(int limit) override {
    if (limit <= 0) return std::vector<OutboxMessage>{};
    auto rows = execute(kListOutboxMessages, "list_outbox_messages", Params().integer(limit));
    if (!rows) return rows.error();
    std::vector<OutboxMessage> messages;
    for (int i = 0; i < rows->size(); ++i) {
      messages.push_back(OutboxMessage{.id = rows->integer(i, 0),
                                       .created_at = rows->time(i, 1),
                                       .to = rows->text(i, 2),
                                       .from = rows->text(i, 3),
                                       .subject = rows->text(i, 4),
                                       .text = rows->text(i, 5),
                                       .html = rows->text(i, 6),
                                       .url = rows->text(i, 7),
                                       .provider = rows->text(i, 8)});
    }
    return messages;
  }

 private:
  static User read_user_row(const Rows& rows, int row) { return read_user(rows, row, 0); }

  // `user` with the session just stored for it.
  static SessionAndUser with_session(User user, const Session& session) {
    return SessionAndUser{.session = Session{.session_token = session.session_token,
                                             .user_id = user.id,
                                             .expires = session.expires},
                          .user = std::move(user)};
  }

  static Error error(std::string_view operation, std::string_view reason) {
    std::string message = "postgres: ";
    message.append(operation).append(": ").append(reason);
    return Error{"store", std::move(message)};
  }

  // Runs `statement` on a connection of this caller's own.
  Result<Rows> execute(const Statement& statement, std::string_view operation,
                       const Params& params) {
    if (!on_statement_) return execute_untimed(statement, operation, params);
    const auto start = std::chrono::steady_clock::now();
    auto rows = execute_untimed(statement, operation, params);
    on_statement_(operation, std::chrono::steady_clock::now() - start);
    return rows;
  }

  Result<Rows> execute_untimed(const Statement& statement, std::string_view operation,
                               const Params& params) {
    auto connection = pool_.acquire();
    if (!connection) return connection.error();
    return (*connection)->execute(statement, params, operation);
  }

  // One of the statements that end a try: true when it changed the row.
  Result<bool> end_try(const Statement& statement, std::string_view operation,
                       const Params& params) {
    auto rows = execute(statement, operation, params);
    if (!rows) return rows.error();
    return rows->size() == 1;
  }

  template <class Read>
  Result<std::optional<RowOf<Read>>> run(const Statement& statement, std::string_view operation,
                                         const Params& params, Read read) {
    return first_row(execute(statement, operation, params), read);
  }

  // Runs `call` through `batcher` and returns its result. A batch of one runs `alone(call)`; a
  // larger one runs `statement` over `params_of(batch)`, and `deliver(batch, rows)` gives each
  // call its result. When the statement fails because the database is unavailable, every call of
  // the batch gets that error: a batch may have committed before its answer was lost, and running
  // its calls again could, say, report a sign-in that happened as a used link. Any other failure
  // rolled the whole batch back: its calls then run alone, so only a call that fails by itself
  // fails.
  template <class Call, class Alone, class ParamsOf, class Deliver>
  auto run_batched(io::Batcher<Call>& batcher, Call& call, const Statement& statement,
                   std::string_view operation, ParamsOf params_of, Deliver deliver, Alone alone)
      -> decltype(alone(call)) {
    batcher.run(call, [&](std::span<Call* const> batch) {
      if (batch.size() == 1) {
        batch[0]->result = alone(*batch[0]);
        return;
      }
      auto rows = execute(statement, operation, params_of(batch));
      if (rows) {
        deliver(batch, *rows);
      } else if (rows.error().kind == "unavailable") {
        for (Call* each : batch) each->result = rows.error();
      }
    });
    if (call.result) return std::move(*call.result);
    return alone(call);
  }

  Result<std::optional<SessionAndUser>> look_up_session_alone(const std::string& session_token) {
    return run(kGetSessionAndUser, "get_session_and_user", Params().text(session_token),
               [](const Rows& rows, int row) { return read_session_and_user(rows, row, 0); });
  }

  // A row of kGetSessionAndUser's columns, from column `first`.
  static SessionAndUser read_session_and_user(const Rows& rows, int row, int first) {
    return SessionAndUser{.session = read_session(rows, row, first),
                          .user = read_user(rows, row, first + 3)};
  }

  Result<void> insert_token_alone(const VerificationToken& token) {
    auto done = execute(kCreateVerificationToken, "create_verification_token",
                        Params().text(token.identifier).time(token.expires).text(token.token));
    if (!done) return done.error();
    return {};
  }

  Result<LinkRedemption> redeem_alone(const LinkRedemptionCall& call) {
    Params params;
    params.text(*call.identifier)
        .text(*call.token_hash)
        .time(call.now)
        .optional_text(call.new_user->name)
        .optional_text(call.new_user->image);
    if (*call.session) {
      params.time((*call.session)->expires).text((*call.session)->session_token);
    } else {
      params.null().null();
    }
    params.text(call.events->user_created ? "t" : "f")
        .text(call.events->session_created ? "t" : "f")
        .text(call.events->data);
    auto row = run(kRedeemLink, "redeem_link", params,
                   [](const Rows& rows, int r) { return read_redemption(rows, r, 0); });
    if (!row) return row.error();
    if (!*row) return LinkRedemption{};
    return with_requested_session(std::move(**row), *call.session);
  }

  // kRedeemLinks' rows to their calls: row r is call r's (the statement orders its rows by
  // position, one per call).
  static void deliver_redemptions(std::span<LinkRedemptionCall* const> batch, const Rows& rows) {
    if (rows.size() != static_cast<int>(batch.size())) {
      for (LinkRedemptionCall* call : batch) {
        call->result = error("redeem_link", "the batch returned a row count of its own");
      }
      return;
    }
    for (int r = 0; r < rows.size(); ++r) {
      LinkRedemptionCall& call = *batch[static_cast<std::size_t>(r)];
      call.result = rows.is_null(r, 1)
                        ? LinkRedemption{}
                        : with_requested_session(read_redemption(rows, r, 1), *call.session);
    }
  }

  // A row of kRedeemLink's columns, from column `first`.
  static LinkRedemption read_redemption(const Rows& rows, int r, int first) {
    LinkRedemption out;
    out.token = VerificationToken{.identifier = rows.text(r, first),
                                  .token = rows.text(r, first + 2),
                                  .expires = rows.time(r, first + 1)};
    if (!rows.is_null(r, first + 3)) {
      out.is_new_user = rows.text(r, first + 3) == "t";
      out.signed_in = SessionAndUser{Session{}, read_user(rows, r, first + 4)};
    }
    return out;
  }

  static LinkRedemption with_requested_session(LinkRedemption redeemed,
                                               const std::optional<Session>& session) {
    if (redeemed.signed_in && session)
      redeemed.signed_in = with_session(std::move(redeemed.signed_in->user), *session);
    return redeemed;
  }

  ConnectionPool pool_;
  const std::function<void(std::string_view, std::chrono::nanoseconds)> on_statement_;
  io::Batcher<LinkRedemptionCall> redemptions_;
  io::Batcher<TokenInsertCall> token_inserts_;
  io::Batcher<SessionLookupCall> session_lookups_;
};

Result<postgres::ConnectSettings> settings_for(const std::string& url,
                                               const PostgresOptions& options) {
  if (options.pool_size < 1) return Error{"configuration", "DATABASE_POOL_SIZE must be at least 1"};
  if (options.batches < 1 || options.batch_size < 1) {
    return Error{"configuration", "DATABASE_BATCHES and the batch size must be at least 1"};
  }
  auto settings = postgres::parse_connect_settings(url, options.connect_timeout);
  if (!settings) return settings.error();
  settings->statement_timeout = options.statement_timeout;
  settings->prepared_statements = options.prepared_statements;
  return settings;
}

}  // namespace

Result<std::shared_ptr<Store>> open_postgres_store(const std::string& url,
                                                   const PostgresOptions& options) {
  auto settings = settings_for(url, options);
  if (!settings) return settings.error();
  auto store = std::make_shared<PostgresStore>(std::move(*settings), options);
  {
    auto connection = store->pool().acquire();
    if (!connection) return connection.error();
    if (auto ok = postgres::check_schema(**connection); !ok) return ok.error();
  }
  return std::shared_ptr<Store>(std::move(store));
}

Result<std::vector<std::string>> migrate_postgres(const std::string& url,
                                                  const PostgresOptions& options) {
  auto settings = settings_for(url, options);
  if (!settings) return settings.error();
  ConnectionPool pool(std::move(*settings), 1, options.acquire_wait);
  auto connection = pool.acquire();
  if (!connection) return connection.error();
  return postgres::migrate(**connection);
}

std::optional<PostgresPoolUsage> postgres_pool_usage(Store& store) {
  auto* postgres_store = dynamic_cast<PostgresStore*>(&store);
  if (postgres_store == nullptr) return std::nullopt;
  const auto usage = postgres_store->pool().usage();
  return PostgresPoolUsage{
      .size = usage.size, .open = usage.open, .in_use = usage.in_use, .waiting = usage.waiting};
}

std::optional<Result<void>> check_postgres_ready(Store& store) {
  auto* postgres_store = dynamic_cast<PostgresStore*>(&store);
  if (postgres_store == nullptr) return std::nullopt;
  return postgres_store->check_ready();
}

}  // namespace linkgate::store

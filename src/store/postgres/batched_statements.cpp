#include "store/postgres/batched_statements.hpp"

#include <string_view>
#include <vector>

namespace linkgate::store::postgres {

bool conflicting_token_inserts(const TokenInsertCall& a, const TokenInsertCall& b) {
  return a.token->identifier == b.token->identifier && a.token->token == b.token->token;
}

bool conflicting_redemptions(const LinkRedemptionCall& a, const LinkRedemptionCall& b) {
  return *a.identifier == *b.identifier;
}

#define LINKGATE_MS(column) "(extract(epoch FROM " column ") * 1000)::bigint"
#define LINKGATE_AT(ms) "('epoch'::timestamptz + " ms " * interval '1 millisecond')"

// The steps of the single-call statement (postgres_store.cpp, kRedeemLink), over the calls' rows
// `i`. Each big table is reached through its index for any table size, whatever the planner
// assumes of the arrays: the tokens through the primary key's `= ANY` lookups (then matched by
// pair), the users by email through a subquery per call and by id through `= ANY`. Users made by
// this statement are matched back to their call by email, which is unique within a batch.
const Statement kRedeemLinks{
    "lg_redeem_links",
    "WITH i AS (SELECT x.n, x.identifier, x.token, " LINKGATE_AT("x.now_ms") " AS now, x.name, "
    "x.image, " LINKGATE_AT("x.expires_ms") " AS session_expires, x.session_token, "
    "x.user_created, x.session_created, x.event_data "
    "FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[], "
    "$7::text[], $8::boolean[], $9::boolean[], $10::text[]) WITH ORDINALITY AS x(identifier, "
    "token, now_ms, name, image, expires_ms, session_token, user_created, session_created, "
    "event_data, n)), "
    "t AS (DELETE FROM verification_token v USING i WHERE v.identifier = ANY($1::text[]) "
    "AND v.token = ANY($2::text[]) AND v.identifier = i.identifier AND v.token = i.token "
    "RETURNING i.n, v.identifier, v.expires, v.token), " LINKGATE_RECORD_USED_TOKENS("t") ", "
    "live AS (SELECT i.* FROM t JOIN i USING (n) WHERE t.expires >= i.now), "
    "found AS (SELECT l.n, (SELECT id FROM users WHERE email = l.identifier ORDER BY id LIMIT 1) "
    "AS id FROM live l), "
    R"(updated AS (UPDATE users SET "emailVerified" = )"
    "(SELECT l.now FROM live l WHERE l.identifier = users.email) "
    "WHERE users.id = ANY(ARRAY(SELECT id FROM found WHERE id IS NOT NULL)) RETURNING users.*), "
    R"(created AS (INSERT INTO users (name, email, "emailVerified", image) )"
    "SELECT l.name, l.identifier, l.now, l.image FROM live l JOIN found f USING (n) "
    "WHERE f.id IS NULL ORDER BY l.n RETURNING *), "
    R"(u AS (SELECT l.n, d.id, d.name, d.email, d."emailVerified", d.image, false AS is_new )"
    "FROM updated d JOIN live l ON l.identifier = d.email UNION ALL "
    R"(SELECT l.n, c.id, c.name, c.email, c."emailVerified", c.image, true )"
    "FROM created c JOIN live l ON l.identifier = c.email), "
    R"(s AS (INSERT INTO sessions ("userId", expires, "sessionToken") )"
    "SELECT u.id, l.session_expires, l.session_token FROM u JOIN live l USING (n) "
    "WHERE l.session_token IS NOT NULL), "
    "e AS (INSERT INTO webhook_events (id, type, payload, created, next_attempt) "
    "SELECT " LINKGATE_WEBHOOK_EVENT_ID ", x.type, " LINKGATE_WEBHOOK_EVENT_DATA("l.event_data::jsonb")
    ", l.now, l.now FROM u JOIN live l USING (n) CROSS JOIN LATERAL (VALUES "
    "('user.created', l.user_created AND u.is_new, 1), "
    "('session.created', l.session_created, 2)) x(type, wanted, ord) "
    "WHERE x.wanted ORDER BY l.n, x.ord) "
    "SELECT i.n, t.identifier, " LINKGATE_MS("t.expires") ", t.token, u.is_new, u.id::text, "
    "u.name, u.email, " LINKGATE_MS("u.\"emailVerified\"") ", u.image "
    "FROM i LEFT JOIN t USING (n) LEFT JOIN u USING (n) ORDER BY i.n"};

const Statement kCreateVerificationTokens{
    "lg_create_verification_tokens",
    "INSERT INTO verification_token (identifier, expires, token) "
    "SELECT x.identifier, " LINKGATE_AT("x.expires_ms") ", x.token "
    "FROM unnest($1::text[], $2::bigint[], $3::text[]) AS x(identifier, expires_ms, token)"};

// Each call's session and user through a subquery of its own, each a lookup by a unique key
// (LIMIT keeps the planner from turning them into joins that could scan a table).
const Statement kGetSessionsAndUsers{
    "lg_get_sessions_and_users",
    R"(SELECT x.n, s."sessionToken", s."userId"::text, )" LINKGATE_MS("s.expires") ", "
    R"(u.id::text, u.name, u.email, )" LINKGATE_MS("u.\"emailVerified\"") ", u.image "
    "FROM unnest($1::text[]) WITH ORDINALITY AS x(token, n) "
    R"(CROSS JOIN LATERAL (SELECT * FROM sessions WHERE "sessionToken" = x.token LIMIT 1) s )"
    R"(CROSS JOIN LATERAL (SELECT * FROM users WHERE id = s."userId" LIMIT 1) u ORDER BY x.n)"};

#undef LINKGATE_AT
#undef LINKGATE_MS

std::string text_array_literal(std::span<const std::optional<std::string_view>> values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ',';
    if (!values[i]) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Params redeem_links_params(std::span<LinkRedemptionCall* const> calls) {
  using Element = std::optional<std::string_view>;
  std::vector<Element> identifiers, tokens, names, images, session_tokens;
  std::vector<Element> users_created, sessions_created, event_data;
  std::vector<std::string> now_ms, expires_ms;  // keeps the digits the views below point at
  now_ms.reserve(calls.size());
  expires_ms.reserve(calls.size());
  std::vector<Element> nows, expires;
  for (const LinkRedemptionCall* call : calls) {
    users_created.emplace_back(call->events->user_created ? "t" : "f");
    sessions_created.emplace_back(call->events->session_created ? "t" : "f");
    event_data.emplace_back(call->events->data);
    identifiers.emplace_back(*call->identifier);
    tokens.emplace_back(*call->token_hash);
    now_ms.push_back(std::to_string(call->now.time_since_epoch().count()));
    nows.emplace_back(now_ms.back());
    names.push_back(call->new_user->name ? Element(*call->new_user->name) : std::nullopt);
    images.push_back(call->new_user->image ? Element(*call->new_user->image) : std::nullopt);
    if (*call->session) {
      expires_ms.push_back(std::to_string((*call->session)->expires.time_since_epoch().count()));
      expires.emplace_back(expires_ms.back());
      session_tokens.emplace_back((*call->session)->session_token);
    } else {
      expires.emplace_back(std::nullopt);
      session_tokens.emplace_back(std::nullopt);
    }
  }
  Params params;
  params.text(text_array_literal(identifiers))
      .text(text_array_literal(tokens))
      .text(text_array_literal(nows))
      .text(text_array_literal(names))
      .text(text_array_literal(images))
      .text(text_array_literal(expires))
      .text(text_array_literal(session_tokens))
      .text(text_array_literal(users_created))
      .text(text_array_literal(sessions_created))
      .text(text_array_literal(event_data));
  return params;
}

Params get_sessions_and_users_params(std::span<SessionLookupCall* const> calls) {
  std::vector<std::optional<std::string_view>> tokens;
  for (const SessionLookupCall* call : calls) tokens.emplace_back(*call->session_token);
  Params params;
  params.text(text_array_literal(tokens));
  return params;
}

Params create_verification_tokens_params(std::span<TokenInsertCall* const> calls) {
  std::vector<std::optional<std::string_view>> identifiers, expires, hashes;
  std::vector<std::string> expires_ms;  // keeps the digits the views below point at
  expires_ms.reserve(calls.size());
  for (const TokenInsertCall* call : calls) {
    identifiers.emplace_back(call->token->identifier);
    expires_ms.push_back(std::to_string(call->token->expires.time_since_epoch().count()));
    expires.emplace_back(expires_ms.back());
    hashes.emplace_back(call->token->token);
  }
  Params params;
  params.text(text_array_literal(identifiers))
      .text(text_array_literal(expires))
      .text(text_array_literal(hashes));
  return params;
}

}  // namespace linkgate::store::postgres

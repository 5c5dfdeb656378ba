// Statements that serve many calls of one Store operation at once, so one transaction and one
// commit for all of them: the PostgreSQL store gathers the calls that arrive together
// (io::Batcher) and runs them as one. Magic-link sign-ins (Store::redeem_link) with
// kRedeemLinks, new verification tokens (Store::create_verification_token) with
// kCreateVerificationTokens, session lookups (Store::get_session_and_user) with
// kGetSessionsAndUsers.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "linkgate/result.hpp"
#include "linkgate/store.hpp"
#include "store/postgres/connection.hpp"

// SQL shared by the single and batched statements: a fresh webhook-id ('msg_' and 32 hex digits
// of a random UUID), and an event's payload, the caller's JSON object `data` with "user" set from
// the signed-in user's row `u`.
#define LINKGATE_WEBHOOK_EVENT_ID "'msg_' || replace(gen_random_uuid()::text, '-', '')"
#define LINKGATE_WEBHOOK_EVENT_DATA(data)                                \
  "(" data                                                               \
  " || jsonb_build_object('user', jsonb_build_object('id', u.id::text, " \
  "'email', u.email)))::text"

// The tombstones of the links a statement consumes (CTE `consumed`, with identifier, token and
// expires columns), written by that same statement: a CTE named `tombstones`.
#define LINKGATE_RECORD_USED_TOKENS(consumed)                                                 \
  "tombstones AS (INSERT INTO linkgate_used_verification_token (identifier, token, expires) " \
  "SELECT identifier, token, expires FROM " consumed " ON CONFLICT DO NOTHING)"

namespace linkgate::store::postgres {

// One Store::redeem_link call waiting for its batch. The pointed-to values belong to the caller
// and outlive the call.
struct LinkRedemptionCall {
  const std::string* identifier;
  const std::string* token_hash;
  TimePoint now;
  const User* new_user;
  const std::optional<Session>* session;
  const SignInEvents* events;
  // Set by the batch; left empty when the batch failed in a way that says nothing about this
  // call (the caller then redeems alone, so that one bad call cannot fail the others).
  std::optional<Result<LinkRedemption>> result;
};

// Calls of one batch must name different identifiers: every part of the statement sees the
// snapshot taken before it, so two sign-ins of one new address would create two users.
bool conflicting_redemptions(const LinkRedemptionCall& a, const LinkRedemptionCall& b);

// The batch statement. Parameters: identifiers, token hashes, `now` (ms since the epoch), new
// users' names and images, sessions' expires (ms) and tokens, and the webhook events asked for
// (user_created, session_created, data), as arrays (NULL elements for unset values; a NULL
// session token asks for no session). One row per call, in the calls'
// order: the call's position (1-based), then the columns of the single-call statement (the
// consumed token, is_new and the user; NULL where nothing matched or the row had expired).
// REQUIRES: no two calls conflict.
extern const Statement kRedeemLinks;

// The parameters of kRedeemLinks for `calls`.
Params redeem_links_params(std::span<LinkRedemptionCall* const> calls);

// One Store::create_verification_token call waiting for its batch; `token` belongs to the caller.
struct TokenInsertCall {
  const VerificationToken* token;
  std::optional<Result<void>> result;  // as LinkRedemptionCall::result
};

// Calls of one batch must not insert the same row (identifier and hash): the batch would fail on
// the primary key, and so, once run alone, would only the second.
bool conflicting_token_inserts(const TokenInsertCall& a, const TokenInsertCall& b);

// The batch insert. Parameters: identifiers, expires (ms since the epoch), hashes, as arrays.
extern const Statement kCreateVerificationTokens;

// The parameters of kCreateVerificationTokens for `calls`.
Params create_verification_tokens_params(std::span<TokenInsertCall* const> calls);

// One Store::get_session_and_user call waiting for its batch; `session_token` belongs to the
// caller. Lookups never conflict: a batch reads one snapshot, taken after each of its calls
// arrived.
struct SessionLookupCall {
  const std::string* session_token;
  std::optional<Result<std::optional<SessionAndUser>>> result;  // as LinkRedemptionCall::result
};

// The batch lookup. Parameter: the session tokens, as an array. One row per call whose session
// exists: the call's position (1-based), then the columns of the single lookup
// (postgres_store.cpp, kGetSessionAndUser), in the calls' order.
extern const Statement kGetSessionsAndUsers;

// The parameters of kGetSessionsAndUsers for `calls`.
Params get_sessions_and_users_params(std::span<SessionLookupCall* const> calls);

// `values` as the text of a PostgreSQL array literal: {"a","b",NULL}.
std::string text_array_literal(std::span<const std::optional<std::string_view>> values);

}  // namespace linkgate::store::postgres

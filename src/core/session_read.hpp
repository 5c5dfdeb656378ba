// Reading (and sliding) the session a request's cookie names, shared by /session and /verify
// (authjs-behaviour.md §5): both strategies, every accepted secret, chunked cookies.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "core/context.hpp"
#include "linkgate/store.hpp"

namespace linkgate::core {

// The session JWT `cookie` decoded with any accepted secret and passed through the jwt callback
// (with `update` set: trigger "update" and that data, as POST /session does). nullopt when the
// cookie is invalid or expired, or the callback signs the user out: the caller clears the cookie.
// The claims live in `storage`.
std::optional<boost::json::object> read_jwt_session(const Context& ctx, const std::string& cookie,
                                                    const boost::json::storage_ptr& storage,
                                                    const boost::json::value* update = nullptr);

// Re-issues the session JWT carrying `claims`, issued at `now` and expiring maxAge later, on
// `response`. Auth.js re-issues on every read: there is no updateAge throttle in JWT mode (§5).
void reissue_jwt_session(const Context& ctx, Response& response, const boost::json::object& claims,
                         TimePoint now);

// A database session looked up by its token.
struct DatabaseSessionRead {
  enum class Outcome {
    signed_in,    // `found` holds the session (its stored, pre-slide expiry) and its user
    signed_out,   // no such session, or it expired (and was deleted): clear the cookie
    unavailable,  // the store is down: answer "cannot tell now" (store_unavailable)
    failed,       // another store failure: no session, the cookie is left alone
  };
  Outcome outcome = Outcome::signed_out;
  std::optional<SessionAndUser> found;
  // signed_in: now + maxAge, the expiry the cookie gets; `renewed` when the stored expiry was
  // slid to it because the session was older than updateAge.
  TimePoint new_expires{};
  bool renewed = false;
};

// Looks the session up, deletes it when expired and slides its stored expiry past updateAge
// (a failed slide is logged, the session still counts). Store failures are logged.
DatabaseSessionRead read_database_session(const Context& ctx, const std::string& cookie);

// 503 with Retry-After: the session store is down, so whether there is a session cannot be told.
Response session_store_unavailable(const Context& ctx);

}  // namespace linkgate::core

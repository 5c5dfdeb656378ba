// Writing and clearing the session cookie (chunked, authjs-behaviour.md §2.4), and the JWT
// claims made from a user (§5).
#pragma once

#include <boost/json/object.hpp>

#include "core/context.hpp"
#include "linkgate/store.hpp"

namespace linkgate::core {

// Sets the session cookie to `value` with Expires = expires, clearing stale chunks first.
void set_session_cookie(const Context& ctx, Response& response, const std::string& value,
                        TimePoint expires);
// Clears every chunk of the session cookie present in the request.
void clear_session_cookie(const Context& ctx, Response& response);
// {name, email, picture, sub}: null where the user has no value.
boost::json::object user_claims(const User& user);
// ISO 8601 UTC with milliseconds, e.g. "2026-11-23T01:02:03.456Z".
std::string iso8601(TimePoint time);

}  // namespace linkgate::core

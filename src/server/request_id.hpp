// Request ids (X-Request-Id): every request the server answers has one, returned in the response's
// X-Request-Id and written in every log line and audit event the request causes.
#pragma once

#include <string>
#include <string_view>

#include "core/client_ip.hpp"
#include "linkgate/http.hpp"

namespace linkgate::server {

// True for an id worth keeping as it came: 1 to 64 characters, each a letter, a digit, '-', '_',
// '.' or ':' (a UUID, a ULID, a hex trace id), so that no header value can inject anything into
// a log line.
bool usable_request_id(std::string_view id);

// A new id: 15 base64url characters (88 bits from the CSPRNG; short enough that a std::string
// holds it without a heap allocation, on the path of every request).
std::string make_request_id();

// The request's id: its X-Request-Id when the socket peer is one of `proxies` and the value is
// usable; a new one otherwise (a client cannot choose the id its lines are logged under).
std::string request_id_for(const Request& request, const core::TrustedProxies& proxies);

}  // namespace linkgate::server

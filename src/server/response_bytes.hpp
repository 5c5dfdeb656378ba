// The bytes of an HTTP/1.x response, written by hand into one buffer: the status line, the
// core's headers, the framing headers the server owns (Content-Length, Connection), the body.
// One contiguous buffer goes out in one send, and no per-field allocation happens on the way.
#pragma once

#include <string>

#include "linkgate/http.hpp"

namespace linkgate::server {

// Framing: Content-Length is the body's size (also for HEAD, whose body is left out); 1xx, 204
// and 304 answers carry neither. `Connection: close` is added to an HTTP/1.1 answer that ends
// the connection, `Connection: keep-alive` to an HTTP/1.0 answer that keeps it. Headers named
// Content-Length, Transfer-Encoding or Connection in `response` are ignored (the server owns the
// framing). A header whose name is not an RFC 9110 token, or whose value holds CR, LF or NUL,
// would let a value split the response: such a response is replaced by a plain 500.
// `version` is Beast's encoding: 10 for HTTP/1.0, 11 for HTTP/1.1.
std::string serialize_response(const Response& response, unsigned version, bool keep_alive,
                               bool head);

}  // namespace linkgate::server

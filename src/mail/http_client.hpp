// A small HTTP(S) client for the email providers' APIs, on libcurl.
//
// Each thread keeps its transfer handles between calls, so a thread's consecutive calls to the
// same host reuse a kept-alive connection (no TCP connect, no TLS handshake per email); a
// connection the server closed meanwhile is detected and replaced by curl. Calls in flight at
// once on one thread (fibers of one event loop) each use a handle of their own. A handle is reset
// after every call, so no header, body, option or callback of one call carries into the next.
// Every call is bounded by a connect timeout and a total timeout, and never raises signals
// (CURLOPT_NOSIGNAL). A thread's idle connections close when the thread ends.
//
// A call waits only through io/waiter.hpp: on a fiber of the event loop it suspends the fiber (the
// loop serves other connections meanwhile); on any other thread it blocks the thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "linkgate/result.hpp"

namespace linkgate::mail {

struct HttpPost {
  std::string url;  // http:// or https:// only; redirects are not followed
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
  // Bodies longer than this are cut: the transfer ends once this much is read (its connection
  // is then not kept), so a long or endless answer costs no more (providers answer a few
  // hundred bytes).
  std::size_t max_response_bytes = 64 * 1024;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header's value, or empty
};

// Sends one POST and returns the answer, whatever its status (callers judge the status).
// Errors: kind "invalid_input" for a header with CR/LF or NUL in it, or a URL that is not
// http(s); kind "unavailable" for a connection failure or a timeout, with curl's own text
// (which names the host, never the headers or the body).
Result<HttpResponse> http_post(const HttpPost& request);

}  // namespace linkgate::mail

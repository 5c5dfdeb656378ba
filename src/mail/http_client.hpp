// A small blocking HTTP(S) client for the email providers' APIs, on libcurl.
//
// Each thread keeps one easy handle between calls, so a thread's consecutive calls to the same
// host reuse one kept-alive connection (no TCP connect, no TLS handshake per email); a
// connection the server closed meanwhile is detected and replaced by curl. The handle is reset
// after every call, so no header, body, option or callback of one call carries into the next,
// and calls from several threads never share state. Every call is bounded by a connect timeout
// and a total timeout, and never raises signals (CURLOPT_NOSIGNAL), so it is safe on worker
// threads of a multi-threaded server. A thread's idle connections close when the thread ends.
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
  // Bodies longer than this are cut (providers answer a few hundred bytes).
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

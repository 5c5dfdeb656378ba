#include "mail/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <string_view>

#include "mail/curl_library.hpp"

namespace linkgate::mail {

namespace {

constexpr long kMaxConnectionAgeSeconds = 300;

// This thread's easy handle, created on first use and kept until the thread ends, so that its
// connection cache outlives each call: the next POST to the same host reuses the open
// connection (no new TCP connection, no new TLS handshake). Its DNS cache and TLS session
// cache are kept too. Null when curl_easy_init fails (tried again on the next call).
CURL* thread_easy_handle(const CurlApi& curl) {
  thread_local std::unique_ptr<CURL, CurlEasyDeleter> easy(nullptr, CurlEasyDeleter{&curl});
  if (!easy) easy.reset(curl.easy_init());
  return easy.get();
}

// Puts a thread's handle back to its initial options when a call ends, whichever way it ends:
// no header list, body, callback, buffer or timeout of one call is ever seen by the next, and
// the handle never keeps a pointer to the call's locals. curl_easy_reset keeps the caches.
class ResetOnExit {
 public:
  ResetOnExit(const CurlApi& curl, CURL* handle) : curl_(curl), handle_(handle) {}
  ~ResetOnExit() { curl_.easy_reset(handle_); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  const CurlApi& curl_;
  CURL* handle_;
};

struct Sink {
  std::string* body;
  std::size_t limit;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink->body->size() < sink->limit) {
    sink->body->append(data, std::min(n, sink->limit - sink->body->size()));
  }
  // Consume everything so that a long answer is cut, not reported as a write error.
  return n;
}

// Keeps the Retry-After header of the final answer (a new status line starts a new block).
std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* retry_after = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.substr(0, 5) == "HTTP/") retry_after->clear();
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (std::size_t i = 0; i < kName.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    }
    if (match) {
      std::string_view value = line.substr(kName.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' ||
                                value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
      }
      retry_after->assign(value.substr(0, 64));
    }
  }
  return n;
}

bool has_control_breaks(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool starts_with_http_scheme(std::string_view url) {
  auto lower_prefix = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    }
    return true;
  };
  return lower_prefix("http://") || lower_prefix("https://");
}

Error unavailable(std::string message) {
  return Error{"unavailable", std::move(message)};
}

}  // namespace

Result<HttpResponse> http_post(const HttpPost& request) {
  if (!starts_with_http_scheme(request.url) || has_control_breaks(request.url)) {
    return Error{"invalid_input", "http: the URL must be http:// or https://"};
  }
  const auto& api = curl_api();
  if (!api) return unavailable("http: " + api.error().message);
  const CurlApi& curl = **api;

  std::unique_ptr<curl_slist, CurlSlistDeleter> headers(nullptr, CurlSlistDeleter{&curl});
  for (const auto& [name, value] : request.headers) {
    // A CR or LF in a header would let a configured value inject more headers; such a value
    // is a configuration error, reported without echoing it (it may be a key).
    if (name.empty() || has_control_breaks(name) || has_control_breaks(value)) {
      return Error{"invalid_input", "http: header '" +
                                        (has_control_breaks(name) ? std::string("?") : name) +
                                        "' contains a line break"};
    }
    const std::string line = name + ": " + value;
    curl_slist* next = curl.slist_append(headers.get(), line.c_str());
    if (next == nullptr) return unavailable("http: out of memory building headers");
    headers.release();
    headers.reset(next);
  }
  // curl adds "Expect: 100-continue" to large POSTs; providers do not need the extra round trip.
  {
    curl_slist* next = curl.slist_append(headers.get(), "Expect:");
    if (next == nullptr) return unavailable("http: out of memory building headers");
    headers.release();
    headers.reset(next);
  }

  CURL* h = thread_easy_handle(curl);
  if (h == nullptr) return unavailable("http: curl_easy_init failed");

  HttpResponse response;
  Sink sink{&response.body, request.max_response_bytes};
  char error_text[CURL_ERROR_SIZE] = {0};
  // Declared after every local the handle points to, so it is reset before they go away.
  const ResetOnExit reset(curl, h);
  curl.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_POST, 1L);
  curl.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // A kept connection is not used for a new call once it is this old, so a provider's DNS
  // change reaches a busy server within minutes (curl's DNS cache lasts 60 s).
  curl.easy_setopt(h, CURLOPT_MAXLIFETIME_CONN, kMaxConnectionAgeSeconds);
  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, &write_body);
  curl.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, &read_header);
  curl.easy_setopt(h, CURLOPT_HEADERDATA, &response.retry_after);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  curl.easy_setopt(h, CURLOPT_USERAGENT, "linkgate");

  const CURLcode code = curl.easy_perform(h);
  if (code != CURLE_OK) {
    std::string text = error_text[0] != '\0' ? error_text : curl.easy_strerror(code);
    return unavailable("http: " + text);
  }
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace linkgate::mail

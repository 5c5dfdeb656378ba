// A small blocking HTTP/1.1 client for integration tests, with a cookie jar that behaves like a
// browser's for our purposes (Set-Cookie stored, Max-Age=0 or an empty value deletes).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkgate::testing {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header with this name (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  std::vector<std::string> headers_named(std::string_view name) const;
};

class TestClient {
 public:
  TestClient(std::string host, int port);

  HttpResponse get(const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResponse post_form(const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& fields,
                         const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResponse post_json(const std::string& target, const std::string& json,
                         const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers);

  // The jar: name → value (as sent on the wire, still percent-encoded).
  std::map<std::string, std::string> cookies;
  bool use_cookie_jar = true;

  // GET /api/auth/csrf and return the token (the jar keeps the cookie).
  std::string csrf_token(const std::string& base_path = "/api/auth");

 private:
  void store_cookies(const HttpResponse& response);
  std::string host_;
  int port_;
};

// Sends raw bytes on a fresh connection and returns whatever comes back until the server closes
// the connection or `timeout_ms` passes.
std::string raw_exchange(const std::string& host, int port, const std::string& bytes,
                         int timeout_ms = 5000);

// x-www-form-urlencoded encoding of one value.
std::string url_encode(std::string_view value);
// The value of a query parameter in a URL (decoded), or nullopt.
std::optional<std::string> query_param(const std::string& url, const std::string& name);

}  // namespace linkgate::testing

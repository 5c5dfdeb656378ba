// Plain HTTP value types shared by the core and any server that embeds it.
//
// The core sees HTTP only through these types: it never touches a socket. A server adapter
// fills a Request from the wire and writes a Response back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkgate {

// ASCII case-insensitive equality, the way HTTP compares header names.
bool header_name_equals(std::string_view a, std::string_view b);

struct Header {
  std::string name;  // as received; lookups are case-insensitive
  std::string value;
};

struct Request {
  std::string method;  // "GET", "POST", ... (upper case)
  std::string path;    // the decoded-free raw path, without the query, e.g. "/api/auth/signin"
  std::string query;   // the raw query string without '?', possibly empty
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;  // the socket peer, e.g. "127.0.0.1"
  // The request's id, set by the server (X-Request-Id): carried into log lines and audit events.
  // Empty: none.
  std::string id{};

  // The first header with this name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;  // Set-Cookie may appear several times
  std::string body;

  // The first header with this name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
  void set_header(std::string name, std::string value);  // replaces any with that name
  void add_header(std::string name, std::string value);  // appends (for Set-Cookie)
};

}  // namespace linkgate

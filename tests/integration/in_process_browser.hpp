// A browser in front of an in-process linkgate::Auth: sends Requests straight to
// Auth::handle, keeps the cookies it is given (a Max-Age=0 or empty value deletes one) and
// follows no redirects. Shared by the in-process tests.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "linkgate/auth.hpp"
#include "support/http_client.hpp"

namespace linkgate::testing {

class Browser {
 public:
  explicit Browser(const Auth& auth, std::string host = "app.test")
      : auth_(auth), host_(std::move(host)) {}

  Response send(std::string method, std::string target, std::string body = "",
                std::string content_type = "") {
    Request r;
    r.method = std::move(method);
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.headers.push_back({"Host", host_});
    if (!content_type.empty()) r.headers.push_back({"Content-Type", content_type});
    std::string cookie_header;
    for (const auto& [n, v] : cookies)
      cookie_header += (cookie_header.empty() ? "" : "; ") + n + "=" + v;
    if (!cookie_header.empty()) r.headers.push_back({"Cookie", cookie_header});
    r.body = std::move(body);
    r.remote_address = remote_address;
    r.id = request_id;
    Response res = auth_.handle(r);
    for (const auto& h : res.headers) {
      if (h.name != "Set-Cookie") continue;
      auto eq = h.value.find('=');
      auto semi = h.value.find(';');
      std::string name = h.value.substr(0, eq);
      std::string value = h.value.substr(eq + 1, semi - eq - 1);
      if (value.empty() || h.value.find("Max-Age=0") != std::string::npos) {
        cookies.erase(name);
      } else {
        cookies[name] = value;
      }
    }
    return res;
  }

  std::string csrf() {
    auto res = send("GET", "/api/auth/csrf");
    return boost::json::value_to<std::string>(
        boost::json::parse(res.body).as_object()["csrfToken"]);
  }

  Response sign_in(const std::string& provider, const std::string& email) {
    std::string token = csrf();
    return send("POST", "/api/auth/signin/" + provider,
                "csrfToken=" + token + "&email=" + url_encode(email),
                "application/x-www-form-urlencoded");
  }

  std::map<std::string, std::string> cookies;
  std::string remote_address = "127.0.0.1";  // of every request sent
  std::string request_id;                    // Request::id of every request sent (empty: none)

 private:
  const Auth& auth_;
  std::string host_;
};

// The names of the cookies a response sets (or clears), in order.
inline std::vector<std::string> set_cookie_names(const Response& res) {
  std::vector<std::string> names;
  for (const auto& h : res.headers) {
    if (h.name == "Set-Cookie") names.push_back(h.value.substr(0, h.value.find('=')));
  }
  return names;
}

}  // namespace linkgate::testing

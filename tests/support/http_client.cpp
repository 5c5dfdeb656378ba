#include "support/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace linkgate::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}
}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return "";
}

bool HttpResponse::has_header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return true;
  }
  return false;
}

std::vector<std::string> HttpResponse::headers_named(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) out.push_back(v);
  }
  return out;
}

TestClient::TestClient(std::string host, int port) : host_(std::move(host)), port_(port) {}

HttpResponse TestClient::get(const std::string& target,
                             const std::vector<std::pair<std::string, std::string>>& headers) {
  return request("GET", target, "", headers);
}

HttpResponse TestClient::post_form(
    const std::string& target, const std::vector<std::pair<std::string, std::string>>& fields,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string body;
  for (const auto& [k, v] : fields) {
    if (!body.empty()) body += '&';
    body += url_encode(k) + "=" + url_encode(v);
  }
  auto all = headers;
  all.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return request("POST", target, body, all);
}

HttpResponse TestClient::post_json(
    const std::string& target, const std::string& json,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  auto all = headers;
  all.emplace_back("Content-Type", "application/json");
  return request("POST", target, json, all);
}

HttpResponse TestClient::request(const std::string& method, const std::string& target,
                                 const std::string& body,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  tcp::resolver resolver(io);
  stream.connect(resolver.resolve(host_, std::to_string(port_)));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  if (req.method() == http::verb::unknown) req.method_string(method);
  bool has_cookie_header = false;
  bool has_host_header = false;
  for (const auto& [n, v] : headers) {
    req.insert(n, v);
    if (iequals(n, "cookie")) has_cookie_header = true;
    if (iequals(n, "host")) has_host_header = true;
  }
  if (!has_host_header) req.set(http::field::host, host_ + ":" + std::to_string(port_));
  if (use_cookie_jar && !has_cookie_header && !cookies.empty()) {
    std::string header;
    for (const auto& [n, v] : cookies) {
      if (!header.empty()) header += "; ";
      header += n + "=" + v;
    }
    req.set(http::field::cookie, header);
  }
  req.body() = body;
  if (!body.empty() || method == "POST") req.prepare_payload();
  // A server may answer (e.g. 400 for an oversized body) and stop reading before the whole request
  // is sent; like browsers, read the answer even when the write was cut short.
  boost::system::error_code write_error;
  http::write(stream, req, write_error);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.header_limit(1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  boost::system::error_code read_error;
  http::read(stream, buffer, parser, read_error);
  if (read_error) throw boost::system::system_error(write_error ? write_error : read_error);
  auto& res = parser.get();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = res.body();
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (use_cookie_jar) store_cookies(out);
  return out;
}

void TestClient::store_cookies(const HttpResponse& response) {
  for (const auto& line : response.headers_named("set-cookie")) {
    std::string_view rest = line;
    auto semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name = trim(pair.substr(0, eq));
    std::string value = trim(pair.substr(eq + 1));
    bool expired = line.find("Max-Age=0") != std::string::npos;
    if (expired || value.empty()) {
      cookies.erase(name);
    } else {
      cookies[name] = value;
    }
  }
}

std::string TestClient::csrf_token(const std::string& base_path) {
  auto res = get(base_path + "/csrf");
  auto pos = res.body.find("\"csrfToken\":\"");
  if (pos == std::string::npos) throw std::runtime_error("no csrfToken in " + res.body);
  pos += 13;
  return res.body.substr(pos, res.body.find('"', pos) - pos);
}

std::string raw_exchange(const std::string& host, int port, const std::string& bytes,
                         int timeout_ms) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  tcp::resolver resolver(io);
  stream.connect(resolver.resolve(host, std::to_string(port)));
  boost::system::error_code ec;
  asio::write(stream.socket(), asio::buffer(bytes), ec);
  std::string out;
  char chunk[4096];
  for (;;) {
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    std::size_t n = stream.read_some(asio::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

std::string url_encode(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> query_param(const std::string& url, const std::string& name) {
  auto q = url.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(url).substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    auto eq = part.find('=');
    if (part.substr(0, eq) == name) {
      std::string_view raw = eq == std::string_view::npos ? "" : part.substr(eq + 1);
      std::string out;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
          out += ' ';
        } else if (raw[i] == '%' && i + 2 < raw.size()) {
          out += static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16));
          i += 2;
        } else {
          out += raw[i];
        }
      }
      return out;
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace linkgate::testing

#include "support/fake_smtp_server.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "support/fake_checks.hpp"
#include "support/test_certificate.hpp"
#include "support/test_env.hpp"

namespace linkgate::testing {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxLine = 1000;  // RFC 5321 §4.5.3.1.6: 998 characters plus CRLF

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// The text between '<' and '>' of "FROM:<a@b> SIZE=10", or nullopt.
std::optional<std::string> angle_address(const std::string& argument) {
  const auto open = argument.find('<');
  const auto close = argument.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return std::nullopt;
  return argument.substr(open + 1, close - open - 1);
}

struct Connection {
  explicit Connection(asio::io_context& ioc, ssl::context& tls) : stream(ioc, tls) {}
  ssl::stream<tcp::socket> stream;
  bool tls_on = false;
  std::string buffer;
  bool line_too_long = false;
};

}  // namespace

struct FakeSmtpServer::Impl {
  FakeSmtpOptions options;
  asio::io_context ioc{1};
  ssl::context tls{ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  unsigned short port = 0;
  std::string ca_file;
  std::thread thread;
  std::mutex stop_mutex;
  bool stopped = false;
  std::atomic<bool> never_answer{false};

  struct Pending {
    SmtpStage stage;
    int code;
    std::string text;
    int remaining;
  };
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<SmtpSession> sessions;
  std::vector<std::string> problems;
  std::deque<Pending> pending;
  std::size_t accepted = 0;
  std::vector<std::weak_ptr<Connection>> connections;

  void edit(std::size_t index, const std::function<void(SmtpSession&)>& change) {
    {
      std::lock_guard lock(mutex);
      change(sessions[index]);
    }
    changed.notify_all();
  }
  void problem(std::string what) {
    std::lock_guard lock(mutex);
    problems.push_back(std::move(what));
  }
  std::optional<Pending> take_failure(SmtpStage stage) {
    std::lock_guard lock(mutex);
    for (auto it = pending.begin(); it != pending.end(); ++it) {
      if (it->stage != stage) continue;
      Pending p = *it;
      if (--it->remaining <= 0) pending.erase(it);
      return p;
    }
    return std::nullopt;
  }

  static asio::awaitable<bool> write(Connection& c, std::string text) {
    text += "\r\n";
    boost::system::error_code ec;
    std::size_t n = 0;
    if (c.tls_on) {
      std::tie(ec, n) = co_await asio::async_write(c.stream, asio::buffer(text), kTuple);
    } else {
      std::tie(ec, n) =
          co_await asio::async_write(c.stream.next_layer(), asio::buffer(text), kTuple);
    }
    co_return !ec;
  }

  // One line without its CRLF; nullopt when the peer closed or the line is too long.
  static asio::awaitable<std::optional<std::string>> read_line(Connection& c) {
    for (;;) {
      const auto end = c.buffer.find("\r\n");
      if (end != std::string::npos) {
        if (end > kMaxLine) {
          c.line_too_long = true;
          co_return std::nullopt;
        }
        std::string line = c.buffer.substr(0, end);
        c.buffer.erase(0, end + 2);
        co_return line;
      }
      if (c.buffer.size() > kMaxLine + 2) {
        c.line_too_long = true;
        co_return std::nullopt;
      }
      char chunk[4096];
      boost::system::error_code ec;
      std::size_t n = 0;
      if (c.tls_on) {
        std::tie(ec, n) = co_await c.stream.async_read_some(asio::buffer(chunk), kTuple);
      } else {
        std::tie(ec, n) =
            co_await c.stream.next_layer().async_read_some(asio::buffer(chunk), kTuple);
      }
      if (ec) co_return std::nullopt;
      c.buffer.append(chunk, n);
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto connection = std::make_shared<Connection>(ioc, tls);
      auto [ec] = co_await acceptor.async_accept(connection->stream.next_layer(), kTuple);
      if (ec) co_return;
      {
        std::lock_guard lock(mutex);
        std::erase_if(connections, [](const auto& w) { return w.expired(); });
        connections.push_back(connection);
      }
      asio::co_spawn(ioc, serve(connection), asio::detached);
    }
  }

  asio::awaitable<void> serve(std::shared_ptr<Connection> connection) {
    Connection& c = *connection;
    std::size_t index = 0;
    {
      std::lock_guard lock(mutex);
      index = sessions.size();
      sessions.emplace_back();
    }
    if (never_answer.load()) {
      while (co_await read_line(c)) {
      }
      co_return;
    }
    if (options.tls == FakeSmtpOptions::Tls::implicit) {
      auto [ec] = co_await c.stream.async_handshake(ssl::stream_base::server, kTuple);
      if (ec) {
        problem("TLS handshake failed: " + ec.message());
        co_return;
      }
      c.tls_on = true;
    }
    if (auto failure = take_failure(SmtpStage::greeting)) {
      co_await write(c, std::to_string(failure->code) + " " + failure->text);
      co_return;
    }
    if (!co_await write(c, "220 fake.smtp.test ESMTP linkgate-test")) co_return;

    bool greeted = false;
    bool authenticated = false;
    bool in_mail = false;
    std::size_t recipients = 0;
    for (;;) {
      auto line = co_await read_line(c);
      if (!line) {
        if (c.line_too_long) problem("a command line longer than 998 characters");
        co_return;
      }
      edit(index, [&](SmtpSession& s) { s.commands.push_back(*line); });
      const auto space = line->find(' ');
      const std::string verb = upper(line->substr(0, space));
      const std::string argument = space == std::string::npos ? "" : line->substr(space + 1);
      std::string reply;

      if (verb == "EHLO" || verb == "HELO") {
        greeted = true;
        in_mail = false;
        recipients = 0;
        edit(index, [&](SmtpSession& s) { s.ehlo = argument; });
        if (verb == "HELO") {
          reply = "250 fake.smtp.test";
        } else {
          reply = "250-fake.smtp.test greets " + argument + "\r\n";
          if (options.tls == FakeSmtpOptions::Tls::starttls && !c.tls_on) {
            reply += "250-STARTTLS\r\n";
          }
          // Like most submission servers, AUTH is offered only over TLS when TLS is available.
          const bool auth_now = options.tls == FakeSmtpOptions::Tls::none || c.tls_on;
          if (auth_now && !options.auth_mechanisms.empty()) {
            std::string mechanisms;
            for (const auto& m : options.auth_mechanisms) mechanisms += " " + m;
            reply += "250-AUTH" + mechanisms + "\r\n";
          }
          reply += "250-8BITMIME\r\n250 SIZE 10240000";
        }
      } else if (verb == "STARTTLS") {
        if (options.tls != FakeSmtpOptions::Tls::starttls || c.tls_on) {
          reply = "503 5.5.1 TLS not available";
        } else {
          if (!co_await write(c, "220 2.0.0 Ready to start TLS")) co_return;
          if (!c.buffer.empty()) problem("client pipelined data after STARTTLS");
          c.buffer.clear();
          auto [ec] = co_await c.stream.async_handshake(ssl::stream_base::server, kTuple);
          if (ec) {
            problem("STARTTLS handshake failed: " + ec.message());
            co_return;
          }
          c.tls_on = true;
          greeted = false;  // RFC 3207 §4.2: the client must EHLO again
          continue;
        }
      } else if (verb == "AUTH") {
        reply = co_await authenticate(c, index, argument, authenticated);
        if (reply.empty()) co_return;
      } else if (verb == "MAIL") {
        const auto address = angle_address(argument);
        if (!greeted) {
          problem("MAIL before EHLO");
          reply = "503 5.5.1 EHLO first";
        } else if (!options.user.empty() && !authenticated) {
          problem("MAIL before AUTH");
          reply = "530 5.7.0 Authentication required";
        } else if (upper(argument.substr(0, 5)) != "FROM:" || !address) {
          problem("malformed MAIL: " + *line);
          reply = "501 5.5.4 Syntax: MAIL FROM:<address>";
        } else if (auto failure = take_failure(SmtpStage::mail_from)) {
          reply = std::to_string(failure->code) + " " + failure->text;
        } else {
          in_mail = true;
          recipients = 0;
          edit(index, [&](SmtpSession& s) {
            s.mail_from = *address;
            s.rcpt_to.clear();
          });
          reply = "250 2.1.0 Ok";
        }
      } else if (verb == "RCPT") {
        const auto address = angle_address(argument);
        if (!in_mail) {
          problem("RCPT before MAIL");
          reply = "503 5.5.1 MAIL first";
        } else if (upper(argument.substr(0, 3)) != "TO:" || !address) {
          problem("malformed RCPT: " + *line);
          reply = "501 5.5.4 Syntax: RCPT TO:<address>";
        } else if (auto failure = take_failure(SmtpStage::rcpt_to)) {
          reply = std::to_string(failure->code) + " " + failure->text;
        } else {
          ++recipients;
          edit(index, [&](SmtpSession& s) { s.rcpt_to.push_back(*address); });
          reply = "250 2.1.5 Ok";
        }
      } else if (verb == "DATA") {
        if (recipients == 0) {
          problem("DATA without a recipient");
          reply = "503 5.5.1 RCPT first";
        } else {
          if (!co_await write(c, "354 End data with <CR><LF>.<CR><LF>")) co_return;
          std::string data;
          for (;;) {
            auto data_line = co_await read_line(c);
            if (!data_line) {
              if (c.line_too_long) problem("a message line longer than 998 characters");
              co_return;
            }
            if (*data_line == ".") break;
            if (!data_line->empty() && data_line->front() == '.') data_line->erase(0, 1);
            data += *data_line + "\r\n";
          }
          const bool tls_on = c.tls_on;
          if (auto failure = take_failure(SmtpStage::data_end)) {
            reply = std::to_string(failure->code) + " " + failure->text;
            edit(index, [&](SmtpSession& s) {
              s.data = data;
              s.tls = tls_on;
            });
          } else {
            edit(index, [&](SmtpSession& s) {
              s.data = data;
              s.tls = tls_on;
              s.accepted = true;
            });
            {
              std::lock_guard lock(mutex);
              ++accepted;
            }
            changed.notify_all();
            reply = "250 2.0.0 Ok: queued as " + next_id();
          }
          in_mail = false;
          recipients = 0;
        }
      } else if (verb == "RSET") {
        in_mail = false;
        recipients = 0;
        reply = "250 2.0.0 Ok";
      } else if (verb == "NOOP") {
        reply = "250 2.0.0 Ok";
      } else if (verb == "QUIT") {
        co_await write(c, "221 2.0.0 Bye");
        co_return;
      } else {
        problem("unknown command: " + verb);
        reply = "502 5.5.2 Command not recognized";
      }
      if (!co_await write(c, reply)) co_return;
    }
  }

  // Runs AUTH PLAIN or LOGIN; returns the final reply, or "" when the peer went away.
  asio::awaitable<std::string> authenticate(Connection& c, std::size_t index,
                                            const std::string& argument, bool& authenticated) {
    const auto space = argument.find(' ');
    const std::string mechanism = upper(argument.substr(0, space));
    std::string initial = space == std::string::npos ? "" : argument.substr(space + 1);
    if (std::find(options.auth_mechanisms.begin(), options.auth_mechanisms.end(), mechanism) ==
        options.auth_mechanisms.end()) {
      problem("AUTH with a mechanism not offered: " + mechanism);
      co_return "504 5.5.4 Unrecognized authentication type";
    }
    auto ask = [&](std::string prompt) -> asio::awaitable<std::optional<std::string>> {
      if (!co_await write(c, "334 " + prompt)) co_return std::nullopt;
      auto answer = co_await read_line(c);
      if (answer) edit(index, [&](SmtpSession& s) { s.commands.push_back(*answer); });
      co_return answer;
    };
    std::string user;
    std::string password;
    if (mechanism == "PLAIN") {
      if (initial.empty() || initial == "=") {
        auto answer = co_await ask("");
        if (!answer) co_return "";
        initial = *answer;
      }
      const std::string decoded = base64_decode(initial);
      const auto first = decoded.find('\0');
      const auto second = first == std::string::npos ? first : decoded.find('\0', first + 1);
      if (second == std::string::npos) co_return "501 5.5.2 Malformed AUTH PLAIN";
      user = decoded.substr(first + 1, second - first - 1);
      password = decoded.substr(second + 1);
    } else if (mechanism == "LOGIN") {
      if (initial.empty()) {
        auto answer = co_await ask("VXNlcm5hbWU6");  // "Username:"
        if (!answer) co_return "";
        initial = *answer;
      }
      user = base64_decode(initial);
      auto answer = co_await ask("UGFzc3dvcmQ6");  // "Password:"
      if (!answer) co_return "";
      password = base64_decode(*answer);
    } else {
      co_return "504 5.5.4 Unrecognized authentication type";
    }
    edit(index, [&](SmtpSession& s) {
      s.auth_user = user;
      s.auth_password = password;
    });
    if (!options.user.empty() && (user != options.user || password != options.password)) {
      co_return "535 5.7.8 Authentication credentials invalid";
    }
    authenticated = true;
    edit(index, [&](SmtpSession& s) { s.auth_mechanism = mechanism; });
    co_return "235 2.7.0 Authentication successful";
  }

  void close_all() {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    std::lock_guard lock(mutex);
    for (auto& weak : connections) {
      if (auto c = weak.lock()) c->stream.next_layer().close(ignored);
    }
    connections.clear();
  }
};

FakeSmtpServer::FakeSmtpServer(FakeSmtpOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.tls != FakeSmtpOptions::Tls::none) {
    const TestCertificate certificate = make_test_certificate();
    impl_->tls.use_certificate_chain(asio::buffer(certificate.certificate_pem));
    impl_->tls.use_private_key(asio::buffer(certificate.private_key_pem), ssl::context::pem);
    impl_->ca_file = make_temp_dir() + "/fake-smtp-ca.pem";
    std::ofstream(impl_->ca_file) << certificate.certificate_pem;
  }
  boost::system::error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("FakeSmtpServer: cannot listen: " + ec.message());
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

FakeSmtpServer::~FakeSmtpServer() {
  stop();
}

unsigned short FakeSmtpServer::port() const {
  return impl_->port;
}

std::string FakeSmtpServer::url(const std::string& user, const std::string& password) const {
  const bool implicit = impl_->options.tls == FakeSmtpOptions::Tls::implicit;
  std::string out = implicit ? "smtps://" : "smtp://";
  if (!user.empty()) out += user + ":" + password + "@";
  return out + "127.0.0.1:" + std::to_string(impl_->port);
}

const std::string& FakeSmtpServer::ca_file() const {
  return impl_->ca_file;
}

void FakeSmtpServer::fail_next(SmtpStage stage, int code, std::string text, int count) {
  if (count <= 0) return;
  std::lock_guard lock(impl_->mutex);
  impl_->pending.push_back(Impl::Pending{stage, code, std::move(text), count});
}

void FakeSmtpServer::set_never_answer(bool never_answer) {
  impl_->never_answer = never_answer;
}

void FakeSmtpServer::stop() {
  std::lock_guard lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->close_all(); });
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::vector<SmtpSession> FakeSmtpServer::sessions() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sessions;
}

std::vector<std::string> FakeSmtpServer::problems() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->problems;
}

std::size_t FakeSmtpServer::connection_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sessions.size();
}

bool FakeSmtpServer::wait_for_messages(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->accepted >= n; });
}

}  // namespace linkgate::testing

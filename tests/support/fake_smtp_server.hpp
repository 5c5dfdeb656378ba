// A small SMTP server for tests (RFC 5321 subset), on 127.0.0.1 and an ephemeral port, running
// on its own thread. It records each session's conversation and message, answers like a real
// submission server, and fails on demand.
//
//   linkgate::testing::FakeSmtpServer smtp({.tls = FakeSmtpOptions::Tls::starttls,
//                                          .user = "u", .password = "p"});
//   ... send through smtp://u:p@127.0.0.1:<smtp.port()>, trusting smtp.ca_file() ...
//   ASSERT_TRUE(smtp.wait_for_messages(1));
//   SmtpSession s = smtp.sessions().back();   // s.commands, s.rcpt_to, s.data, s.tls, ...
//
// Speaks: EHLO/HELO, STARTTLS (Tls::starttls), AUTH PLAIN (with or without the initial
// response) and AUTH LOGIN, MAIL FROM, RCPT TO, DATA (dot-unstuffed), RSET, NOOP, QUIT.
// Tls::implicit does TLS from the first byte (smtps). The TLS certificate is self-signed for
// 127.0.0.1 and localhost, made at start-up; ca_file() is a PEM file of it to trust.
// With a user set, MAIL FROM before a successful AUTH is answered 530, and wrong credentials
// 535. Protocol misuse (e.g. RCPT before MAIL) is answered 503 and noted in problems().
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace linkgate::testing {

struct FakeSmtpOptions {
  enum class Tls { none, starttls, implicit };
  Tls tls = Tls::none;
  std::vector<std::string> auth_mechanisms{"PLAIN", "LOGIN"};  // advertised after EHLO
  std::string user;  // empty: no AUTH required (an AUTH is still checked against these)
  std::string password;
};

struct SmtpSession {
  std::vector<std::string> commands;  // every client line, in order ("EHLO x", "MAIL FROM:<a>")
  std::string ehlo;                   // the EHLO/HELO argument (the last one)
  bool tls = false;                   // TLS was on when the message was sent
  std::string auth_mechanism;         // "PLAIN" or "LOGIN" when AUTH succeeded
  std::string auth_user;              // decoded, from the AUTH exchange
  std::string auth_password;
  std::string mail_from;  // the address between < and > of MAIL FROM
  std::vector<std::string> rcpt_to;
  std::string data;       // the message as received after DATA, dot-unstuffed, CRLF line ends
  bool accepted = false;  // the DATA was answered 250
};

// Where fail_next() answers instead of the normal reply.
enum class SmtpStage { greeting, mail_from, rcpt_to, data_end };

class FakeSmtpServer {
 public:
  // Listens at once; throws std::runtime_error when it cannot (a test setup failure).
  explicit FakeSmtpServer(FakeSmtpOptions options = {});
  ~FakeSmtpServer();  // stops
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;

  unsigned short port() const;
  // "smtp://user:password@127.0.0.1:<port>" (smtps:// for Tls::implicit); credentials as given
  // (percent-encode them yourself if needed); without a user, no userinfo.
  std::string url(const std::string& user = "", const std::string& password = "") const;
  // The PEM file of the server's certificate; empty with Tls::none.
  const std::string& ca_file() const;

  // The next `count` times `stage` is reached, answer `code text` (e.g. 451, 550) instead.
  // A greeting failure closes the connection after the reply, like a busy server.
  void fail_next(SmtpStage stage, int code, std::string text, int count = 1);
  // Accept connections but never send a greeting (tests client timeouts).
  void set_never_answer(bool never_answer);
  // Closes the listener and every connection; the port then refuses connections. Idempotent.
  void stop();

  std::vector<SmtpSession> sessions() const;  // every session so far, including open ones
  std::vector<std::string> problems() const;  // protocol misuse noticed
  std::size_t connection_count() const;
  // Waits until at least n messages were accepted; false on timeout.
  bool wait_for_messages(std::size_t n,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace linkgate::testing

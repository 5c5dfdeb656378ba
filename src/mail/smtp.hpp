// SMTP delivery through libcurl (SPEC P3): EMAIL_SERVER=smtp://user:pass@host:587 (STARTTLS
// whenever the server offers it) or smtps://user:pass@host:465 (TLS from the first byte).
// AUTH is done when the URL has a user, with a mechanism the server offers (PLAIN, LOGIN, ...).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "linkgate/result.hpp"
#include "mail/transport.hpp"

namespace linkgate::mail {

struct SmtpServer {
  bool implicit_tls = false;  // smtps://
  std::string host;           // as in the URL; IPv6 literals keep their brackets
  int port = 587;             // default 587 for smtp://, 465 for smtps://
  std::string user;           // percent-decoded; empty: no AUTH
  std::string password;       // percent-decoded
};

// Reads EMAIL_SERVER. Errors (kind "configuration") never echo the URL: it holds a password.
Result<SmtpServer> parse_smtp_url(std::string_view url);

struct SmtpOptions {
  std::string server_url;  // EMAIL_SERVER
  std::string ca_file;     // PEM bundle to trust for the server's certificate; empty: system CAs
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{15000};
};

// A Transport whose try is one SMTP session: EHLO, STARTTLS when offered (smtp://), AUTH when
// a user is set, MAIL FROM:<from address>, exactly one RCPT TO:<to>, DATA (mime.hpp), QUIT.
// SMTP 4xx replies, refused connections and timeouts are retryable; 5xx replies (a rejected
// recipient, failed AUTH) are not. Errors carry the server's last reply, scrubbed of the
// password, the AUTH encodings, the link and the token. Certificates are always verified.
Result<std::shared_ptr<Transport>> make_smtp_transport(SmtpOptions options);

}  // namespace linkgate::mail

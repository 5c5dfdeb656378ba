// SMTP delivery (SPEC P3, P5) against a local SMTP server that records the conversation and the
// message: plain, STARTTLS and implicit TLS; AUTH PLAIN and LOGIN; failures on demand.
#include "mail/smtp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "support/fake_smtp_server.hpp"

namespace linkgate::mail {
namespace {

using linkgate::testing::FakeSmtpOptions;
using linkgate::testing::FakeSmtpServer;
using linkgate::testing::SmtpSession;
using linkgate::testing::SmtpStage;
using namespace std::chrono_literals;

const std::string kToken = "a1b2c3d4e5f6a7b8";
const std::string kUrl =
    "http://127.0.0.1:3000/api/auth/callback/smtp?callbackUrl=%2F&token=" + kToken +
    "&email=zoe%40example.org";
const std::string kPassword = "s3cret-p@ss";

EmailMessage message() {
  return EmailMessage{"zoe@example.org",
                      "Acme Login <login@acme.test>",
                      "Sign in to 127.0.0.1:3000",
                      "Sign in to 127.0.0.1:3000\n" + kUrl + "\n\n",
                      "<body><a href=\"" + kUrl + "\" target=\"_blank\">Sign in</a></body>",
                      kUrl};
}

std::shared_ptr<Transport> transport_for(const std::string& url, const std::string& ca = "",
                                         std::chrono::milliseconds total = 5000ms) {
  SmtpOptions options;
  options.server_url = url;
  options.ca_file = ca;
  options.connect_timeout = 2000ms;
  options.total_timeout = total;
  auto transport = make_smtp_transport(options);
  EXPECT_TRUE(transport.ok()) << transport.error().message;
  return *transport;
}

// The command verbs, without the AUTH exchange's base64 lines, for readable assertions.
std::vector<std::string> verbs(const SmtpSession& s) {
  static const std::vector<std::string> kVerbs{"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                               "RCPT", "DATA", "RSET",     "NOOP", "QUIT"};
  std::vector<std::string> out;
  for (const auto& c : s.commands) {
    const std::string verb = c.substr(0, c.find_first_of(" :"));
    if (std::find(kVerbs.begin(), kVerbs.end(), verb) != kVerbs.end()) out.push_back(verb);
  }
  return out;
}

std::string header(const std::string& data, const std::string& name) {
  const auto at = data.find("\r\n" + name + ": ");
  const auto first = data.rfind(name + ": ", 0) == 0 ? 0 : at;
  if (first == std::string::npos) return "";
  // Unfolds continuation lines (CRLF followed by a space).
  const auto start = data.find(": ", first) + 2;
  std::string value;
  std::size_t pos = start;
  for (;;) {
    const auto end = data.find("\r\n", pos);
    value += data.substr(pos, end - pos);
    if (data.compare(end + 2, 1, " ") != 0) break;
    pos = end + 2;
  }
  return value;
}

void expect_no_secrets(const std::string& text) {
  EXPECT_EQ(text.find(kPassword), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
  EXPECT_EQ(text.find("callback/smtp"), std::string::npos) << text;
}

TEST(SmtpUrl, ParsesSchemesPortsAndCredentials) {
  auto plain = parse_smtp_url("smtp://user%40acme:p%3Ass@mail.acme.test:2525");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->implicit_tls);
  EXPECT_EQ(plain->host, "mail.acme.test");
  EXPECT_EQ(plain->port, 2525);
  EXPECT_EQ(plain->user, "user@acme");
  EXPECT_EQ(plain->password, "p:ss");
  auto tls = parse_smtp_url("smtps://u:p@mail.acme.test");
  ASSERT_TRUE(tls.ok());
  EXPECT_TRUE(tls->implicit_tls);
  EXPECT_EQ(tls->port, 465);
  EXPECT_EQ(parse_smtp_url("smtp://mail.acme.test")->port, 587);
  EXPECT_EQ(parse_smtp_url("smtp://mail.acme.test")->user, "");
  for (const char* bad : {"http://x", "smtp://", "smtp://u:p@h:25/path", "smtp://h?secure=true",
                          "not a url", "smtp://u:p%0a@h"}) {
    auto parsed = parse_smtp_url(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().message.find("p%0a"), std::string::npos);
  }
}

TEST(SmtpTransport, PlainServerWithAuthPlain) {
  FakeSmtpServer smtp({.auth_mechanisms = {"PLAIN"}, .user = "mailer", .password = kPassword});
  auto outcome = transport_for(smtp.url("mailer", "s3cret-p%40ss"))->try_send(message(), 5s);
  ASSERT_TRUE(outcome.ok()) << outcome.failure->error.message;
  ASSERT_TRUE(smtp.wait_for_messages(1));
  EXPECT_TRUE(smtp.problems().empty()) << smtp.problems().front();
  const SmtpSession s = smtp.sessions().at(0);
  EXPECT_EQ(verbs(s), (std::vector<std::string>{"EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"}));
  EXPECT_EQ(s.auth_mechanism, "PLAIN");
  EXPECT_EQ(s.auth_user, "mailer");
  EXPECT_EQ(s.auth_password, kPassword);
  EXPECT_EQ(s.mail_from, "login@acme.test");
  EXPECT_EQ(s.rcpt_to, std::vector<std::string>{"zoe@example.org"});
  EXPECT_FALSE(s.tls);
}

TEST(SmtpTransport, AuthLogin) {
  FakeSmtpServer smtp({.auth_mechanisms = {"LOGIN"}, .user = "mailer", .password = "pw"});
  ASSERT_TRUE(transport_for(smtp.url("mailer", "pw"))->try_send(message(), 5s).ok());
  const SmtpSession s = smtp.sessions().at(0);
  EXPECT_EQ(s.auth_mechanism, "LOGIN");
  EXPECT_EQ(s.auth_user, "mailer");
  EXPECT_EQ(s.auth_password, "pw");
}

TEST(SmtpTransport, NoCredentialsNoAuth) {
  FakeSmtpServer smtp;
  ASSERT_TRUE(transport_for(smtp.url())->try_send(message(), 5s).ok());
  const SmtpSession s = smtp.sessions().at(0);
  EXPECT_EQ(verbs(s), (std::vector<std::string>{"EHLO", "MAIL", "RCPT", "DATA", "QUIT"}));
  EXPECT_TRUE(s.auth_mechanism.empty());
}

TEST(SmtpTransport, StartTlsWhenOfferedThenAuth) {
  FakeSmtpServer smtp(
      {.tls = FakeSmtpOptions::Tls::starttls, .user = "mailer", .password = kPassword});
  auto outcome =
      transport_for(smtp.url("mailer", "s3cret-p%40ss"), smtp.ca_file())->try_send(message(), 5s);
  ASSERT_TRUE(outcome.ok()) << outcome.failure->error.message;
  EXPECT_TRUE(smtp.problems().empty()) << smtp.problems().front();
  const SmtpSession s = smtp.sessions().at(0);
  const auto v = verbs(s);
  ASSERT_GE(v.size(), 4u);
  EXPECT_EQ(v[0], "EHLO");
  EXPECT_EQ(v[1], "STARTTLS");
  EXPECT_EQ(v[2], "EHLO");
  EXPECT_EQ(v[3], "AUTH");
  EXPECT_TRUE(s.tls);
  EXPECT_EQ(s.auth_password, kPassword);
}

TEST(SmtpTransport, StartTlsWithAnUntrustedCertificateFailsClosed) {
  FakeSmtpServer smtp({.tls = FakeSmtpOptions::Tls::starttls, .user = "u", .password = "p"});
  auto outcome = transport_for(smtp.url("u", "p"))->try_send(message(), 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.failure->retryable);
  EXPECT_FALSE(smtp.wait_for_messages(1, 100ms));
  const SmtpSession s = smtp.sessions().at(0);
  for (const auto& c : s.commands) EXPECT_NE(c.substr(0, 4), "AUTH");
}

TEST(SmtpTransport, ImplicitTls) {
  FakeSmtpServer smtp({.tls = FakeSmtpOptions::Tls::implicit, .user = "u", .password = "p"});
  auto outcome = transport_for(smtp.url("u", "p"), smtp.ca_file())->try_send(message(), 5s);
  ASSERT_TRUE(outcome.ok()) << outcome.failure->error.message;
  EXPECT_TRUE(smtp.sessions().at(0).tls);
  EXPECT_EQ(smtp.url("u", "p").rfind("smtps://", 0), 0u);
}

TEST(SmtpTransport, MimeMessageHasTheHeadersAndBothParts) {
  FakeSmtpServer smtp;
  ASSERT_TRUE(transport_for(smtp.url())->try_send(message(), 5s).ok());
  const std::string data = smtp.sessions().at(0).data;
  EXPECT_EQ(header(data, "From"), "Acme Login <login@acme.test>");
  EXPECT_EQ(header(data, "To"), "zoe@example.org");
  EXPECT_EQ(header(data, "Subject"), "Sign in to 127.0.0.1:3000");
  EXPECT_EQ(header(data, "MIME-Version"), "1.0");
  EXPECT_NE(header(data, "Date").find(" +0000"), std::string::npos);
  const std::string id = header(data, "Message-ID");
  EXPECT_EQ(id.front(), '<');
  EXPECT_NE(id.find("@acme.test>"), std::string::npos);
  const std::string type = header(data, "Content-Type");
  ASSERT_EQ(type.rfind("multipart/alternative; boundary=\"", 0), 0u) << type;
  const std::string boundary =
      type.substr(type.find('"') + 1, type.rfind('"') - type.find('"') - 1);
  const auto text_part = data.find("--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8");
  const auto html_part = data.find("--" + boundary + "\r\nContent-Type: text/html; charset=utf-8");
  ASSERT_NE(text_part, std::string::npos);
  ASSERT_NE(html_part, std::string::npos);
  EXPECT_LT(text_part, html_part);
  EXPECT_NE(data.find("--" + boundary + "--\r\n"), std::string::npos);
  EXPECT_NE(data.find("\nContent-Transfer-Encoding: quoted-printable"),
            data.rfind("\nContent-Transfer-Encoding: quoted-printable"));
  // The link survives quoted-printable: '=' is =3D, long lines are soft-broken.
  EXPECT_NE(data.find("token=3D"), std::string::npos);
  for (std::size_t at = 0, next; (next = data.find("\r\n", at)) != std::string::npos;
       at = next + 2) {
    EXPECT_LE(next - at, 78u) << data.substr(at, next - at);
  }
}

TEST(SmtpTransport, HeaderInjectionThroughTheAddressIsRefused) {
  FakeSmtpServer smtp;
  auto transport = transport_for(smtp.url());
  EmailMessage bad = message();
  bad.to = "zoe@example.org\r\nBcc: all@example.org";
  auto outcome = transport->try_send(bad, 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.failure->retryable);
  EmailMessage list = message();
  list.to = "zoe@example.org, eve@example.org";
  EXPECT_FALSE(transport->try_send(list, 5s).ok());
  EmailMessage subject = message();
  subject.subject = "Hi\r\nBcc: eve@example.org";
  EXPECT_FALSE(transport->try_send(subject, 5s).ok());
  EXPECT_EQ(smtp.connection_count(), 0u);
}

TEST(SmtpTransport, NonAsciiSubjectAndNameAreEncodedWords) {
  FakeSmtpServer smtp;
  EmailMessage m = message();
  m.from = "Café Zoë <login@acme.test>";
  m.subject = "Connexion à café.example — lien";
  ASSERT_TRUE(transport_for(smtp.url())->try_send(m, 5s).ok());
  const std::string data = smtp.sessions().at(0).data;
  EXPECT_EQ(header(data, "From").rfind("=?UTF-8?B?", 0), 0u) << header(data, "From");
  EXPECT_NE(header(data, "From").find("?= <login@acme.test>"), std::string::npos);
  EXPECT_EQ(header(data, "Subject").rfind("=?UTF-8?B?", 0), 0u);
}

TEST(SmtpTransport, RejectedRecipientIsPermanentAndNamesTheReply) {
  FakeSmtpServer smtp;
  smtp.fail_next(SmtpStage::rcpt_to, 550, "5.1.1 <zoe@example.org>: Recipient address rejected");
  auto outcome = transport_for(smtp.url())->try_send(message(), 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.failure->retryable);
  EXPECT_NE(outcome.failure->error.message.find("550 5.1.1"), std::string::npos)
      << outcome.failure->error.message;
  EXPECT_EQ(outcome.failure->error.message.rfind("smtp: ", 0), 0u);
}

TEST(SmtpTransport, TemporaryFailuresAreRetryable) {
  FakeSmtpServer smtp;
  auto transport = transport_for(smtp.url());
  smtp.fail_next(SmtpStage::data_end, 451, "4.3.0 Try again later");
  auto data = transport->try_send(message(), 5s);
  ASSERT_FALSE(data.ok());
  EXPECT_TRUE(data.failure->retryable);
  EXPECT_NE(data.failure->error.message.find("451 4.3.0"), std::string::npos);
  smtp.fail_next(SmtpStage::greeting, 421, "4.7.0 Too busy");
  auto greeting = transport->try_send(message(), 5s);
  ASSERT_FALSE(greeting.ok());
  EXPECT_TRUE(greeting.failure->retryable) << greeting.failure->error.message;
  EXPECT_TRUE(transport->try_send(message(), 5s).ok());
}

TEST(SmtpTransport, WrongPasswordIsPermanentAndScrubbed) {
  FakeSmtpServer smtp({.user = "mailer", .password = "right"});
  auto outcome = transport_for(smtp.url("mailer", "s3cret-p%40ss"))->try_send(message(), 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_FALSE(outcome.failure->retryable);
  expect_no_secrets(outcome.failure->error.message);
}

TEST(SmtpTransport, ClosedPortIsRetryable) {
  std::string url;
  {
    FakeSmtpServer smtp;
    url = smtp.url();
  }
  auto outcome = transport_for(url)->try_send(message(), 5s);
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.failure->retryable);
}

TEST(SmtpTransport, SilentServerTimesOutWithinTimeLeft) {
  FakeSmtpServer smtp;
  smtp.set_never_answer(true);
  const auto start = std::chrono::steady_clock::now();
  auto outcome = transport_for(smtp.url())->try_send(message(), 400ms);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(outcome.failure->retryable);
  EXPECT_GE(elapsed, 350ms);
  EXPECT_LT(elapsed, 1500ms);
}

}  // namespace
}  // namespace linkgate::mail

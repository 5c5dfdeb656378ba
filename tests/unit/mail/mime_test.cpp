// Reading From/To values and building the SMTP message text (mail/address.hpp, mail/mime.hpp).
#include <gtest/gtest.h>

#include "mail/address.hpp"
#include "mail/mime.hpp"

namespace linkgate::mail {
namespace {

TEST(ParseMailbox, ReadsBareAndNamedAddresses) {
  auto bare = parse_mailbox("login@acme.test");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->display_name, "");
  EXPECT_EQ(bare->address, "login@acme.test");
  EXPECT_EQ(bare->domain(), "acme.test");
  auto named = parse_mailbox("  Acme Login <login@mg.acme.test> ");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->display_name, "Acme Login");
  EXPECT_EQ(named->domain(), "mg.acme.test");
  auto quoted = parse_mailbox(R"("Acme, \"Inc.\"" <login@acme.test>)");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->display_name, "Acme, \"Inc.\"");
}

TEST(ParseMailbox, RefusesInjectionListsAndMalformedAddresses) {
  for (const char* bad : {"a@b.c\r\nBcc: x@y.z", "a@b.c\n", "a@b.c, d@e.f", "Acme, Inc <a@b.c>",
                          "a@b@c", "@b.c", "a@", "a b@c.d", "Acme <a@b.c", "Acme <a@b.c> x",
                          "a@b..c", "\"Acme <a@b.c>", "Auth.js <no-reply@authjs.dev>>"}) {
    EXPECT_FALSE(parse_mailbox(bad).ok()) << bad;
  }
}

TEST(Mime, QuotedPrintableKeepsLinesShortAndEncodesWhatMustBe) {
  EXPECT_EQ(quoted_printable("a=b\n.dot\ntrailing \nä"),
            "a=3Db\r\n=2Edot\r\ntrailing=20\r\n=C3=A4");
  const std::string long_line(200, 'x');
  const std::string encoded = quoted_printable(long_line);
  for (std::size_t at = 0, next; (next = encoded.find("\r\n", at)) != std::string::npos;
       at = next + 2) {
    EXPECT_LE(next - at, 76u);
    EXPECT_EQ(encoded[next - 1], '=');  // soft break
  }
}

TEST(Mime, HeaderTextIsEncodedWordsWhenNotAscii) {
  EXPECT_EQ(encode_header_text("Sign in to example.com"), "Sign in to example.com");
  const std::string encoded = encode_header_text("Connexion à café");
  EXPECT_EQ(encoded, "=?UTF-8?B?Q29ubmV4aW9uIMOgIGNhZsOp?=");
  // Long text: several words of at most 75 characters, folded, never splitting a character.
  const std::string many = encode_header_text(std::string(60, 'a') + "é" + std::string(60, 'b'));
  std::size_t words = 0;
  for (std::size_t at = 0; (at = many.find("=?UTF-8?B?", at)) != std::string::npos; ++at) ++words;
  EXPECT_GE(words, 2u);
  EXPECT_NE(many.find("?=\r\n =?UTF-8?B?"), std::string::npos);
}

TEST(Mime, DateIsRfc5322) {
  EXPECT_EQ(rfc5322_date(std::chrono::system_clock::from_time_t(784111777)),
            "Sun, 06 Nov 1994 08:49:37 +0000");
}

TEST(Mime, BuildsTheWholeMessage) {
  EmailMessage m{
      "zoe@example.org", "Acme <login@acme.test>", "Sign in to h", "text\n", "<p>x</p>", ""};
  auto built = build_mime_message(m, std::chrono::system_clock::from_time_t(784111777), "abc123");
  ASSERT_TRUE(built.ok());
  EXPECT_EQ(*built,
            "From: Acme <login@acme.test>\r\n"
            "To: zoe@example.org\r\n"
            "Subject: Sign in to h\r\n"
            "Date: Sun, 06 Nov 1994 08:49:37 +0000\r\n"
            "Message-ID: <abc123@acme.test>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/alternative;\r\n boundary=\"=_linkgate_abc123\"\r\n"
            "\r\n"
            "This is a multi-part message in MIME format.\r\n"
            "\r\n--=_linkgate_abc123\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            "text\r\n\r\n"
            "\r\n--=_linkgate_abc123\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            "<p>x</p>\r\n"
            "--=_linkgate_abc123--\r\n");
  m.to = "zoe@example.org\r\nBcc: eve@example.org";
  EXPECT_FALSE(build_mime_message(m, {}, "x").ok());
}

}  // namespace
}  // namespace linkgate::mail

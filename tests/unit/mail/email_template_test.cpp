// The built-in verification email (authjs-behaviour.md §7, SPEC P4).
#include "core/email_template.hpp"

#include <gtest/gtest.h>

namespace linkgate::core {
namespace {

const std::string kUrl =
    "https://auth.example.com:3000/api/auth/callback/postmark?callbackUrl=https%3A%2F%2F"
    "auth.example.com%3A3000&token=0123abcd&email=jane%40example.org";
const std::string kHost = "auth.example.com:3000";

TEST(EmailTemplate, SubjectIsSignInToHost_Section7) {
  const auto content = render_verification_email(kUrl, kHost, Theme{});
  EXPECT_EQ(content.subject, "Sign in to auth.example.com:3000");
}

TEST(EmailTemplate, TextBodyIsExactlyTheSeeds_Section7) {
  const auto content = render_verification_email(kUrl, kHost, Theme{});
  EXPECT_EQ(content.text, "Sign in to auth.example.com:3000\n" + kUrl + "\n\n");
}

TEST(EmailTemplate, HtmlBreaksEveryDotOfTheHostWithAZeroWidthSpace_Section7) {
  const auto content = render_verification_email(kUrl, kHost, Theme{});
  EXPECT_NE(content.html.find("Sign in to <strong>auth&#8203;.example&#8203;.com:3000</strong>"),
            std::string::npos)
      << content.html;
}

TEST(EmailTemplate, HtmlCarriesTheEscapedLinkInTheButton) {
  const auto content = render_verification_email(kUrl, kHost, Theme{});
  std::string escaped = kUrl;
  for (std::size_t at = 0; (at = escaped.find('&', at)) != std::string::npos; at += 5) {
    escaped.replace(at, 1, "&amp;");
  }
  EXPECT_NE(content.html.find("<a href=\"" + escaped + "\""), std::string::npos) << content.html;
  EXPECT_NE(content.html.find("target=\"_blank\""), std::string::npos);
}

TEST(EmailTemplate, HtmlHasTheSeedsLayoutAndDefaultColours_Section7) {
  const auto html = render_verification_email(kUrl, kHost, Theme{}).html;
  EXPECT_NE(html.find("<body style=\"background: #f9f9f9;\">"), std::string::npos);
  EXPECT_NE(html.find("cellspacing=\"20\""), std::string::npos);
  EXPECT_NE(html.find("max-width: 600px"), std::string::npos);
  EXPECT_NE(html.find("border-radius: 10px"), std::string::npos);
  EXPECT_NE(html.find("bgcolor=\"#346df1\""), std::string::npos);
  EXPECT_NE(html.find("border: 1px solid #346df1"), std::string::npos);
  EXPECT_NE(html.find("color: #fff; text-decoration: none"), std::string::npos);
  EXPECT_NE(html.find("color: #444"), std::string::npos);
  EXPECT_NE(html.find("If you did not request this email you can safely ignore it."),
            std::string::npos);
  EXPECT_NE(html.find("font-weight: bold;\">Sign\n"), std::string::npos);
}

TEST(EmailTemplate, ThemeColoursColourTheButton_Section7) {
  Theme theme;
  theme.brand_color = "#ff6600";
  theme.button_text = "black";
  const auto html = render_verification_email(kUrl, kHost, theme).html;
  EXPECT_NE(html.find("bgcolor=\"#ff6600\""), std::string::npos);
  EXPECT_NE(html.find("border: 1px solid #ff6600"), std::string::npos);
  EXPECT_NE(html.find("color: black; text-decoration: none"), std::string::npos);
  EXPECT_EQ(html.find("#346df1"), std::string::npos);

  theme.brand_color = "rgb(10, 20, 30)";
  EXPECT_NE(render_verification_email(kUrl, kHost, theme).html.find("bgcolor=\"rgb(10, 20, 30)\""),
            std::string::npos);
}

// GHSA-pgjx-7f9g-9463: the recipient address is never rendered (the link carries it encoded).
TEST(EmailTemplate, NeverContainsTheRecipientAddress) {
  const auto content = render_verification_email(kUrl, kHost, Theme{});
  EXPECT_EQ(content.html.find("jane@example.org"), std::string::npos);
  EXPECT_EQ(content.text.find("jane@example.org"), std::string::npos);
  EXPECT_EQ(content.subject.find("jane@example.org"), std::string::npos);
}

TEST(EmailTemplate, MaliciousUrlCannotBreakOutOfTheHref) {
  const std::string url = "https://a.example/cb?token=x\"><script>alert(1)</script>&y='1'";
  const auto html = render_verification_email(url, "a.example", Theme{}).html;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("x\">"), std::string::npos);
  EXPECT_NE(html.find("token=x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;y=&#39;1&#39;"),
            std::string::npos)
      << html;
}

TEST(EmailTemplate, MaliciousHostIsEscaped) {
  const auto html =
      render_verification_email(kUrl, "<img src=x onerror=alert(1)>.com", Theme{}).html;
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;&#8203;.com"), std::string::npos);
}

TEST(EmailTemplate, MaliciousThemeColoursFallBackToTheDefaults) {
  for (const std::string bad :
       {"red\"><script>alert(1)</script>", "#fff;background:url(javascript:alert(1))",
        "expression(alert(1))", "rgb(1,2,3);x:y", "#12345", "red blue", "url(x)"}) {
    Theme theme;
    theme.brand_color = bad;
    theme.button_text = bad;
    const auto html = render_verification_email(kUrl, kHost, theme).html;
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
    EXPECT_EQ(html.find("<script"), std::string::npos) << bad;
    EXPECT_NE(html.find("bgcolor=\"#346df1\""), std::string::npos) << bad;
    EXPECT_NE(html.find("color: #fff; text-decoration: none"), std::string::npos) << bad;
  }
}

// SPEC B3: with a one-time code the email shows it in both bodies; without, nothing changes.
TEST(EmailTemplate, ShowsTheOneTimeCodeWhenThereIsOne) {
  const auto content = render_verification_email(kUrl, kHost, Theme{}, "042917");
  EXPECT_EQ(content.text,
            "Sign in to auth.example.com:3000\n" + kUrl + "\n\nOr enter this code: 042917\n\n");
  EXPECT_NE(content.html.find("Or enter this code: <strong"), std::string::npos) << content.html;
  EXPECT_NE(content.html.find(">042917</strong>"), std::string::npos) << content.html;
  const auto without = render_verification_email(kUrl, kHost, Theme{});
  EXPECT_EQ(without.html.find("Or enter this code"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::core

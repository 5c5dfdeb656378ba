// Custom Mustache email templates (core/locale/custom_email.hpp) and their startup checks.
#include "core/locale/custom_email.hpp"

#include <gtest/gtest.h>

namespace linkgate::core {
namespace {

EmailVariables sample() {
  EmailVariables vars;
  vars.url = "https://example.com/api/auth/callback/email?token=abc&email=a%40b.c";
  vars.host = "example.com";
  vars.expires = "2030-01-02T03:04:05.000Z";
  vars.theme.brand_color = "#123456";
  vars.theme.button_text = "#fff";
  vars.theme.logo = "https://example.com/logo.png";
  vars.theme.color_scheme = "dark";
  return vars;
}

TEST(CustomEmail, NoTemplatesIsTheBuiltInEmail) {
  auto content = render_email({}, sample());
  ASSERT_TRUE(content.ok());
  auto builtin = render_verification_email(sample().url, sample().host, sample().theme);
  EXPECT_EQ(content->subject, builtin.subject);
  EXPECT_EQ(content->text, builtin.text);
  EXPECT_EQ(content->html, builtin.html);
}

TEST(CustomEmail, RendersEveryVariable) {
  EmailTemplates t;
  t.subject = "Log in to {{host}}";
  t.text = "{{url}} until {{expires}} code=[{{code}}]";
  t.html =
      "<a href=\"{{url}}\" style=\"background:{{theme.brandColor}};color:{{theme.buttonText}}\">"
      "<img src=\"{{theme.logo}}\"> {{theme.colorScheme}}</a>";
  auto content = render_email(t, sample());
  ASSERT_TRUE(content.ok()) << content.error().message;
  EXPECT_EQ(content->subject, "Log in to example.com");
  // Text and subject are never HTML-escaped.
  EXPECT_EQ(content->text,
            "https://example.com/api/auth/callback/email?token=abc&email=a%40b.c until "
            "2030-01-02T03:04:05.000Z code=[]");
  EXPECT_EQ(content->html,
            "<a href=\"https://example.com/api/auth/callback/email?token=abc&amp;email=a%40b.c\" "
            "style=\"background:#123456;color:#fff\"><img src=\"https://example.com/logo.png\"> "
            "dark</a>");
}

TEST(CustomEmail, HtmlEscapesByDefaultAndTripleBracesAreRaw) {
  EmailVariables vars = sample();
  vars.host = "<b>\"x\"&'y'</b>";
  EmailTemplates t;
  t.html = "{{host}}|{{{host}}}|{{&host}}";
  auto content = render_email(t, vars);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->html,
            "&lt;b&gt;&quot;x&quot;&amp;&apos;y&apos;&lt;/b&gt;|<b>\"x\"&'y'</b>|<b>\"x\"&'y'</b>");
}

TEST(CustomEmail, PartsLeftOutAreBuiltIn) {
  EmailTemplates t;
  t.subject = "Your link";
  auto content = render_email(t, sample());
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->subject, "Your link");
  EXPECT_EQ(content->text, "Sign in to example.com\n" + sample().url + "\n\n");
  EXPECT_NE(content->html.find("Sign in to <strong>example&#8203;.com</strong>"),
            std::string::npos);
}

TEST(CustomEmail, SubjectIsOneLine) {
  EmailTemplates t;
  t.subject = "  Sign in\r\nBcc: evil@example.com\n";
  auto content = render_email(t, sample());
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->subject, "Sign in  Bcc: evil@example.com");
  t.subject = "{{code}}\n";
  EXPECT_FALSE(render_email(t, sample()).ok());
}

TEST(CustomEmail, BrokenTemplateNamesFileAndLine) {
  EmailTemplates t;
  t.html = "<p>\n<a href=\"{{url}}\">\n{{#theme}}\n</a>\n";
  t.html_name = "/etc/linkgate/html.mustache";
  auto content = render_email(t, sample());
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.error().kind, "configuration");
  EXPECT_EQ(content.error().message.rfind("/etc/linkgate/html.mustache:3: ", 0), 0u)
      << content.error().message;

  t.html = "line one\nline two {{url\n";
  auto unclosed = check_email_templates(t);
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.error().message.rfind("/etc/linkgate/html.mustache:2: Unclosed tag", 0), 0u)
      << unclosed.error().message;
}

TEST(CustomEmail, MergePrefersTheLanguagesParts) {
  EmailTemplates base;
  base.subject = "base subject";
  base.text = "base text";
  base.subject_name = "base/subject.mustache";
  EmailTemplates fr;
  fr.subject = "sujet";
  fr.subject_name = "fr/subject.mustache";
  auto merged = merge_email_templates(fr, base);
  EXPECT_EQ(merged.subject, "sujet");
  EXPECT_EQ(merged.subject_name, "fr/subject.mustache");
  EXPECT_EQ(merged.text, "base text");
  EXPECT_TRUE(merged.html.empty());
}

TEST(CheckLocale, RejectsUnknownKeysAndBadTags) {
  EXPECT_TRUE(check_locale({"fr", {{"signin.heading", "Connexion"}}, {}}).ok());
  EXPECT_TRUE(check_locale({"pt-br", {}, {}}).ok());
  auto unknown = check_locale({"fr", {{"signin.headline", "x"}}, {}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("signin.headline"), std::string::npos);
  EXPECT_FALSE(check_locale({"FR", {}, {}}).ok());
  EXPECT_FALSE(check_locale({"f", {}, {}}).ok());
  EXPECT_FALSE(check_locale({"fr_", {}, {}}).ok());
  EXPECT_FALSE(check_locale({"fr-", {}, {}}).ok());
}

}  // namespace
}  // namespace linkgate::core

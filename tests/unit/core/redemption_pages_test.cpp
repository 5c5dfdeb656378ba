// The confirm page (SPEC B2) and the code form of the verify-request page (SPEC B3): a form that
// works without JavaScript, labelled fields, every value escaped.
#include <gtest/gtest.h>

#include <string>

#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "missing: " << (needle)
#define EXPECT_LACKS(haystack, needle) \
  EXPECT_EQ((haystack).find(needle), std::string::npos) << "unexpected: " << (needle)

ConfirmPage confirm_page() {
  ConfirmPage page;
  page.action_url = "https://auth.example.com/api/auth/callback/postmark";
  page.csrf_token = "csrf123";
  page.token = "tok\"en";
  page.email = "jane<b>@example.com";
  page.callback_url = "https://auth.example.com/app?a=1&b=2";
  return page;
}

TEST(ConfirmPage, AsksWhoAndPostsTheLinkBackWithTheCsrfToken) {
  const auto page = render_confirm(confirm_page());
  EXPECT_EQ(page.status, 200);
  EXPECT_HAS(page.html, "<html lang=\"en\"");
  EXPECT_HAS(page.html, "Sign in as jane&lt;b&gt;@example.com?");
  EXPECT_LACKS(page.html, "jane<b>");
  EXPECT_HAS(page.html,
             "<form action=\"https://auth.example.com/api/auth/callback/postmark\" "
             "method=\"POST\">");
  EXPECT_HAS(page.html, "<input type=\"hidden\" name=\"csrfToken\" value=\"csrf123\">");
  EXPECT_HAS(page.html, "<input type=\"hidden\" name=\"token\" value=\"tok&quot;en\">");
  EXPECT_HAS(page.html,
             "<input type=\"hidden\" name=\"email\" value=\"jane&lt;b&gt;@example.com\">");
  EXPECT_HAS(page.html,
             "<input type=\"hidden\" name=\"callbackUrl\" "
             "value=\"https://auth.example.com/app?a=1&amp;b=2\">");
  EXPECT_HAS(page.html, "<button id=\"submitButton\" type=\"submit\" class=\"button\"");
  EXPECT_HAS(page.html, ">Sign in</button>");
  EXPECT_LACKS(page.html, "<script");
}

TEST(ConfirmPage, TakesTheLocaleTexts) {
  Locale fr;
  fr.language = "fr";
  fr.texts = {{"confirm.heading", "Se connecter en tant que {email} ?"},
              {"confirm.button", "Se connecter"}};
  ConfirmPage page = confirm_page();
  page.texts = Texts(&fr);
  const auto html = render_confirm(page).html;
  EXPECT_HAS(html, "<html lang=\"fr\"");
  EXPECT_HAS(html, "Se connecter en tant que jane&lt;b&gt;@example.com ?");
  EXPECT_HAS(html, ">Se connecter</button>");
}

VerifyRequestPage verify_page() {
  VerifyRequestPage page;
  page.origin = "https://auth.example.com";
  page.host = "auth.example.com";
  return page;
}

TEST(VerifyRequestCodeForm, AbsentWhenCodesAreOff) {
  const auto html = render_verify_request(verify_page()).html;
  EXPECT_HAS(html, "A sign in link has been sent to your email address.");
  EXPECT_LACKS(html, "name=\"code\"");
}

TEST(VerifyRequestCodeForm, LabelledEmailAndCodeFieldsPostingToTheCallback) {
  VerifyRequestPage page = verify_page();
  CodeForm form;
  form.action_url = "https://auth.example.com/api/auth/callback/postmark";
  form.csrf_token = "csrf123";
  form.callback_url = "https://auth.example.com/";
  form.email = "jane\"@example.com";
  form.digits = 8;
  page.code_form = form;
  const auto html = render_verify_request(page).html;
  EXPECT_HAS(html, "A sign in link and a code have been sent to your email address.");
  EXPECT_HAS(html,
             "<form class=\"code-form\" action=\"https://auth.example.com/api/auth/callback/"
             "postmark\" method=\"POST\">");
  EXPECT_HAS(html, "<input type=\"hidden\" name=\"csrfToken\" value=\"csrf123\">");
  EXPECT_HAS(html,
             "<input type=\"hidden\" name=\"callbackUrl\" value=\"https://auth.example.com/\">");
  EXPECT_HAS(html, "<label for=\"code-email\">Email</label>");
  EXPECT_HAS(html, "<input id=\"code-email\" type=\"email\" name=\"email\"");
  EXPECT_HAS(html, "value=\"jane&quot;@example.com\"");
  EXPECT_HAS(html, "<label for=\"code\">Code from the email</label>");
  EXPECT_HAS(html, "<input id=\"code\" class=\"code\" type=\"text\" name=\"code\"");
  EXPECT_HAS(html, "inputmode=\"numeric\"");
  EXPECT_HAS(html, "autocomplete=\"one-time-code\"");
  EXPECT_HAS(html, "8 digits.");
  EXPECT_HAS(html, ">Sign in with code</button>");
  EXPECT_LACKS(html, "role=\"alert\"");
  EXPECT_LACKS(html, "<script");
}

TEST(VerifyRequestCodeForm, ShowsTheErrorAfterACodeThatDidNotWork) {
  VerifyRequestPage page = verify_page();
  CodeForm form;
  form.error = "Verification";
  form.email = "jane@example.com";
  page.code_form = form;
  const auto html = render_verify_request(page).html;
  EXPECT_HAS(html, "<div class=\"alert\" role=\"alert\"><p>That code did not work.");
  form.error = "<x>";
  page.code_form = form;
  const auto other = render_verify_request(page).html;
  EXPECT_HAS(other, "Unable to sign in.");
  EXPECT_LACKS(other, "<x>");
}

}  // namespace
}  // namespace linkgate::core::pages

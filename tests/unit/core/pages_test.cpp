// The built-in HTML pages (authjs-behaviour.md §1 texts, ids and statuses; §7 theming).
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/pages/layout.hpp"
#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

// Substring checks that print only the missing or unwanted needle, not the whole page.
::testing::AssertionResult has_substr(const char*, const char* needle_expr,
                                      const std::string& haystack, std::string_view needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "missing " << needle_expr << " = \"" << needle << "\"";
}
::testing::AssertionResult lacks_substr(const char*, const char* needle_expr,
                                        const std::string& haystack, std::string_view needle) {
  if (haystack.find(needle) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "unwanted " << needle_expr << " = \"" << needle
                                       << "\" at offset " << haystack.find(needle);
}
#define EXPECT_HAS(haystack, needle) EXPECT_PRED_FORMAT2(has_substr, haystack, needle)
#define EXPECT_LACKS(haystack, needle) EXPECT_PRED_FORMAT2(lacks_substr, haystack, needle)

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// True when the markup holds an attribute like onclick= or onload = (whitespace, "on", letters,
// optional whitespace, "="). Hand-written because std::regex trips g++ 12's -Wmaybe-uninitialized
// under -O2 with sanitizers.
bool has_inline_event_handler(const std::string& html) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  const auto is_letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i + 3 < html.size(); ++i) {
    if (!is_space(html[i]) || std::tolower(static_cast<unsigned char>(html[i + 1])) != 'o' ||
        std::tolower(static_cast<unsigned char>(html[i + 2])) != 'n') {
      continue;
    }
    auto j = i + 3;
    if (j >= html.size() || !is_letter(html[j])) continue;
    while (j < html.size() && is_letter(html[j])) ++j;
    while (j < html.size() && is_space(html[j])) ++j;
    if (j < html.size() && html[j] == '=') return true;
  }
  return false;
}

std::string lowercase(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Built member by member: positional or designated aggregate initialization would trip g++ 12's
// -Wmissing-field-initializers whenever the page structs gain a field.
SigninProvider provider(std::string id, std::string name, std::string signin_url) {
  SigninProvider p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.signin_url = std::move(signin_url);
  return p;
}

VerifyRequestPage verify_page(std::string origin, std::string host, Theme theme = {}) {
  VerifyRequestPage page;
  page.origin = std::move(origin);
  page.host = std::move(host);
  page.theme = std::move(theme);
  return page;
}

SignoutPage signout_page(std::string action_url, std::string csrf_token) {
  SignoutPage page;
  page.action_url = std::move(action_url);
  page.csrf_token = std::move(csrf_token);
  return page;
}

SigninPage one_provider_signin() {
  SigninPage page;
  page.providers = {provider("postmark", "Postmark", "https://app.test/api/auth/signin/postmark")};
  page.csrf_token = "csrf123";
  return page;
}

ErrorPage error_page(std::string code) {
  ErrorPage page;
  page.error = std::move(code);
  page.signin_url = "https://app.test/api/auth/signin";
  page.origin = "https://app.test";
  page.host = "app.test";
  return page;
}

OutboxMessage outbox_message(std::int64_t id, std::int64_t ms, std::string subject) {
  OutboxMessage m;
  m.id = id;
  m.created_at = TimePoint{std::chrono::milliseconds{ms}};
  m.to = "user@example.com";
  m.subject = std::move(subject);
  m.url = "https://app.test/api/auth/callback/outbox?token=abc&email=user%40example.com";
  m.text = "Sign in to app.test\n" + m.url + "\n\n";
  m.provider = "outbox";
  return m;
}

// Every page in every variant, for the properties all pages share.
std::vector<RenderedPage> all_pages() {
  auto signin = one_provider_signin();
  signin.error = "EmailSignin";
  return {render_signin(signin),
          render_verify_request(verify_page("https://app.test", "app.test")),
          render_error(error_page("Configuration")),
          render_error(error_page("AccessDenied")),
          render_error(error_page("Verification")),
          render_error(error_page("Other")),
          render_signout(signout_page("https://app.test/api/auth/signout", "csrf123")),
          render_outbox({}),
          render_outbox({outbox_message(1, 0, "Sign in to app.test")})};
}

// --- Shared document shape -------------------------------------------------------------------

TEST(PagesDocument, EveryPageHasDoctypeLangCharsetViewportAndNoScript_Section7) {
  for (const auto& page : all_pages()) {
    EXPECT_TRUE(page.html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    EXPECT_HAS(page.html, "<meta charset=\"utf-8\">");
    EXPECT_HAS(page.html,
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    EXPECT_HAS(page.html, "<style>");
    EXPECT_LACKS(lowercase(page.html), "<script");
    EXPECT_FALSE(has_inline_event_handler(page.html)) << "no inline event handlers";
    EXPECT_LACKS(lowercase(page.html), "javascript:");
    EXPECT_HAS(page.html, ":focus-visible");
    EXPECT_TRUE(page.html.ends_with("</html>"));
  }
}

TEST(PagesDocument, Titles_Section1) {
  EXPECT_HAS(render_signin(one_provider_signin()).html, "<title>Sign In</title>");
  EXPECT_HAS(render_verify_request({}).html, "<title>Verify Request</title>");
  EXPECT_HAS(render_error(error_page("x")).html, "<title>Error</title>");
  EXPECT_HAS(render_signout({}).html, "<title>Sign Out</title>");
  EXPECT_HAS(render_outbox({}).html, "<title>Outbox</title>");
}

TEST(PagesDocument, PalettesFromSection7) {
  const auto html = render_verify_request({}).html;
  EXPECT_HAS(html, "#ececec");
  EXPECT_HAS(html, "#161b22");
  EXPECT_HAS(html, "#0d1117");
  EXPECT_HAS(html, "var(--brand-color,#157efb)");
  EXPECT_HAS(html, "var(--button-text-color,#fff)");
  EXPECT_HAS(html, "prefers-color-scheme:dark");
}

// --- Theme ------------------------------------------------------------------------------------

TEST(PagesTheme, BodyClassFollowsColorScheme_Section7) {
  Theme theme;
  EXPECT_HAS(render_verify_request(verify_page("", "", theme)).html,
             "<body class=\"__next-auth-theme-auto\">");
  theme.color_scheme = "light";
  EXPECT_HAS(render_verify_request(verify_page("", "", theme)).html,
             "<body class=\"__next-auth-theme-light\">");
  theme.color_scheme = "dark";
  EXPECT_HAS(render_verify_request(verify_page("", "", theme)).html,
             "<body class=\"__next-auth-theme-dark\">");
  theme.color_scheme = "\"><script>";
  EXPECT_HAS(render_verify_request(verify_page("", "", theme)).html,
             "<body class=\"__next-auth-theme-auto\">");
}

TEST(PagesTheme, SafeBrandColorAndButtonTextBecomeCustomProperties_Section7) {
  SigninPage page = one_provider_signin();
  page.theme.brand_color = "#ff0066";
  page.theme.button_text = "rgb(0, 0, 0)";
  const auto html = render_signin(page).html;
  EXPECT_HAS(html, "--brand-color: #ff0066;");
  EXPECT_HAS(html, "--button-text-color: rgb(0, 0, 0);");
}

TEST(PagesTheme, UnsafeBrandColorIsDropped) {
  SigninPage page = one_provider_signin();
  page.theme.brand_color = "red;}</style><script>alert(1)</script>";
  page.theme.button_text = "white;background:url(https://evil.test/x)";
  const auto html = render_signin(page).html;
  EXPECT_LACKS(html, "--brand-color:");
  EXPECT_LACKS(html, "--button-text-color:");
  EXPECT_LACKS(lowercase(html), "<script");
  EXPECT_LACKS(html, "evil.test");
  EXPECT_EQ(count(html, "</style>"), 1u);
}

TEST(PagesTheme, ErrorPageIgnoresButtonTextButHonoursBrandColorAndLogo_Section7) {
  auto page = error_page("AccessDenied");
  page.theme.brand_color = "teal";
  page.theme.button_text = "black";
  page.theme.logo = "https://cdn.test/logo.png";
  const auto html = render_error(page).html;
  EXPECT_HAS(html, "--brand-color: teal;");
  EXPECT_LACKS(html, "--button-text-color:");
  EXPECT_HAS(html, "<img src=\"https://cdn.test/logo.png\" alt=\"Logo\" class=\"logo\">");
}

TEST(PagesTheme, LogoOnlyWhenHttpUrl) {
  Theme theme;
  theme.logo = "https://cdn.test/logo.png?a=1&b=2";
  EXPECT_HAS(render_verify_request(verify_page("", "", theme)).html,
             "<img src=\"https://cdn.test/logo.png?a=1&amp;b=2\" alt=\"Logo\" "
             "class=\"logo\">");
  for (const char* bad :
       {"javascript:alert(1)", "data:image/png;base64,AAAA", "https://x.test/\" onerror=\"alert(1)",
        "//cdn.test/logo.png", "https:///nohost", "https://a.test/<b>"}) {
    theme.logo = bad;
    const auto html = render_verify_request(verify_page("", "", theme)).html;
    EXPECT_LACKS(html, "<img") << bad;
  }
  theme.logo = "";
  EXPECT_LACKS(render_verify_request(verify_page("", "", theme)).html, "<img");
}

TEST(PagesTheme, SafeCssColorShapes) {
  using detail::safe_css_color;
  for (const char* ok :
       {"#fff", "#ffff", "#157efb", "#157efb80", "red", "RebeccaPurple", "rgb(1,2,3)",
        "rgba(1, 2, 3, .5)", "hsl(120 50% 50% / 0.5)", "HSLA(1,2%,3%,0.4)"}) {
    EXPECT_EQ(safe_css_color(ok), ok) << ok;
  }
  for (const char* bad : {"", "#ff", "#fffff", "#ggg", "red;", "red }", "url(x)", "rgb(1,2,3",
                          "rgb()", "rgb(1,2,3);x", "var(--x)", "expression(alert(1))",
                          "rgb(1,2,3)) ;", "red</style>", "calc(1px)"}) {
    EXPECT_EQ(safe_css_color(bad), "") << bad;
  }
}

// --- html_escape ------------------------------------------------------------------------------

TEST(PagesEscape, InlineEventHandlerDetectorWorks) {
  EXPECT_TRUE(has_inline_event_handler("<img src=x onerror=alert(1)>"));
  EXPECT_TRUE(has_inline_event_handler("<body\nOnLoad = \"x\">"));
  EXPECT_FALSE(has_inline_event_handler("<p>Sign in on the next page = fine</p>"));
}

TEST(PagesEscape, EscapesTheFiveCharacters) {
  EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("plain text ü"), "plain text ü");
}

// --- /signin ----------------------------------------------------------------------------------

TEST(PagesSignin, FormFieldsAndIds_Section1) {
  const auto result = render_signin(one_provider_signin());
  const auto& html = result.html;
  EXPECT_EQ(result.status, 200);
  EXPECT_HAS(html,
             "<form class=\"provider\" action=\"https://app.test/api/auth/signin/"
             "postmark\" method=\"POST\">");
  EXPECT_HAS(html, "<input type=\"hidden\" name=\"csrfToken\" value=\"csrf123\">");
  EXPECT_HAS(html, "<label for=\"input-email-for-postmark-provider\">Email</label>");
  EXPECT_HAS(html,
             "<input id=\"input-email-for-postmark-provider\" type=\"email\" "
             "name=\"email\" placeholder=\"email@example.com\" "
             "autocomplete=\"email\" required autofocus>");
  EXPECT_HAS(html,
             "<button id=\"submitButton\" type=\"submit\" class=\"button\">Sign "
             "in with Postmark</button>");
  EXPECT_LACKS(html, "callbackUrl") << "§1: the email form has no callbackUrl";
  EXPECT_LACKS(html, "role=\"alert\"") << "no error, no error box";
}

TEST(PagesSignin, PrefillsEmail) {
  auto page = one_provider_signin();
  page.email = "me@example.com";
  EXPECT_HAS(render_signin(page).html, "name=\"email\" value=\"me@example.com\" placeholder=");
}

TEST(PagesSignin, EveryInputHasABoundLabel) {
  auto page = one_provider_signin();
  page.providers.push_back(provider("resend", "Resend", "https://app.test/api/auth/signin/resend"));
  const auto html = render_signin(page).html;
  const std::string_view open = "<input id=\"";
  int inputs = 0;
  for (auto pos = html.find(open); pos != std::string::npos; pos = html.find(open, pos + 1)) {
    const auto id_begin = pos + open.size();
    const auto id_end = html.find('"', id_begin);
    if (id_end == std::string::npos) break;
    if (html.compare(id_end, 14, "\" type=\"email\"") != 0) continue;
    ++inputs;
    EXPECT_HAS(html,
               "<label for=\"" + html.substr(id_begin, id_end - id_begin) + "\">Email</label>");
  }
  EXPECT_EQ(inputs, 2);
}

TEST(PagesSignin, SeveralProvidersKeepIdsUnique) {
  auto page = one_provider_signin();
  page.providers.push_back(provider("resend", "Resend", "https://app.test/api/auth/signin/resend"));
  const auto html = render_signin(page).html;
  EXPECT_EQ(count(html, "<form "), 2u);
  EXPECT_EQ(count(html, "id=\"submitButton\""), 1u);
  EXPECT_EQ(count(html, " autofocus"), 1u);
  EXPECT_EQ(count(html, "type=\"submit\""), 2u);
  EXPECT_HAS(html,
             "<button type=\"submit\" class=\"button\">Sign in with "
             "Resend</button>");
  EXPECT_HAS(html, "id=\"input-email-for-resend-provider\"");
  EXPECT_LT(html.find("Sign in with Postmark"), html.find("Sign in with Resend"));
}

TEST(PagesSignin, ErrorMessagesByCode_Section1) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"Signin", "Try signing in with a different account."},
      {"OAuthSignin", "Try signing in with a different account."},
      {"OAuthCallbackError", "Try signing in with a different account."},
      {"OAuthCreateAccount", "Try signing in with a different account."},
      {"EmailCreateAccount", "Try signing in with a different account."},
      {"Callback", "Try signing in with a different account."},
      {"OAuthAccountNotLinked",
       "To confirm your identity, sign in with the same account you used originally."},
      {"EmailSignin", "The e-mail could not be sent."},
      {"CredentialsSignin", "Sign in failed. Check the details you provided are correct."},
      {"SessionRequired", "Please sign in to access this page."},
      {"Verification", "The sign in link is no longer valid. Request a new link below."},
      {"RateLimited", "Too many attempts. Please wait a few minutes and try again."},
      {"MissingCSRF", "Unable to sign in."},
      {"Anything", "Unable to sign in."},
  };
  for (const auto& [code, message] : table) {
    auto page = one_provider_signin();
    page.error = code;
    EXPECT_HAS(render_signin(page).html,
               "<div class=\"alert\" role=\"alert\"><p>" + message + "</p></div>")
        << code;
  }
}

TEST(PagesSignin, HostileValuesAreEscaped) {
  SigninPage page;
  page.providers = {
      provider("x\"><script>", "<img src=x onerror=alert(1)>", "https://a.test/\"><b>")};
  page.csrf_token = "\"><script>alert(1)</script>";
  page.email = "\"><script>alert('x')</script>@example.com";
  page.error = "<script>alert(1)</script>";
  const auto html = render_signin(page).html;
  EXPECT_LACKS(lowercase(html), "<script");
  EXPECT_LACKS(html, "<img src=x");
  EXPECT_LACKS(html, "<b>");
  EXPECT_HAS(html,
             "value=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/"
             "script&gt;@example.com\"");
  EXPECT_HAS(html, "Sign in with &lt;img src=x onerror=alert(1)&gt;</button>");
  EXPECT_HAS(html, "id=\"input-email-for-x&quot;&gt;&lt;script&gt;-provider\"");
  EXPECT_HAS(html, "<p>Unable to sign in.</p>");
}

// --- /verify-request --------------------------------------------------------------------------

TEST(PagesVerifyRequest, Texts_Section1) {
  Theme theme;
  theme.logo = "https://cdn.test/l.svg";
  const auto result = render_verify_request(verify_page("https://app.test", "app.test", theme));
  EXPECT_EQ(result.status, 200);
  EXPECT_HAS(result.html, "<h1>Check your email</h1>");
  EXPECT_HAS(result.html, "A sign in link has been sent to your email address.");
  EXPECT_HAS(result.html, "<a class=\"site\" href=\"https://app.test\">app.test</a>");
  EXPECT_HAS(result.html, "<img src=\"https://cdn.test/l.svg\" alt=\"Logo\"");
}

TEST(PagesVerifyRequest, HostIsEscaped) {
  const auto html = render_verify_request(verify_page("https://a\"b", "<b>h</b>")).html;
  EXPECT_HAS(html, "href=\"https://a&quot;b\">&lt;b&gt;h&lt;/b&gt;</a>");
}

// --- /error -----------------------------------------------------------------------------------

TEST(PagesError, Configuration_Section1) {
  const auto result = render_error(error_page("Configuration"));
  EXPECT_EQ(result.status, 500);
  EXPECT_HAS(result.html, "<h1>Server error</h1>");
  EXPECT_HAS(result.html, "There is a problem with the server configuration.");
  EXPECT_HAS(result.html, "Check the server logs for more information.");
  EXPECT_LACKS(result.html, "Sign in</a>");
}

TEST(PagesError, AccessDenied_Section1) {
  const auto result = render_error(error_page("AccessDenied"));
  EXPECT_EQ(result.status, 403);
  EXPECT_HAS(result.html, "<h1>Access Denied</h1>");
  EXPECT_HAS(result.html, "You do not have permission to sign in.");
  EXPECT_HAS(result.html,
             "<a class=\"button\" href=\"https://app.test/api/auth/signin\">Sign in</a>");
}

TEST(PagesError, VerificationLinksToSigninNotTheAuthJsBugUrl_Section1) {
  const auto result = render_error(error_page("Verification"));
  EXPECT_EQ(result.status, 403);
  EXPECT_HAS(result.html, "<h1>Unable to sign in</h1>");
  EXPECT_HAS(result.html, "The sign in link is no longer valid.");
  EXPECT_HAS(result.html, "It may have been used already or it may have expired.");
  EXPECT_HAS(result.html,
             "<a class=\"button\" href=\"https://app.test/api/auth/signin\">Sign in</a>");
  EXPECT_LACKS(result.html, "error=Verification/signin");
}

TEST(PagesError, DefaultLinksToOrigin_Section1) {
  for (const char* code : {"", "MissingCSRF", "Unknown"}) {
    const auto result = render_error(error_page(code));
    EXPECT_EQ(result.status, 200) << code;
    EXPECT_HAS(result.html, "<h1>Error</h1>");
    EXPECT_HAS(result.html, "<a class=\"site\" href=\"https://app.test\">app.test</a>");
  }
}

TEST(PagesError, HostileCodeIsNotReflected) {
  const auto html = render_error(error_page("<script>alert(1)</script>")).html;
  EXPECT_LACKS(lowercase(html), "<script");
  EXPECT_LACKS(html, "alert(1)");
}

// --- /signout ---------------------------------------------------------------------------------

TEST(PagesSignout, TextsAndForm_Section1) {
  const auto result =
      render_signout(signout_page("https://app.test/api/auth/signout?x=1&y=2", "tok"));
  EXPECT_EQ(result.status, 200);
  EXPECT_HAS(result.html, "<h1>Signout</h1>");
  EXPECT_HAS(result.html, "Are you sure you want to sign out?");
  EXPECT_HAS(result.html,
             "<form action=\"https://app.test/api/auth/signout?x=1&amp;y=2\" "
             "method=\"POST\">");
  EXPECT_HAS(result.html, "<input type=\"hidden\" name=\"csrfToken\" value=\"tok\">");
  EXPECT_HAS(result.html,
             "<button id=\"submitButton\" type=\"submit\" "
             "class=\"button\">Sign out</button>");
}

// --- /dev/outbox ------------------------------------------------------------------------------

TEST(PagesOutbox, EmptyState) {
  const auto result = render_outbox({});
  EXPECT_EQ(result.status, 200);
  EXPECT_HAS(result.html, "development outbox");
  EXPECT_HAS(result.html,
             "No messages yet. Sign in with any email address and the link "
             "appears here.");
}

TEST(PagesOutbox, MessagesNewestFirstWithTimeToSubjectLinkAndBody) {
  // 2024-01-02T03:04:05.678Z
  const std::int64_t t = 1704164645678;
  const auto html =
      render_outbox({outbox_message(1, t, "Older"), outbox_message(2, t + 1000, "Newer")}).html;
  EXPECT_LT(html.find("Newer"), html.find("Older"));
  EXPECT_HAS(html, "<time datetime=\"2024-01-02T03:04:05.678Z\">");
  EXPECT_HAS(html, "2024-01-02T03:04:06.678Z");
  EXPECT_HAS(html, "user@example.com");
  EXPECT_HAS(html,
             "<a class=\"message-link\" href=\"https://app.test/api/auth/callback/"
             "outbox?token=abc&amp;email=user%40example.com\">");
  EXPECT_HAS(html, "<pre>Sign in to app.test\nhttps://app.test/");
  EXPECT_LACKS(html, "No messages yet");
}

TEST(PagesOutbox, HostileSubjectUrlAndBodyAreEscaped) {
  auto m = outbox_message(1, 0, "<script>alert(1)</script>");
  m.url = "https://app.test/\"><script>x</script>";
  m.text = "</pre><script>y</script>";
  m.to = "<b>@x";
  const auto html = render_outbox({m}).html;
  EXPECT_LACKS(lowercase(html), "<script");
  EXPECT_HAS(html, "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>");
  EXPECT_HAS(html, "&lt;b&gt;@x");
  EXPECT_HAS(html, "<pre>&lt;/pre&gt;&lt;script&gt;y&lt;/script&gt;</pre>");
}

TEST(PagesOutbox, NonHttpLinkIsNotClickable) {
  auto m = outbox_message(1, 0, "s");
  m.url = "javascript:alert(1)";
  const auto html = render_outbox({m}).html;
  EXPECT_LACKS(html, "href=\"javascript:");
  EXPECT_HAS(html, "javascript:alert(1)");
}

}  // namespace
}  // namespace linkgate::core::pages

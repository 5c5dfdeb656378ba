// The pages in another language (core/pages/texts.hpp): texts from a Locale, English for the
// keys it leaves out, escaped like every other value.
#include <gtest/gtest.h>

#include "core/pages/pages.hpp"

namespace linkgate::core::pages {
namespace {

Locale french() {
  Locale fr;
  fr.language = "fr";
  fr.texts = {{"signin.title", "Connexion"},
              {"signin.heading", "Se connecter"},
              {"signin.button", "Continuer avec {provider}"},
              {"signin.error.EmailSignin", "L'e-mail n'a pas pu être envoyé <maintenant>."},
              {"signin.error.RateLimitedWait", "Trop d'essais. Réessayez dans {time}."},
              {"time.minutes", "{n} minutes"},
              {"error.Verification.againFor", "Reconnectez-vous pour {email}."},
              {"signout.heading", "Déconnexion"}};
  return fr;
}

SigninPage signin_page(const Locale* locale) {
  SigninPage page;
  page.providers.push_back(
      {"outbox", "Dev <Outbox>", "https://example.com/api/auth/signin/outbox"});
  page.csrf_token = "csrf";
  page.texts = Texts(locale);
  return page;
}

TEST(PageLocale, SigninInFrenchWithEnglishForMissingKeys) {
  const Locale fr = french();
  SigninPage page = signin_page(&fr);
  page.error = "EmailSignin";
  const std::string html = render_signin(page).html;
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html.find("<title>Connexion</title>"), std::string::npos);
  EXPECT_NE(html.find("<h1>Se connecter</h1>"), std::string::npos);
  EXPECT_NE(html.find("Continuer avec Dev &lt;Outbox&gt;</button>"), std::string::npos);
  EXPECT_NE(html.find("L&#39;e-mail n&#39;a pas pu être envoyé &lt;maintenant&gt;."),
            std::string::npos)
      << html;
  // Not in the French file: English.
  EXPECT_NE(html.find(">Email</label>"), std::string::npos);
}

TEST(PageLocale, PlaceholdersTakeEscapedValues) {
  const Locale fr = french();
  SigninPage page = signin_page(&fr);
  page.error = "RateLimited";
  page.retry_after = 300;
  EXPECT_NE(render_signin(page).html.find("Trop d&#39;essais. Réessayez dans 5 minutes."),
            std::string::npos);

  ErrorPage error;
  error.error = "Verification";
  error.email = "a<b@example.com";
  error.texts = Texts(&fr);
  EXPECT_NE(render_error(error).html.find("Reconnectez-vous pour <strong>a&lt;b@example.com"
                                          "</strong>."),
            std::string::npos);
}

TEST(PageLocale, EnglishByDefault) {
  const std::string html = render_signin(signin_page(nullptr)).html;
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("<title>Sign In</title>"), std::string::npos);
  EXPECT_NE(html.find("Sign in with Dev &lt;Outbox&gt;</button>"), std::string::npos);

  const Locale fr = french();
  const std::string signout = render_signout({"https://e.x/signout", "c", {}, Texts(&fr)}).html;
  EXPECT_NE(signout.find("<h1>Déconnexion</h1>"), std::string::npos);
  EXPECT_NE(signout.find("Are you sure you want to sign out?"), std::string::npos);
}

}  // namespace
}  // namespace linkgate::core::pages

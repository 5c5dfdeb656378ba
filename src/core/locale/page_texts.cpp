// The built-in English page texts, keyed for per-language overrides (include/linkgate/locale.hpp).
// Changing a text here changes the English pages; the page tests assert these exact words.
#include "linkgate/locale.hpp"

namespace linkgate {

const std::map<std::string, std::string, std::less<>>& page_text_keys() {
  static const std::map<std::string, std::string, std::less<>> texts{
      // GET /signin
      {"signin.title", "Sign In"},
      {"signin.heading", "Sign in"},
      {"signin.emailLabel", "Email"},
      {"signin.emailPlaceholder", "email@example.com"},
      {"signin.button", "Sign in with {provider}"},
      {"signin.noProviders", "No sign-in method is configured."},
      {"signin.error.Signin", "Try signing in with a different account."},
      {"signin.error.OAuthAccountNotLinked",
       "To confirm your identity, sign in with the same account you used originally."},
      {"signin.error.EmailSignin", "The e-mail could not be sent."},
      {"signin.error.CredentialsSignin",
       "Sign in failed. Check the details you provided are correct."},
      {"signin.error.SessionRequired", "Please sign in to access this page."},
      {"signin.error.Verification",
       "The sign in link is no longer valid. Request a new link below."},
      {"signin.error.RateLimited", "Too many attempts. Please wait a few minutes and try again."},
      {"signin.error.RateLimitedWait", "Too many attempts. Try again in {time}."},
      {"signin.error.default", "Unable to sign in."},
      {"time.second", "1 second"},
      {"time.seconds", "{n} seconds"},
      {"time.minute", "1 minute"},
      {"time.minutes", "{n} minutes"},
      {"time.hour", "1 hour"},
      {"time.hours", "{n} hours"},
      // GET /verify-request
      {"verify.title", "Verify Request"},
      {"verify.heading", "Check your email"},
      {"verify.text", "A sign in link has been sent to your email address."},
      {"verify.devNote", "Development mode: the email went to the dev outbox."},
      {"verify.devButton", "Open the dev outbox"},
      {"verify.textWithCode", "A sign in link and a code have been sent to your email address."},
      {"verify.codeHeading", "Or enter the code"},
      {"verify.emailLabel", "Email"},
      {"verify.codeLabel", "Code from the email"},
      {"verify.codeHint", "{digits} digits. It works once, on any device."},
      {"verify.codeButton", "Sign in with code"},
      {"verify.error.Verification",
       "That code did not work. Check the address and the code, or use the link in the email."},
      // GET /callback with Redemption::confirm on
      {"confirm.title", "Sign In"},
      {"confirm.heading", "Sign in as {email}?"},
      {"confirm.text", "Press the button to finish signing in."},
      {"confirm.button", "Sign in"},
      // GET /error
      {"error.title", "Error"},
      {"error.heading", "Error"},
      {"error.signinButton", "Sign in"},
      {"error.Configuration.heading", "Server error"},
      {"error.Configuration.text", "There is a problem with the server configuration."},
      {"error.Configuration.hint", "Check the server logs for more information."},
      {"error.AccessDenied.heading", "Access Denied"},
      {"error.AccessDenied.text", "You do not have permission to sign in."},
      {"error.Verification.heading", "Unable to sign in"},
      {"error.Verification.text", "The sign in link is no longer valid."},
      {"error.Verification.hint", "It may have been used already or it may have expired."},
      {"error.Verification.again", "Sign in again to request a new link."},
      {"error.Verification.againFor", "Sign in again to request a new link for {email}."},
      // GET /signout
      {"signout.title", "Sign Out"},
      {"signout.heading", "Signout"},
      {"signout.text", "Are you sure you want to sign out?"},
      {"signout.button", "Sign out"},
  };
  return texts;
}

}  // namespace linkgate

// linkgate::Auth: the Auth.js email sign-in protocol as a pure function from Request to Response.
//
// It performs no I/O of its own: everything it keeps goes through the Store, every email
// through a provider's Mailer (or the embedder's sendVerificationRequest hook).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/config.hpp"
#include "linkgate/http.hpp"
#include "linkgate/store.hpp"

namespace linkgate {

// A sign-in link made for an operator (Auth::make_sign_in_link).
struct SignInLink {
  std::string url;           // carries the raw token: give it to the person only, never log it
  std::string identifier;    // the normalized address
  std::string provider_id;   // the provider whose callback it names
  std::string callback_url;  // where a sign-in through it lands, as the redirect rules resolved it
  TimePoint expires;
};

class Auth {
 public:
  // REQUIRES: store outlives this object. The config is validated lazily: a misconfiguration
  // (no secret, untrusted host) is answered per request with Auth.js's Configuration error.
  Auth(AuthConfig config, std::shared_ptr<Store> store);
  ~Auth();
  Auth(const Auth&) = delete;
  Auth& operator=(const Auth&) = delete;

  // Handles one request to any path. Requests outside the base path (and /dev/outbox when
  // enabled) get 404. Safe to call from several threads at once.
  Response handle(const Request& request) const;

  // True when handle(request) will not touch the store or a mailer, so a server may run it on
  // its event loop instead of a worker thread.
  bool is_pure(const Request& request) const;

  // True when handle(request) may wait on something slower than the store: an email provider
  // (POST /signin/<provider>), the sign-in hook (POST /signin/<provider> and the callback) or an
  // embedder's callback, event or provider hook (normalizeIdentifier, …), which may block for as
  // long as it likes. A server runs such requests apart from the store-only ones, so a slow
  // provider or hook cannot hold up session lookups and link redemptions, and never on its event
  // loop.
  bool may_block_long(const Request& request) const;

  // True when handle(request) waits on nothing but the store, mailers and the sign-in hook whose
  // waits all go through src/io/waiter.hpp (Mailer::waits_on_fibers, SignInHook::waits_on_fibers):
  // every store-only request, the callback when the hook waits so, and POST /signin/<provider>
  // when that provider's mailer (and the hook) wait so, with no hook of the embedder's set.
  // A server whose store waits the same way (Store::waits_on_fibers) may run such a request on a
  // fiber of its event loop, where a wait suspends only the fiber.
  bool waits_on_fibers(const Request& request) const;

  // The name of the route handle(request) takes, from a fixed set: the actions ("providers",
  // "session", "csrf", "signin", "signout", "callback", "verify-request", "error", "verify"),
  // "home" and "outbox" (the dev outbox's pages), or "other". Never the raw path, so a server
  // may label metrics with it: no request can make a new name.
  std::string_view route_name(const Request& request) const;

  // The config as constructed (a replace_texts since then is not reflected in its
  // email_templates and locales).
  const AuthConfig& config() const;

  // Replaces the email templates and the locales (AuthConfig::email_templates, ::locales) for
  // the requests that start from now on; requests in flight finish with the ones they started
  // with. Both are checked first (check_email_templates, check_locale): on an Error nothing
  // changes. Safe to call while handle() runs on other threads.
  Result<void> replace_texts(EmailTemplates email_templates, std::vector<Locale> locales);

  // Makes and stores a sign-in link for `email`, as POST /signin through the first provider
  // would, without sending it (`linkgate link`): the address normalized, `callback_url` (empty:
  // the origin) checked by the redirect rules (Error kind "invalid_input" when refused), the
  // token kept as its hash for the provider's max age, older links voided per the policy. Needs
  // AuthConfig::url and a secret (Error kind "configuration"). Store failures come back as they
  // are. No rate limit, domain policy or signIn callback applies, and no one-time code is made.
  Result<SignInLink> make_sign_in_link(std::string_view email, std::string_view callback_url) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkgate

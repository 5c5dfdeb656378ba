// SignInHook: the app's say in a sign-in, asked over the network (the linkgate server's
// LINKGATE_HOOK_SIGN_IN_URL, docs/webhooks.md "Decision hook"). It is asked at the two moments the
// signIn callback is (callbacks.hpp): before a link is sent and before a session starts, and
// answers as the callback does: allow, deny (AccessDenied) or a redirect.
//
// The core asks it through this interface; the HTTP call is an adapter's (server/
// sign_in_hook_client.hpp). When it cannot answer (a timeout, an error, an answer it could not
// read), the core refuses the sign-in, or lets it go on when AuthConfig::sign_in_hook_fail_open,
// and logs why either way.
#pragma once

#include <optional>
#include <string>

#include "linkgate/callbacks.hpp"
#include "linkgate/result.hpp"
#include "linkgate/store.hpp"

namespace linkgate {

struct SignInHookCall {
  enum class Stage {
    email,     // POST /signin/:provider, before any token exists
    callback,  // the link or code was redeemed; before the user and session are written
  };
  Stage stage = Stage::email;
  std::string email;         // the normalized address
  std::optional<User> user;  // the stored user; nullopt for an address never signed in
  std::string provider;      // the provider id, e.g. "resend"
  std::string client_ip;     // as AuthConfig::trusted_proxies determine it
};

// "email" or "callback".
const char* sign_in_hook_stage_name(SignInHookCall::Stage stage);

class SignInHook {
 public:
  virtual ~SignInHook() = default;
  // The decision. SignInDecision::redirect_to(url) is a refusal that sends the browser to `url`
  // instead of the AccessDenied page; the core follows it only when the redirect rules allow it
  // (the origin or AuthConfig::redirect_hosts). An Error (any kind) when no decision could be had;
  // its message says why and never carries the call's data. Takes a bounded time; safe to call
  // from several threads at once; must not throw.
  virtual Result<SignInDecision> decide(const SignInHookCall& call) = 0;
  // As Mailer::waits_on_fibers: true when decide() waits only through src/io/waiter.hpp.
  virtual bool waits_on_fibers() const { return false; }
};

}  // namespace linkgate

// The sign-in hook over HTTP (LINKGATE_HOOK_SIGN_IN_URL; docs/webhooks.md "Decision hook"): the
// SignInHook (include/linkgate/sign_in_hook.hpp) the server gives the core.
//
// Each decision is one signed POST (server/hook_call.hpp) of
//   {"type": "sign_in", "timestamp", "data": {"stage", "email", "user", "provider", "client_ip"}}
// bounded by `timeout` (connect included), that follows no redirect and reads at most 16 KiB.
// Only a 2xx answer whose body is {"allow": true} or {"allow": false} (optionally with a
// non-empty string "redirect", with false only) is a decision; anything else is an Error saying
// why (the status, a timeout, what was wrong with the JSON), never carrying the call's data. The
// call waits through io/waiter.hpp, so it suspends only its fiber on the server's event loop.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "linkgate/sign_in_hook.hpp"

namespace linkgate::server {

struct SignInHookOptions {
  std::string url;                // LINKGATE_HOOK_SIGN_IN_URL
  std::vector<std::string> keys;  // the decoded signing secrets (HookSettings::keys); not empty
  std::chrono::milliseconds timeout{2000};  // LINKGATE_HOOK_TIMEOUT_MS
};

std::shared_ptr<SignInHook> make_http_sign_in_hook(SignInHookOptions options);

// The decision an answer with `status` and `body` carries, as described above.
Result<SignInDecision> read_sign_in_hook_answer(long status, std::string_view body);

}  // namespace linkgate::server

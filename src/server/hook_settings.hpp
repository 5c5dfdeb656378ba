// The decision hooks' settings (docs/webhooks.md "Decision hook", "The webhook email provider"),
// read from the environment: LINKGATE_HOOK_SIGN_IN_URL, LINKGATE_HOOK_SEND_EMAIL_URL,
// LINKGATE_HOOK_SECRET, LINKGATE_HOOK_TIMEOUT_MS and LINKGATE_HOOK_FAIL_OPEN. Every variable is
// listed in README.md's configuration table.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "linkgate/result.hpp"
#include "server/setting_table.hpp"

namespace linkgate::server {

struct HookSettings {
  // LINKGATE_HOOK_SIGN_IN_URL: asked before a link is sent and before a session starts. Empty: no
  // hook.
  std::string sign_in_url;
  // LINKGATE_HOOK_SEND_EMAIL_URL: the `webhook` email provider's receiver. Empty: no such
  // provider (server/email_settings.cpp turns it on).
  std::string send_email_url;
  // The signing keys of every hook call (decoded from their whsec_ form): LINKGATE_HOOK_SECRET's,
  // else LINKGATE_WEBHOOK_SECRET's. Each call is signed with each, in order (rotation). Never
  // empty when a hook URL is set.
  std::vector<std::string> keys;
  std::chrono::milliseconds timeout{2000};  // LINKGATE_HOOK_TIMEOUT_MS: one sign-in hook call
  bool fail_open = false;                   // LINKGATE_HOOK_FAIL_OPEN
};

// Reads and checks the settings. An Error (kind "configuration") names the variable: a hook URL
// that is not an absolute http(s) URL (in production: https, or http on loopback), a malformed
// secret, or a hook URL with no secret at all.
Result<HookSettings> read_hook_settings(const EnvLookup& env, bool production);

}  // namespace linkgate::server

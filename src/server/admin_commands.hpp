// The admin commands (docs/operations.md): `linkgate users list [--email E]`, `linkgate users
// delete EMAIL`, `linkgate sessions revoke EMAIL`, `linkgate link EMAIL [--callback-url URL]`.
// They read the same settings as `serve` and work on its store. Each prints a human summary on
// stdout, or one JSON document with `json`; errors go to stderr as one line (and, with `json`, as
// {"error": {"kind", "message"}} on stdout). Each logs one "admin command run" line, which never
// holds a link's token.
#pragma once

#include <optional>
#include <string>

#include "server/settings.hpp"

namespace linkgate::server {

// The exit codes of the admin commands.
enum AdminExit : int {
  kAdminOk = 0,
  kAdminNoSuchUser = 1,   // no user has the address
  kAdminBadInput = 2,     // a bad address or callback URL, or settings that do not do
  kAdminStoreFailed = 3,  // the database cannot be opened or answered with an error
};

struct AdminCommand {
  std::string name;                  // "users list", "users delete", "sessions revoke", "link"
  std::optional<std::string> email;  // the address given (optional for users list)
  std::string callback_url;          // link only; empty: the origin
  int limit = 1000;                  // users list: at most this many users
  bool json = false;
};

// Runs `command` with `settings` (as read_settings made them). Returns its exit code.
int run_admin_command(const Settings& settings, const AdminCommand& command);

}  // namespace linkgate::server

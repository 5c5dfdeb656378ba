// `linkgate webhooks list [--failed] [--json]` and `linkgate webhooks retry ID|--all`: the
// webhook outbox of the database the settings name (DATABASE_URL, read as `serve` reads it;
// docs/webhooks.md). Each returns the process's exit code: 0, 1 on a failure it prints to stderr.
#pragma once

#include <optional>
#include <string>

#include "server/setting_table.hpp"

namespace linkgate::server {

// The events, oldest first, at most `limit`: one line each (id, type, status, attempts, created,
// next attempt, last error), or with `json` one JSON array of objects that also carry the data.
int webhooks_list(const EnvLookup& env, bool failed_only, bool json, int limit);

// Makes event `id` (whatever its status), or with nullopt every failed event, pending and due
// now with its attempts counted from zero; a running sender delivers it at its next poll.
// An unknown id is an error.
int webhooks_retry(const EnvLookup& env, const std::optional<std::string>& id);

}  // namespace linkgate::server

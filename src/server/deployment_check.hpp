// `linkgate check`: everything `serve` would refuse at startup, found without starting: every
// bad setting, production's refusals, the store (reachable, schema current) and the templates
// and locale files.
#pragma once

#include <string>
#include <vector>

#include "server/setting_table.hpp"

namespace linkgate::server {

// Every problem, one line each; empty when `serve` would start. Opens the store DATABASE_URL
// names (a SQLite file that does not exist yet is not opened, so nothing is created) and never
// writes the development secret file.
std::vector<std::string> check_deployment(const EnvLookup& env);

}  // namespace linkgate::server

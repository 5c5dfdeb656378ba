// Where settings come from, in order: the environment, then a config file (`linkgate serve
// --config linkgate.toml`), then the table's defaults (server/setting_table.hpp). A secret may
// instead be given as NAME_FILE, a file holding it (the Docker-secrets convention).
//
// The config file is TOML whose keys are the settings' names exactly as in the environment,
// at the top level (`AUTH_URL = "https://example.com/api/auth"`, `PORT = 3000`,
// `LINKGATE_SIGNUP = false`, `AUTH_SECRET_FILE = "/run/secrets/auth_secret"`); strings,
// whole numbers and booleans are accepted. examples/linkgate.toml shows one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "linkgate/result.hpp"
#include "server/setting_table.hpp"

namespace linkgate::server {

struct ConfigFile {
  std::map<std::string, std::string> values;  // setting name -> value as text
  std::vector<std::string> warnings;          // unknown keys, naming the closest setting
};

// Reads a config file. An Error names the file (and line for a TOML syntax error) or the key
// whose value is not a string, whole number or boolean.
Result<ConfigFile> read_config_file(const std::string& path);

// The settings' lookup: `env` wins over `file` for each setting; a secret's NAME_FILE (from
// the same source) is read and one trailing newline trimmed. An Error when a secret is given both
// as NAME and NAME_FILE in one source, or its file cannot be read (the message names the path,
// never the content). Names outside the table (NODE_ENV) come from `env`.
Result<EnvLookup> resolve_settings(const EnvLookup& env, const ConfigFile& file);

}  // namespace linkgate::server

// The environment files the Debian package ships as /etc/linkgate/linkgate.env and
// /etc/linkgate/secrets.env, generated from the settings table (`linkgate settings --env-file` and
// `--secrets-env-file`): every setting, commented out, with its help, its default and what it
// allows. A test fails when packaging/'s copies differ from what the table generates.
#pragma once

#include <string>

namespace linkgate::server {

enum class EnvFileKind {
  settings,  // every setting that is not a secret
  secrets,   // every secret (each with its NAME_FILE alternative)
};

// The file: a header saying how it is read, then by group each setting as comment lines and a
// commented-out `NAME=default` line (`NAME=` when it has no plain default). Lines are at most 100
// characters but for a `NAME=value` line. systemd's EnvironmentFile= and `docker run --env-file`
// read it as it is.
std::string settings_env_file(EnvFileKind kind);

}  // namespace linkgate::server

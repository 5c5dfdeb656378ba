#!/bin/sh
# The container's entry point: for each secret setting NAME, NAME_FILE names a file whose content
# becomes NAME (Docker and Compose secrets), and NAME_FILE is removed; then `linkgate "$@"` runs
# in its place. The secret settings: AUTH_SECRET, DATABASE_URL, EMAIL_SERVER, PGPASSWORD (libpq's)
# and every provider key AUTH_<PROVIDER>_KEY. Other variables that end in _FILE (such as
# LINKGATE_SECRET_FILE or SSL_CERT_FILE) are paths and are left alone. Setting both NAME and
# NAME_FILE, or naming a file that cannot be read, is an error.
set -eu

secret_file_vars=$(env | sed -n -E \
  's/^((AUTH_SECRET|DATABASE_URL|EMAIL_SERVER|PGPASSWORD|AUTH_[A-Z0-9]+_KEY)_FILE)=.*/\1/p')
for file_var in $secret_file_vars; do
  var=${file_var%_FILE}
  path=$(printenv "$file_var")
  if [ -n "$(printenv "$var" || true)" ]; then
    echo "docker-entrypoint: both $var and $file_var are set; set one" >&2
    exit 1
  fi
  if [ ! -r "$path" ]; then
    echo "docker-entrypoint: $file_var names $path, which cannot be read" >&2
    exit 1
  fi
  value=$(cat "$path")
  export "$var=$value"
  unset "$file_var"
done

exec /usr/bin/linkgate "$@"

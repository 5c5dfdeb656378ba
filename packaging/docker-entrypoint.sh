#!/bin/sh
# The container's entry point: for every NAME_FILE variable whose NAME is unset, NAME gets the
# file's content (Docker and Compose secrets: AUTH_SECRET_FILE=/run/secrets/auth_secret,
# PGPASSWORD_FILE=...), and NAME_FILE is removed; then `linkgate "$@"` runs in its place.
# Setting both NAME and NAME_FILE is an error.
set -eu

for file_var in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*_FILE\)=.*/\1/p'); do
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

#!/bin/sh
# The container's entry point. linkgate itself reads NAME_FILE for every secret setting (the file's
# content becomes NAME: Docker and Compose secrets). PGPASSWORD is libpq's, not linkgate's, so it
# is done here: PGPASSWORD_FILE names a file whose content becomes PGPASSWORD, and
# PGPASSWORD_FILE is removed. Setting both, or naming a file that cannot be read, is an error.
# Then `linkgate "$@"` runs in its place.
set -eu

if [ -n "${PGPASSWORD_FILE:-}" ]; then
  if [ -n "${PGPASSWORD:-}" ]; then
    echo "docker-entrypoint: both PGPASSWORD and PGPASSWORD_FILE are set; set one" >&2
    exit 1
  fi
  if [ ! -r "$PGPASSWORD_FILE" ]; then
    echo "docker-entrypoint: PGPASSWORD_FILE names $PGPASSWORD_FILE, which cannot be read" >&2
    exit 1
  fi
  PGPASSWORD=$(cat "$PGPASSWORD_FILE")
  export PGPASSWORD
  unset PGPASSWORD_FILE
fi

exec /usr/bin/linkgate "$@"

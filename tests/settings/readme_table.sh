#!/bin/sh
# Fails when README.md's configuration table is not what the settings table generates
# (`linkgate settings --markdown`); the diff says which rows differ. Fix: paste that command's
# output over the table in README.md.
# Usage: readme_table.sh <linkgate binary> <README.md>
set -eu
binary=$1
readme=$2
generated=$("$binary" settings --markdown)
documented=$(awk '/^\| variable \| default \| meaning \|$/ { on = 1 } on && /^$/ { exit } on' "$readme")
if [ "$generated" != "$documented" ]; then
  echo "README.md's configuration table differs from \`linkgate settings --markdown\`:" >&2
  printf '%s\n' "$generated" >/tmp/linkgate-settings-generated.$$
  printf '%s\n' "$documented" | diff -u - /tmp/linkgate-settings-generated.$$ >&2 || true
  rm -f /tmp/linkgate-settings-generated.$$
  exit 1
fi
echo "README.md's configuration table matches the settings table"

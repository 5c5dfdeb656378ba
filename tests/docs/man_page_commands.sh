#!/bin/sh
# Fails when the man page (packaging/linkgate.1.in) leaves out a command that `linkgate --help`
# lists: each needs a synopsis line (.B linkgate NAME) and an entry under COMMANDS (.B NAME).
# Usage: man_page_commands.sh <linkgate binary> <linkgate.1.in>
set -eu
binary=$1
page=$2
commands=$("$binary" --help | awk '/^Subcommands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
[ -n "$commands" ] || { echo "no commands found in \`linkgate --help\`" >&2; exit 1; }
missing=""
for command in $commands; do
  escaped=$(printf '%s' "$command" | sed 's/-/\\\\-/g')
  grep -q "^\.B linkgate $escaped\$" "$page" || missing="$missing $command(synopsis)"
  grep -q "^\.B $escaped\$" "$page" || missing="$missing $command(COMMANDS)"
done
if [ -n "$missing" ]; then
  echo "the man page leaves out:$missing" >&2
  exit 1
fi
echo "the man page lists every command:" $commands

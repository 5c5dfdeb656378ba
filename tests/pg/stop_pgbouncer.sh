#!/usr/bin/env bash
# Stops the PgBouncer that start_pgbouncer.sh started and removes its directory ("keep": only
# stops it).
#
#   tests/pg/stop_pgbouncer.sh STATE_DIR [keep]
set -uo pipefail

state_dir=${1:?usage: stop_pgbouncer.sh STATE_DIR [keep]}
[ -f "$state_dir/data_dir" ] || exit 0
data_dir=$(cat "$state_dir/data_dir")
if [ -f "$data_dir/pgbouncer.pid" ]; then
  pid=$(cat "$data_dir/pgbouncer.pid")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$data_dir/pgbouncer.pid"
fi
[ "${2:-}" = keep ] && exit 0
case "$data_dir" in
  */linkgate-pgbouncer-*) rm -rf "$data_dir" ;;
esac
rm -f "$state_dir/url" "$state_dir/data_dir" "$state_dir/isolation"

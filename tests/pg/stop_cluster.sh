#!/usr/bin/env bash
# Stops the cluster that start_cluster.sh started and removes its directory.
#
#   tests/pg/stop_cluster.sh STATE_DIR
set -uo pipefail

state_dir=${1:?usage: stop_cluster.sh STATE_DIR}
pg_bin=${LINKGATE_PG_BIN:-/usr/lib/postgresql/15/bin}
[ -f "$state_dir/data_dir" ] || exit 0
data_dir=$(cat "$state_dir/data_dir")
run_as=()
[ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
if [ -d "$data_dir/data" ]; then
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$data_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
case "$data_dir" in
  */linkgate-pg-*) rm -rf "$data_dir" ;;
esac
rm -f "$state_dir/url" "$state_dir/data_dir" "$state_dir/options"

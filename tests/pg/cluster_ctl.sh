#!/usr/bin/env bash
# Stops or starts again, keeping its data and port, a cluster that start_cluster.sh made: the
# outage tests take the database away and bring it back. `kill` stops it as a crash would (no
# checkpoint, every connection cut); `promote` makes a standby (start_standby.sh) the primary.
#
#   tests/pg/cluster_ctl.sh STATE_DIR stop|start|kill|promote
set -euo pipefail

state_dir=${1:?usage: cluster_ctl.sh STATE_DIR stop|start|kill|promote}
action=${2:?usage: cluster_ctl.sh STATE_DIR stop|start|kill|promote}
pg_bin=${LINKGATE_PG_BIN:-/usr/lib/postgresql/15/bin}
data_dir=$(cat "$state_dir/data_dir")
run_as=()
[ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
case "$action" in
  stop) "${run_as[@]}" "$pg_bin/pg_ctl" -D "$data_dir/data" -m fast -w stop >/dev/null ;;
  kill) "${run_as[@]}" "$pg_bin/pg_ctl" -D "$data_dir/data" -m immediate -w stop >/dev/null ;;
  promote) "${run_as[@]}" "$pg_bin/pg_ctl" -D "$data_dir/data" -w -t 30 promote >/dev/null ;;
  start)
    "${run_as[@]}" "$pg_bin/pg_ctl" -D "$data_dir/data" -l "$data_dir/server.log" -w -t 30 \
      -o "$(cat "$state_dir/options")" start >/dev/null
    ;;
  *) echo "cluster_ctl.sh: unknown action $action" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Makes a streaming-replication standby of a cluster that start_cluster.sh started, and makes it
# the primary's synchronous standby: a commit returns only once the standby has it.
#
#   tests/pg/start_standby.sh PRIMARY_STATE_DIR STANDBY_STATE_DIR
#
# The standby is a pg_basebackup of the primary (-R: it follows the primary), on a free loopback
# port of its own, with the primary's options otherwise. STANDBY_STATE_DIR gets the same files as
# start_cluster.sh writes (url, data_dir, options), so that cluster_ctl.sh and stop_cluster.sh
# work on it. Any failure exits non-zero with a message saying why.
set -euo pipefail

primary_state=${1:?usage: start_standby.sh PRIMARY_STATE_DIR STANDBY_STATE_DIR}
state_dir=${2:?usage: start_standby.sh PRIMARY_STATE_DIR STANDBY_STATE_DIR}
pg_bin=${LINKGATE_PG_BIN:-/usr/lib/postgresql/15/bin}

fail() {
  echo "start_standby.sh: $*" >&2
  exit 1
}

run_as=()
[ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)

primary_url=$(cat "$primary_state/url")
primary_dir=$(cat "$primary_state/data_dir")
primary_options=$(cat "$primary_state/options")
primary_port=$(sed -E 's/.* -p ([0-9]+) .*/\1/' <<<"$primary_options")
# postgres://user:password@127.0.0.1:port/database
credentials=${primary_url#postgres://}
credentials=${credentials%%@*}
user=${credentials%%:*}
password=${credentials#*:}

mkdir -p "$state_dir"
rm -f "$state_dir/url" "$state_dir/data_dir" "$state_dir/options"
data_dir=$(mktemp -d "${TMPDIR:-/tmp}/linkgate-pg-XXXXXX")
chmod 700 "$data_dir"
[ ${#run_as[@]} -eq 0 ] || chown postgres: "$data_dir"
echo "$data_dir" >"$state_dir/data_dir"

"${run_as[@]}" env PGPASSWORD="$password" "$pg_bin/pg_basebackup" -D "$data_dir/data" -R \
  -X stream -c fast -d "host=127.0.0.1 port=$primary_port user=$user" \
  >"$data_dir/basebackup.log" 2>&1 || { cat "$data_dir/basebackup.log" >&2; fail "pg_basebackup failed"; }

started=""
for attempt in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 40000)))
  options=$(sed -E "s# -p [0-9]+ # -p $port #; s# -k [^ ]+ # -k $data_dir #" <<<"$primary_options")
  options+=" -c cluster_name=linkgate_standby"
  if "${run_as[@]}" "$pg_bin/pg_ctl" -D "$data_dir/data" -l "$data_dir/server.log" -w -t 30 \
    -o "$options" start >/dev/null 2>&1; then
    started=yes
    break
  fi
  echo "start_standby.sh: attempt $attempt on port $port failed" >&2
done
[ -n "$started" ] || { cat "$data_dir/server.log" >&2 || true; fail "the standby did not start"; }
echo "$options" >"$state_dir/options"
echo "${primary_url/:$primary_port\//:$port/}" >"$state_dir/url"

# Synchronous from now on; then wait until the primary sees the standby as such.
psql_primary=("${run_as[@]}" "$pg_bin/psql" -h "$primary_dir" -p "$primary_port" -U "$user" -d postgres -v ON_ERROR_STOP=1 -qtA)
"${psql_primary[@]}" -c "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (linkgate_standby)'" >/dev/null
"${psql_primary[@]}" -c "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 1 100); do
  state=$("${psql_primary[@]}" -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'linkgate_standby'")
  [ "$state" = sync ] && { echo "PostgreSQL standby on 127.0.0.1:$port in $data_dir (synchronous)"; exit 0; }
  sleep 0.1
done
fail "the standby did not become synchronous (sync_state '$state')"

#!/usr/bin/env bash
# Starts Debian's PgBouncer in transaction pooling mode in front of a cluster that
# start_cluster.sh started, for the PostgreSQL tests run through it.
#
#   tests/pg/start_pgbouncer.sh CLUSTER_STATE_DIR STATE_DIR
#
# Any database name is passed through to the cluster (a `*` entry), so each test can have a
# database of its own: PgBouncer refuses the `options` startup parameter the direct tests use for a
# schema of their own. It writes, into STATE_DIR:
#   url        postgres://linkgate:<password>@127.0.0.1:<port>/linkgate_test (PgBouncer's port)
#   data_dir   PgBouncer's directory (config, pid file, log; stop_pgbouncer.sh removes it)
#   isolation  "database": fresh_postgres_url() makes a database per test rather than a schema
set -euo pipefail

cluster_state=${1:?usage: start_pgbouncer.sh CLUSTER_STATE_DIR STATE_DIR}
state_dir=${2:?usage: start_pgbouncer.sh CLUSTER_STATE_DIR STATE_DIR}
pgbouncer=${LINKGATE_PGBOUNCER:-/usr/sbin/pgbouncer}

fail() {
  echo "start_pgbouncer.sh: $*" >&2
  echo "start_pgbouncer.sh: install Debian's pgbouncer package (make test-deps)." >&2
  exit 1
}
[ -x "$pgbouncer" ] || fail "no $pgbouncer"
run_as=()
[ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)

if [ -f "$state_dir/data_dir" ]; then "$(dirname "$0")/stop_pgbouncer.sh" "$state_dir" || true; fi
mkdir -p "$state_dir"
cluster_url=$(cat "$cluster_state/url")
cluster_port=${cluster_url##*:}
cluster_port=${cluster_port%%/*}
credentials=${cluster_url#postgres://}
credentials=${credentials%%@*}
user=${credentials%%:*}
password=${credentials#*:}

data_dir=$(mktemp -d "${TMPDIR:-/tmp}/linkgate-pgbouncer-XXXXXX")
echo "$data_dir" >"$state_dir/data_dir"
printf '"%s" "%s"\n' "$user" "$password" >"$data_dir/userlist.txt"
started=""
for attempt in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 40000)))
  cat >"$data_dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$cluster_port user=$user password=$password

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $data_dir/userlist.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 40
max_db_connections = 0
ignore_startup_parameters = extra_float_digits
pidfile = $data_dir/pgbouncer.pid
logfile = $data_dir/pgbouncer.log
INI
  [ ${#run_as[@]} -eq 0 ] || chown -R postgres: "$data_dir"
  if "${run_as[@]}" "$pgbouncer" -d "$data_dir/pgbouncer.ini" >"$data_dir/start.log" 2>&1; then
    for _ in $(seq 1 50); do
      if PGPASSWORD=$password psql -h 127.0.0.1 -p "$port" -U "$user" -d linkgate_test -qtAc "SELECT 1" >/dev/null 2>&1; then
        started=yes
        break 2
      fi
      sleep 0.1
    done
    "$(dirname "$0")/stop_pgbouncer.sh" "$state_dir" keep || true
  fi
  echo "start_pgbouncer.sh: attempt $attempt on port $port failed" >&2
done
[ -n "$started" ] || { cat "$data_dir"/*.log >&2 || true; fail "PgBouncer did not start"; }
echo database >"$state_dir/isolation"
echo "postgres://$user:$password@127.0.0.1:$port/linkgate_test" >"$state_dir/url"
echo "PgBouncer (transaction pooling) on 127.0.0.1:$port in front of 127.0.0.1:$cluster_port"

#!/usr/bin/env bash
# Starts a private PostgreSQL 15 cluster for the tests and writes its connection URL.
#
#   tests/pg/start_cluster.sh STATE_DIR
#
# The cluster lives in a fresh temporary directory, listens on a free loopback port (and a Unix
# socket in that directory), and runs as a non-root user: as root (CI) it runs as the `postgres`
# user that Debian's package creates. It writes, into STATE_DIR:
#   url      postgres://linkgate:<password>@127.0.0.1:<port>/linkgate_test
#   data_dir the cluster's directory (stop_cluster.sh removes it)
#   options  the server's options (cluster_ctl.sh starts it again with them)
# Any failure exits non-zero with a message saying why: the tests that need the cluster then fail.
# LINKGATE_PG_EXTRA_OPTIONS, when set, is appended to the server options (a later -c wins).
set -euo pipefail

state_dir=${1:?usage: start_cluster.sh STATE_DIR}
pg_bin=${LINKGATE_PG_BIN:-/usr/lib/postgresql/15/bin}
user=linkgate
password=linkgate-test-password
database=linkgate_test

fail() {
  echo "start_cluster.sh: $*" >&2
  echo "start_cluster.sh: the PostgreSQL tests cannot run; install Debian's postgresql package" \
    "(make deps) and check the log above." >&2
  exit 1
}

[ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] || fail "no initdb/pg_ctl in $pg_bin"

run_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || fail "running as root but there is no postgres user"
  run_as=(runuser -u postgres --)
fi

# A previous run's cluster (an interrupted ctest) is stopped first.
if [ -f "$state_dir/data_dir" ]; then
  "$(dirname "$0")/stop_cluster.sh" "$state_dir" || true
fi
mkdir -p "$state_dir"
rm -f "$state_dir/url" "$state_dir/data_dir" "$state_dir/options"

data_dir=$(mktemp -d "${TMPDIR:-/tmp}/linkgate-pg-XXXXXX")
chmod 700 "$data_dir"
[ ${#run_as[@]} -eq 0 ] || chown postgres: "$data_dir"
echo "$data_dir" >"$state_dir/data_dir"

pwfile="$data_dir/pwfile"
printf '%s\n' "$password" >"$pwfile"
[ ${#run_as[@]} -eq 0 ] || chown postgres: "$pwfile"
"${run_as[@]}" "$pg_bin/initdb" -D "$data_dir/data" -U "$user" --pwfile="$pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
  >"$data_dir/initdb.log" 2>&1 || { cat "$data_dir/initdb.log" >&2; fail "initdb failed"; }
rm -f "$pwfile"

# A free port: ask the kernel for one, then retry with another if the server loses the race.
started=""
for attempt in 1 2 3 4 5; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 40000)))
  options="-c listen_addresses=127.0.0.1 -p $port -k $data_dir -c max_connections=300"
  options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${LINKGATE_PG_EXTRA_OPTIONS:-}"
  if "${run_as[@]}" "$pg_bin/pg_ctl" -D "$data_dir/data" -l "$data_dir/server.log" -w -t 30 \
    -o "$options" start >/dev/null 2>&1; then
    started=yes
    break
  fi
  echo "start_cluster.sh: attempt $attempt on port $port failed" >&2
done
[ -n "$started" ] || { cat "$data_dir/server.log" >&2 || true; fail "the server did not start"; }

"${run_as[@]}" "$pg_bin/psql" -h "$data_dir" -p "$port" -U "$user" -d postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE DATABASE $database" >/dev/null || fail "could not create the test database"

echo "$options" >"$state_dir/options"
echo "postgres://$user:$password@127.0.0.1:$port/$database" >"$state_dir/url"
echo "PostgreSQL test cluster on 127.0.0.1:$port in $data_dir"

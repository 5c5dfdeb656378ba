#!/usr/bin/env bash
# linkgate's load benchmark (bench/README.md). `make bench` and `make bench-scale` run it.
#
#   bench/run.sh load    every case against linkgate, Auth.js and the hello-world floor;
#                        writes bench/results/latest.md
#   bench/run.sh scale   cases 2 (PostgreSQL), 4 and 5 against linkgate on an empty database,
#                        then again with BENCH_SCALE_ROWS users, sessions and outstanding tokens;
#                        writes bench/results/scale.md
#   bench/run.sh nodes   cases 4 and 5 (sign-in: link requested; link redeemed) against 1 and 2
#                        linkgate nodes on one PostgreSQL, directly and through PgBouncer in
#                        transaction mode; writes bench/results/nodes.md
#
# Needs: build/linkgate and build/bench/bench_server (make bench builds them), wrk, node with
# bench/authjs/node_modules (npm ci), Debian's postgresql (a private cluster is started through
# tests/pg/start_cluster.sh and removed at the end), sqlite3. Knobs: bench/env.sh.
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
# shellcheck source=env.sh
source "$bench/env.sh"
export BENCH_DURATION BENCH_WARMUP BENCH_CONNECTIONS BENCH_WRK_THREADS BENCH_SCALE_ROWS
mode=${1:-load}
case "$mode" in load | scale | nodes) ;; *)
  echo "usage: bench/run.sh load|scale|nodes" >&2
  exit 2
  ;;
esac
BUILD_DIR=${BUILD_DIR:-$root/build}
linkgate=$BUILD_DIR/linkgate
bench_server=$BUILD_DIR/bench/bench_server
for f in "$linkgate" "$bench_server"; do
  [ -x "$f" ] || { echo "run.sh: $f is missing: run make bench" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "run.sh: wrk is missing: run make bench-deps" >&2; exit 1; }
# Auth.js runs only in the load cases.
[ "$mode" != load ] || [ -d "$bench/authjs/node_modules/@auth/core" ] ||
  { echo "run.sh: bench/authjs/node_modules is missing: run make bench-deps" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/linkgate-bench-XXXXXX")
results=$work/results.jsonl
: >"$results"
server_pid=""
fake_pid=""
node_pids=()

log() { echo "[bench $(date +%T)] $*" >&2; }

stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

cleanup() {
  stop_server
  stop_nodes
  "$root/tests/pg/stop_pgbouncer.sh" "$work/pgbouncer" >/dev/null 2>&1 || true
  if [ -n "$fake_pid" ]; then
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
  fi
  if [ -n "${BENCH_KEEP:-}" ] && [ -f "$work/pg/data_dir" ]; then
    cp "$(cat "$work/pg/data_dir")/server.log" "$work/postgres.log" 2>/dev/null || true
  fi
  "$root/tests/pg/stop_cluster.sh" "$work/pg" >/dev/null 2>&1 || true
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# CPU time (user + system, clock ticks) of a process, and of every PostgreSQL server process.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local t=0 p pm
  pm=$(head -n 1 "$(cat "$work/pg/data_dir")/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  for p in "$pm" $(pgrep -P "$pm"); do
    t=$((t + $(ticks "$p")))
  done
  echo "$t"
}

kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

wait_ready() {
  local port=$1 pid=$2 server_log=$3
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
    kill -0 "$pid" 2>/dev/null || { log "the server exited; its log:"; cat "$server_log" >&2; return 1; }
    sleep 0.1
  done
  log "the server on port $port did not become ready"
  return 1
}

# start linkgate|authjs|hello STRATEGY DATABASE_URL; sets server_pid and server_port.
start() {
  local kind=$1 strategy=${2:-} url=${3:-} envs=()
  stop_server
  case "$kind" in
    linkgate)
      mapfile -t envs < <(linkgate_env "$strategy" "$url")
      env -i PATH="$PATH" HOME="${HOME:-/root}" "${envs[@]}" "$linkgate" serve >>"$work/linkgate.log" 2>&1 &
      server_port=$LINKGATE_BENCH_PORT
      ;;
    authjs)
      mapfile -t envs < <(authjs_env "$strategy" "$url")
      (cd "$bench/authjs" && exec env -i PATH="$PATH" HOME="${HOME:-/root}" "${envs[@]}" node server.mjs) \
        >>"$work/authjs.log" 2>&1 &
      server_port=$AUTHJS_BENCH_PORT
      ;;
    hello)
      "$bench_server" hello "$HELLO_BENCH_PORT" "$(nproc)" >>"$work/hello.log" 2>&1 &
      server_port=$HELLO_BENCH_PORT
      ;;
  esac
  server_pid=$!
  wait_ready "$server_port" "$server_pid" "$work/$kind.log"
  sleep 1 # settle before reading the idle RSS
}

psql_q() { psql "$pg_url" -v ON_ERROR_STOP=1 -qAt -c "$1"; }

# Distinct valid verification tokens PREFIX-<n> for PREFIX-<n>@load.bench, n < COUNT; the hash
# at rest is Auth.js's sha256hex(token + secret).
prepare_tokens() {
  psql_q "INSERT INTO verification_token (identifier, expires, token)
    SELECT '$1-' || n || '@load.bench', now() + interval '1 day',
           encode(sha256(convert_to('$1-' || n || '$BENCH_SECRET', 'UTF8')), 'hex')
    FROM generate_series(0, $2 - 1) AS n"
}

# Removes what the load made (users, sessions, tokens of @load.bench addresses).
clean_load_rows() {
  psql_q "DELETE FROM verification_token WHERE identifier LIKE '%@load.bench';
    DELETE FROM sessions WHERE \"userId\" IN (SELECT id FROM users WHERE email LIKE '%@load.bench');
    DELETE FROM users WHERE email LIKE '%@load.bench'"
  # No VACUUM/ANALYZE here: autovacuum (on, as in production) keeps the statistics. Forcing
  # ANALYZE between cases (statistics of near-empty tables) or turning autovacuum off (stale ones)
  # each made PostgreSQL's CPU per callback 2-3x higher in trial runs (bench/README.md).
}

emails_sent() { curl -sf "http://127.0.0.1:$FAKE_POSTMARK_PORT/count"; }

# With BENCH_PG_WAITS=1: samples what PostgreSQL's client backends wait on (pg_stat_activity,
# every 20 ms, through one psql session) for SECONDS, and prints the tally to OUT: CPU means
# running, Client:ClientRead means waiting for the server under test, LWLock:* means queued
# behind another backend (WALWrite: the commit's WAL write; BufferContent: a hot page).
sample_pg_waits() {
  local seconds=$1 out=$2 n
  n=$((seconds * 50))
  for _ in $(seq 1 "$n"); do
    echo "SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') FROM
      pg_stat_activity WHERE backend_type = 'client backend' AND state = 'active'
      AND pid <> pg_backend_pid(); SELECT pg_sleep(0.02);"
  done | psql "$pg_url" -qAt 2>/dev/null | grep -v '^$' | sort | uniq -c | sort -rn >"$out" || true
}

# One wrk run: SCRIPT URL SECONDS OUT PREFIX.
wrk_run() {
  env BENCH_WRK_DIR="$bench/wrk" BENCH_OUT="$4" BENCH_WRK_THREADS="$BENCH_WRK_THREADS" \
    BENCH_PREFIX="$5" BENCH_COOKIE="$case_cookie" BENCH_CSRF="$case_csrf" \
    wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"${3}s" --timeout 10s \
    -s "$bench/wrk/$1" "$2" >"$work/wrk.log" 2>&1 || { cat "$work/wrk.log" >&2; return 1; }
}

# The correctness probe of a case: one request with curl, before the load.
probe() {
  local url="http://127.0.0.1:$server_port/api/auth" out
  case "$1" in
    1 | 2s | 2p)
      out=$(curl -sf -H "Cookie: $case_cookie" "$url/session")
      [[ "$out" == *'"email":"bench@bench.example"'* ]] || { log "case $1: /session said: $out"; return 1; }
      ;;
    1v | 2sv | 2pv)
      out=$(curl -sf -D - -o /dev/null -H "Cookie: $case_cookie" "$url/verify" | tr -d '\r')
      [[ "$out" == *$'\nX-Auth-Email: bench@bench.example'* ]] || { log "case $1: /verify said: $out"; return 1; }
      ;;
    3)
      out=$(curl -sf -H "Cookie: $case_cookie" "$url/csrf")
      [[ "$out" == *"$case_csrf"* ]] || { log "case 3: /csrf said: $out"; return 1; }
      ;;
    4)
      out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "Cookie: $case_cookie" \
        --data "csrfToken=$case_csrf&email=probe-$RANDOM%40load.bench" "$url/signin/postmark")
      [[ "$out" == 302*verify-request* ]] || { log "case 4: sign-in answered: $out"; return 1; }
      ;;
    5)
      local p="probe$RANDOM$RANDOM"
      prepare_tokens "$p" 1
      out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
        "$url/callback/postmark?token=$p-0&email=$p-0%40load.bench")
      [[ "$out" == 302* && "$out" != *error* ]] || { log "case 5: callback answered: $out"; return 1; }
      ;;
  esac
}

# measure CASE SERVER LABEL: warm-up, then the measured run, against the started server.
measure() {
  local id=$1 server=$2 label=$3 script path url tag
  case "$id" in
    1 | 2s | 2p) script=get.lua path=/api/auth/session ;;
    1v | 2sv | 2pv) script=get.lua path=/api/auth/verify ;;
    3) script=get.lua path=/api/auth/csrf ;;
    4) script=signin.lua path=/api/auth/signin/postmark ;;
    5) script=callback.lua path=/api/auth/callback/postmark ;;
    hello) script=get.lua path=/ ;;
  esac
  url="http://127.0.0.1:$server_port$path"
  tag="$id-$server-$label"
  local idle_kb ok=true note="" emails_before=0 emails_after=0
  local cpu_before=0 cpu_after=0 pg_before=0 pg_after=0
  idle_kb=$(kb "$server_pid" VmRSS)
  if [ "$id" != hello ] && ! probe "$id"; then ok=false; note="the probe request failed"; fi
  if $ok; then
    local warm="w$RANDOM$RANDOM" main="m$RANDOM$RANDOM"
    if [ "$id" = 5 ]; then prepare_tokens "$warm" "$BENCH_TOKENS"; fi
    log "$tag: warm-up ${BENCH_WARMUP}s"
    wrk_run "$script" "$url" "$BENCH_WARMUP" "$work/warm.json" "$warm" || ok=false note="wrk failed"
    if [ "$id" = 5 ]; then
      psql_q "DELETE FROM verification_token WHERE identifier LIKE '$warm-%'"
      prepare_tokens "$main" "$BENCH_TOKENS"
    fi
    [ "$id" = 4 ] && emails_before=$(emails_sent)
    log "$tag: load ${BENCH_DURATION}s, $BENCH_CONNECTIONS connections"
    cpu_before=$(ticks "$server_pid") pg_before=$(pg_ticks)
    local sampler=""
    if [ -n "${BENCH_PG_WAITS:-}" ] && [[ "$id" == 2p || "$id" == 4 || "$id" == 5 ]]; then
      sample_pg_waits "$BENCH_DURATION" "$work/waits-$tag.txt" &
      sampler=$!
    fi
    wrk_run "$script" "$url" "$BENCH_DURATION" "$work/main.json" "$main" || ok=false note="wrk failed"
    if [ -n "$sampler" ]; then
      wait "$sampler" || true
      log "$tag: what PostgreSQL's active backends waited on (samples):"
      head -n 8 "$work/waits-$tag.txt" >&2
    fi
    cpu_after=$(ticks "$server_pid") pg_after=$(pg_ticks)
    [ "$id" = 4 ] && emails_after=$(emails_sent)
  fi
  local peak_kb=0 after_kb=0
  if kill -0 "$server_pid" 2>/dev/null; then
    peak_kb=$(kb "$server_pid" VmHWM)
    sleep 1 # idle again: what the load left resident (libraries it loaded, heap it kept)
    after_kb=$(kb "$server_pid" VmRSS)
  else
    ok=false note="the server exited during the load"
    log "$tag: the server exited during the load; the end of its log:"
    tail -n 20 "$work/$server.log" >&2 || true
  fi
  stop_server
  if [[ "$id" == 4 || "$id" == 5 ]]; then clean_load_rows; fi
  node -e '
    const fs = require("fs");
    const [id, server, label, idle, peak, after, ok, note, sent, out, cpu, pgcpu, hz] = process.argv.slice(1);
    const row = { case: id, server, label, idle_kb: +idle, peak_kb: +peak, after_kb: +after, ok: ok === "true", note,
                  cpu_s: +cpu / +hz, pg_cpu_s: +pgcpu / +hz };
    if (row.ok) {
      row.wrk = JSON.parse(fs.readFileSync(out, "utf8"));
      if (id === "4") row.emails = +sent;
    }
    fs.appendFileSync(process.env.RESULTS, JSON.stringify(row) + "\n");
    const w = row.wrk;
    console.error(w ? `  ${(w.requests / (w.duration_us / 1e6)).toFixed(0)} req/s, p50 ${w.p50_us} us, ` +
      `p90 ${w.p90_us} us, p99 ${w.p99_us} us, p99.9 ${w.p999_us} us, max ${w.max_us} us, bad ${w.bad}, status errors ${w.errors.status}, idle ${idle} kB, peak ${peak} kB, after ${after} kB, ` +
      `server CPU ${(1e6 * row.cpu_s / w.requests).toFixed(0)} us/req, PostgreSQL CPU ${(1e6 * row.pg_cpu_s / w.requests).toFixed(0)} us/req`
      : `  FAILED: ${note}`);
  ' "$id" "$server" "$label" "$idle_kb" "$peak_kb" "$after_kb" "$ok" "$note" \
    "$((emails_after - emails_before))" "$work/main.json" "$((cpu_after - cpu_before))" \
    "$((pg_after - pg_before))" "$(getconf CLK_TCK)"
}

# --- several nodes (mode nodes) -----------------------------------------------------------------
stop_nodes() {
  local pid
  for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${node_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  node_pids=()
}

# start_nodes COUNT DATABASE_URL [VAR=value …]: COUNT linkgate nodes (database sessions) on
# LINKGATE_BENCH_PORT, +10, …, each with the bench's settings plus the extra ones.
start_nodes() {
  local count=$1 url=$2 i port envs=()
  shift 2
  stop_nodes
  for ((i = 0; i < count; i++)); do
    port=$((LINKGATE_BENCH_PORT + 10 * i))
    mapfile -t envs < <(linkgate_env database "$url")
    env -i PATH="$PATH" HOME="${HOME:-/root}" "${envs[@]}" PORT="$port" "$@" "$linkgate" serve \
      >>"$work/linkgate.log" 2>&1 &
    node_pids+=($!)
    wait_ready "$port" "$!" "$work/linkgate.log"
  done
  sleep 1
}

# measure_nodes CASE LABEL COUNT: warm-up, then the measured run, with one wrk per node (each
# with its share of the connections) at once; appends one row that sums them.
measure_nodes() {
  local id=$1 label=$2 count=$3 script path i port pids=() ok=true note=""
  case "$id" in
    4) script=signin.lua path=/api/auth/signin/postmark case_cookie=$csrf_cookie case_csrf=$csrf_token ;;
    5) script=callback.lua path=/api/auth/callback/postmark case_cookie="" case_csrf="" ;;
  esac
  local connections=$((BENCH_CONNECTIONS / count))
  for phase in warm main; do
    local seconds=$BENCH_WARMUP
    [ "$phase" = main ] && seconds=$BENCH_DURATION
    pids=()
    for ((i = 0; i < count; i++)); do
      local prefix="$phase$i-$RANDOM$RANDOM"
      [ "$id" = 5 ] && prepare_tokens "$prefix" "$BENCH_TOKENS"
      port=$((LINKGATE_BENCH_PORT + 10 * i))
      env BENCH_WRK_DIR="$bench/wrk" BENCH_OUT="$work/$phase-$i.json" BENCH_WRK_THREADS=1 \
        BENCH_PREFIX="$prefix" BENCH_COOKIE="$case_cookie" BENCH_CSRF="$case_csrf" \
        wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s "$bench/wrk/$script" \
        "http://127.0.0.1:$port$path" >"$work/wrk-$i.log" 2>&1 &
      pids+=($!)
    done
    [ "$phase" = main ] && log "case $id, $label: load ${seconds}s, $count node(s), $BENCH_CONNECTIONS connections"
    for pid in "${pids[@]}"; do wait "$pid" || { ok=false note="wrk failed"; }; done
  done
  for ((i = 0; i < count; i++)); do
    kill -0 "${node_pids[$i]}" 2>/dev/null || { ok=false note="a node exited during the load"; }
  done
  stop_nodes
  clean_load_rows
  node -e '
    const fs = require("fs");
    const [id, label, count, ok, note, work] = process.argv.slice(1);
    const row = { case: id, label, nodes: +count, ok: ok === "true", note };
    if (row.ok) {
      const parts = [...Array(+count).keys()].map((i) => JSON.parse(fs.readFileSync(`${work}/main-${i}.json`, "utf8")));
      row.rps = parts.reduce((a, w) => a + w.requests / (w.duration_us / 1e6), 0);
      row.p50_us = Math.max(...parts.map((w) => w.p50_us));
      row.p99_us = Math.max(...parts.map((w) => w.p99_us));
      row.bad = parts.reduce((a, w) => a + w.bad + w.errors.status + w.errors.timeout, 0);
    }
    fs.appendFileSync(process.env.RESULTS, JSON.stringify(row) + "\n");
    console.error(row.ok ? `  ${row.rps.toFixed(0)} req/s, p50 ${row.p50_us} us, p99 ${row.p99_us} us, bad ${row.bad}` : `  FAILED: ${note}`);
  ' "$id" "$label" "$count" "$ok" "$note" "$work"
}

# --- shared set-up -----------------------------------------------------------------------------
log "starting a private PostgreSQL cluster"
# synchronous_commit at PostgreSQL's default (on; the test clusters turn it off): with it off,
# every commit signals the WAL writer awake, which cost more CPU per commit than the backend's
# own WAL write (fsync stays off, so no disk flush is measured) in the case-5 profile.
LINKGATE_PG_EXTRA_OPTIONS="-c synchronous_commit=on ${BENCH_PG_OPTIONS:-}" "$root/tests/pg/start_cluster.sh" "$work/pg" >&2
pg_url=$(cat "$work/pg/url")
"$linkgate" migrate --database-url "$pg_url" >&2
psql_q "INSERT INTO users (name, email, \"emailVerified\") VALUES (NULL, 'bench@bench.example', now());
  INSERT INTO sessions (\"userId\", expires, \"sessionToken\")
  SELECT id, now() + interval '30 days', 'bench-session-token' FROM users
  WHERE email = 'bench@bench.example'"
export RESULTS=$results

"$bench_server" postmark "$FAKE_POSTMARK_PORT" 1 >"$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 1 50); do emails_sent >/dev/null 2>&1 && break; sleep 0.1; done

csrf_token=$(printf '%s' "bench-csrf-$RANDOM$RANDOM" | sha256sum | cut -c1-64)
csrf_hash=$(printf '%s%s' "$csrf_token" "$BENCH_SECRET" | sha256sum | cut -c1-64)
csrf_cookie="authjs.csrf-token=$csrf_token%7C$csrf_hash"
db_cookie="authjs.session-token=bench-session-token"
jwt_cookie=""
if [ "$mode" = load ]; then # case 1's JWT, minted by Auth.js's own code
  jwt_cookie="authjs.session-token=$(cd "$bench/authjs" && node mint.mjs "$BENCH_SECRET" 1 bench@bench.example)"
fi

# run CASE SERVER LABEL STRATEGY DATABASE_URL (skipped unless "CASE:SERVER" is in BENCH_ONLY,
# when that is set)
run() {
  if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $1:$2 "* ]]; then return 0; fi
  case_cookie="" case_csrf=""
  case "$1" in
    1 | 1v) case_cookie=$jwt_cookie ;;
    2s | 2p | 2sv | 2pv) case_cookie=$db_cookie ;;
    3) case_cookie=$csrf_cookie case_csrf=$csrf_token ;;
    4) case_cookie=$csrf_cookie case_csrf=$csrf_token ;;
  esac
  start "$2" "$4" "$5"
  measure "$1" "$2" "$3"
}

if [ "$mode" = load ]; then
  sqlite_db=$work/bench.db
  "$linkgate" migrate --database-url "sqlite://$sqlite_db" >&2
  sqlite3 "$sqlite_db" "INSERT INTO users (id, email, \"emailVerified\")
      VALUES ('bench-user', 'bench@bench.example', strftime('%s', 'now') * 1000);
    INSERT INTO sessions (\"userId\", expires, \"sessionToken\")
      VALUES ('bench-user', (strftime('%s', 'now') + 30 * 86400) * 1000, 'bench-session-token');"

  run hello hello - "" ""
  run 1 linkgate - jwt "$pg_url"
  run 1v linkgate - jwt "$pg_url"
  run 1 authjs - jwt "$pg_url"
  run 2s linkgate - database "sqlite://$sqlite_db"
  run 2sv linkgate - database "sqlite://$sqlite_db"
  run 2p linkgate - database "$pg_url"
  run 2pv linkgate - database "$pg_url"
  run 2p authjs - database "$pg_url"
  run 3 linkgate - jwt "$pg_url"
  run 3 authjs - jwt "$pg_url"
  run 4 linkgate - database "$pg_url"
  run 4 authjs - database "$pg_url"
  run 5 linkgate - database "$pg_url"
  run 5 authjs - database "$pg_url"
  run hello hello end "" "" # the floor again: the report takes the better of the two
  out=$bench/results/latest.md
  # A partial run (BENCH_ONLY) reports into its own directory, never over the full table.
  [ -z "${BENCH_ONLY:-}" ] || out=$work/partial.md
elif [ "$mode" = nodes ]; then
  "$root/tests/pg/start_pgbouncer.sh" "$work/pg" "$work/pgbouncer" >&2
  pgbouncer_url=$(cat "$work/pgbouncer/url")
  for c in 4 5; do
    for n in 1 2; do
      start_nodes "$n" "$pg_url"
      measure_nodes "$c" direct "$n"
      start_nodes "$n" "$pgbouncer_url" DATABASE_PREPARED_STATEMENTS=false
      measure_nodes "$c" pgbouncer "$n"
    done
  done
  out=$bench/results/nodes.md
else
  for c in 2p 4 5; do run "$c" linkgate empty database "$pg_url"; done
  log "loading $BENCH_SCALE_ROWS users, sessions and outstanding tokens"
  start_load=$(date +%s)
  psql_q "INSERT INTO users (email, \"emailVerified\")
      SELECT 'scale-' || n || '@scale.bench', now() FROM generate_series(1, $BENCH_SCALE_ROWS) AS n;
    INSERT INTO sessions (\"userId\", expires, \"sessionToken\")
      SELECT id, now() + interval '30 days', 'scale-session-' || id FROM users
      WHERE email LIKE '%@scale.bench';
    INSERT INTO verification_token (identifier, expires, token)
      SELECT 'scale-' || n || '@scale.bench', now() + interval '1 day',
             encode(sha256(convert_to('scale-token-' || n || '$BENCH_SECRET', 'UTF8')), 'hex')
      FROM generate_series(1, $BENCH_SCALE_ROWS) AS n"
  psql_q "VACUUM ANALYZE"
  log "loaded in $(($(date +%s) - start_load)) s: $(psql_q "SELECT (SELECT count(*) FROM users) || ' users, ' ||
    (SELECT count(*) FROM sessions) || ' sessions, ' || (SELECT count(*) FROM verification_token) || ' tokens'")"
  for c in 2p 4 5; do run "$c" linkgate scaled database "$pg_url"; done
  out=$bench/results/scale.md
fi

for kind in linkgate authjs; do
  [ ! -s "$work/$kind.log" ] || log "$kind's log ($(wc -l <"$work/$kind.log") lines), last lines:" &&
    tail -n 5 "$work/$kind.log" >&2 || true
done
mkdir -p "$bench/results"
node "$bench/report.mjs" "$mode" "$results" "$linkgate" "$pg_url" >"$out.tmp"
mv "$out.tmp" "$out"
cp "$results" "${out%.md}.jsonl"
if [ "$mode" = load ] && [ -z "${BENCH_ONLY:-}" ]; then
  # The README shows the latest table (between its latest:begin/end markers), headings demoted.
  node -e '
    const fs = require("fs");
    const [readme, latest] = process.argv.slice(1);
    const table = fs.readFileSync(latest, "utf8").replace(/^(#+) /gm, "#$1 ");
    const text = fs.readFileSync(readme, "utf8").replace(
      /<!-- latest:begin -->[\s\S]*<!-- latest:end -->/,
      () => "<!-- latest:begin -->\n" + table + "\n<!-- latest:end -->");
    fs.writeFileSync(readme, text);
  ' "$bench/README.md" "$out"
fi
log "wrote $out"
cat "$out"

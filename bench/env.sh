# The environment of the servers under load, in one place (sourced by bench/run.sh).
# The run's knobs (override any of them from the environment):
BENCH_DURATION=${BENCH_DURATION:-10}        # seconds of measured load per case
BENCH_WARMUP=${BENCH_WARMUP:-3}             # seconds of unmeasured load before it
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-32}  # wrk keep-alive connections
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}   # wrk threads
BENCH_TOKENS=${BENCH_TOKENS:-300000}        # verification tokens prepared per case-5 run
BENCH_SCALE_ROWS=${BENCH_SCALE_ROWS:-1000000}
BENCH_SECRET=${BENCH_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}
LINKGATE_BENCH_PORT=${LINKGATE_BENCH_PORT:-3201}
AUTHJS_BENCH_PORT=${AUTHJS_BENCH_PORT:-3202}
HELLO_BENCH_PORT=${HELLO_BENCH_PORT:-3203}
FAKE_POSTMARK_PORT=${FAKE_POSTMARK_PORT:-3204}

# linkgate serve: production mode, the Postmark provider pointed at the local fake, defaults
# for the thread and pool sizes (LINKGATE_IO_THREADS = one per core, LINKGATE_WORKERS 16,
# LINKGATE_STORE_WORKERS two per core, DATABASE_POOL_SIZE 16) unless set here. Rate limits (issue 5) would cap case 4 at a few
# requests per IP: they are turned off (both spellings; an unknown variable is ignored).
# $1 = session strategy (jwt | database), $2 = DATABASE_URL.
linkgate_env() {
  echo LINKGATE_ENV=production
  echo HOST=127.0.0.1
  echo PORT="$LINKGATE_BENCH_PORT"
  echo AUTH_TRUST_HOST=true
  echo AUTH_SECRET="$BENCH_SECRET"
  echo AUTH_SESSION_STRATEGY="$1"
  echo DATABASE_URL="$2"
  echo AUTH_POSTMARK_KEY=bench-postmark-key
  echo AUTH_POSTMARK_API_URL="http://127.0.0.1:$FAKE_POSTMARK_PORT"
  echo EMAIL_FROM="bench <no-reply@bench.example>"
  echo LINKGATE_LOG_LEVEL=warn
  echo LINKGATE_RATE_LIMITS=off
  echo LINKGATE_RATE_LIMIT_IP=0
  [ -z "${LINKGATE_IO_THREADS:-}" ] || echo LINKGATE_IO_THREADS="$LINKGATE_IO_THREADS"
  [ -z "${LINKGATE_WORKERS:-}" ] || echo LINKGATE_WORKERS="$LINKGATE_WORKERS"
  [ -z "${LINKGATE_STORE_WORKERS:-}" ] || echo LINKGATE_STORE_WORKERS="$LINKGATE_STORE_WORKERS"
  [ -z "${LINKGATE_STORE_FIBERS:-}" ] || echo LINKGATE_STORE_FIBERS="$LINKGATE_STORE_FIBERS"
  [ -z "${DATABASE_POOL_SIZE:-}" ] || echo DATABASE_POOL_SIZE="$DATABASE_POOL_SIZE"
  [ -z "${DATABASE_BATCHES:-}" ] || echo DATABASE_BATCHES="$DATABASE_BATCHES"
  [ -z "${LINKGATE_METRICS_ADDR:-}" ] || echo LINKGATE_METRICS_ADDR="$LINKGATE_METRICS_ADDR"
}

# bench/authjs/server.mjs: $1 = session strategy, $2 = DATABASE_URL (PostgreSQL).
authjs_env() {
  echo NODE_ENV=production
  echo PORT="$AUTHJS_BENCH_PORT"
  echo AUTH_SECRET="$BENCH_SECRET"
  echo AUTH_SESSION_STRATEGY="$1"
  echo DATABASE_URL="$2"
  echo POSTMARK_API_URL="http://127.0.0.1:$FAKE_POSTMARK_PORT"
  echo DATABASE_POOL_SIZE="${DATABASE_POOL_SIZE:-8}"
}

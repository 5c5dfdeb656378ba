-- Shared by the bench's wrk scripts (bench/run.sh): numbers every thread, so that scripts can
-- give each request a distinct index (id + n * threads), counts answers that were not the
-- expected kind (`bad`), and writes one JSON line of results to $BENCH_OUT.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  bad = 0
  nthreads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
end

function next_index()
  local i = id + counter * nthreads
  counter = counter + 1
  return i
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + (thread:get("bad") or 0)
  end
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"max_us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"bad":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max, e.connect, e.read, e.write,
    e.status, e.timeout, total_bad))
  out:close()
end

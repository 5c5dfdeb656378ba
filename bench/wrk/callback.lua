-- Case 5: GET /callback/postmark consuming distinct tokens prepared in advance (bench/run.sh
-- inserts $BENCH_PREFIX-<n> for n < $BENCH_TOKENS); a redirect to an error counts as bad.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require("common")
local prefix = os.getenv("BENCH_PREFIX")
local base = wrk.path

function request()
  local n = next_index()
  local path = base .. "?token=" .. prefix .. "-" .. n .. "&email=" .. prefix .. "-" .. n ..
    "%40load.bench"
  return wrk.format("GET", path)
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 302 or string.find(location, "error", 1, true) then bad = bad + 1 end
end

-- Case 4: POST /signin/postmark with a valid CSRF pair ($BENCH_COOKIE, $BENCH_CSRF) and a
-- distinct email per request ($BENCH_PREFIX-<n>@load.bench); an answer other than the 302 to
-- verify-request counts as bad.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require("common")
local prefix = os.getenv("BENCH_PREFIX")
local csrf = os.getenv("BENCH_CSRF")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")

function request()
  local body = "csrfToken=" .. csrf .. "&email=" .. prefix .. "-" .. next_index() .. "%40load.bench"
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 302 or not string.find(location, "verify-request", 1, true) then bad = bad + 1 end
end

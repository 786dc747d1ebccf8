-- wrk script of the benchmark (bench/run): sends the session cookie, waits a think time between requests,
-- and prints the result as one JSON line that run.py reads.
--   BENCH_COOKIE    the Cookie header of a logged-in user, empty for anonymous visitors
--   BENCH_THINK_MS  mean pause between two requests of one connection (0: as fast as possible)

local cookie = os.getenv("BENCH_COOKIE") or ""
local think = tonumber(os.getenv("BENCH_THINK_MS") or "0")

if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

-- A user thinks between 0.5 and 1.5 times the mean: the requests of 50 users do not arrive in lock-step.
function delay()
  if think <= 0 then
    return 0
  end
  return math.random(math.floor(think / 2), math.floor(think * 3 / 2))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.0f, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end

-- wrk script for bench/event-intake.bench.ts: POST /api/events with a new Idempotency-Key per
-- report, and in RETRY_SHARE of the requests a retry of an earlier report (same key, same body),
-- as a flaky phone network sends them. Env: BENCH_TOKEN, BENCH_RUN (key prefix), RETRY_SHARE.
local token = os.getenv("BENCH_TOKEN")
local run = os.getenv("BENCH_RUN") or "r"
local retry = tonumber(os.getenv("RETRY_SHARE") or "0.1")
local threads = {}
local n = 0

function setup(thread)
  n = n + 1
  thread:set("tid", n)
  table.insert(threads, thread)
end

local sent = {}
count = 0 -- global: done() reads it from each thread

function init(args)
  math.randomseed(os.time() * 100 + tid)
end

function request()
  local key, body
  if #sent > 20 and math.random() < retry then
    local item = sent[math.random(#sent)]
    key, body = item[1], item[2]
  else
    count = count + 1
    key = run .. "-" .. tid .. "-" .. count
    body = string.format('{"title":"井盖缺失","category":"manhole_cover_missing","lon":%.6f,"lat":%.6f,"source":"hotline"}',
      118.7 + math.random() * 0.099, 32.0 + math.random() * 0.099)
    sent[#sent + 1] = { key, body }
  end
  return wrk.format("POST", "/api/events", {
    ["content-type"] = "application/json",
    ["authorization"] = "Bearer " .. token,
    ["idempotency-key"] = key,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local keys = 0
  for _, t in ipairs(threads) do keys = keys + (t:get("count") or 0) end
  io.write(string.format("WRK requests=%d bad=%d us=%d p99us=%d keys=%d\n", summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout, summary.duration, latency:percentile(99), keys))
end

-- wrk script: follow the gateway's own redirects (paths starting with "/") until one leaves for the
-- identity provider; that completes one visit ("chain"). Run with as many threads as connections so
-- each connection has its own Lua state and follows its own chain. Prints one JSON line at the end.
local threads = {}
local start_path
local next_path
chains = 0
hops = 0
bad = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  start_path = wrk.path
  next_path = start_path
end

function request()
  return wrk.format("GET", next_path)
end

function response(status, headers, body)
  hops = hops + 1
  local location = headers["Location"] or headers["location"]
  if (status == 302 or status == 301) and location and string.sub(location, 1, 1) == "/" then
    next_path = location
  elseif (status == 302 or status == 301) and location then
    chains = chains + 1
    next_path = start_path
  else
    bad = bad + 1
    next_path = start_path
  end
end

function done(summary, latency, requests)
  local c, h, b = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("chains")
    h = h + thread:get("hops")
    b = b + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us": %d, "requests": %d, "chains": %d, "hops": %d, "bad": %d, ' ..
    '"socket_errors": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.duration, summary.requests, c, h, b,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end

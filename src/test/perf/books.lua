-- wrk script for the books benchmark: one of the workloads below, selected by the first script argument
-- (get, list, post, mixed), with per-status counting. Usage: wrk -s books.lua URL -- <workload> <books>
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  workload = args[1] or "get"
  books = tonumber(args[2] or "10000")
  statuses = {}
  math.randomseed(os.time() * 1000 + id)
  json_headers = { ["Content-Type"] = "application/json" }
end

local function get_book()
  return wrk.format("GET", "/books/" .. math.random(1, books))
end

local function post_book()
  local body = string.format('{"title":"Bench %d","author":"Writer %d","year":%d}',
      math.random(1, 1000000), math.random(1, 5000), math.random(1800, 2025))
  return wrk.format("POST", "/books", json_headers, body)
end

local function put_book()
  local body = string.format('{"year":%d}', math.random(1800, 2025))
  return wrk.format("PUT", "/books/" .. math.random(1, books), json_headers, body)
end

function request()
  if workload == "get" then
    return get_book()
  elseif workload == "list" then
    return wrk.format("GET", "/books?limit=100")
  elseif workload == "post" then
    return post_book()
  else
    -- mixed: 80 % GET by id, 15 % POST, 5 % PUT
    local r = math.random(1, 100)
    if r <= 80 then
      return get_book()
    elseif r <= 95 then
      return post_book()
    end
    return put_book()
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      all[status] = (all[status] or 0) + count
    end
  end
  local bad = 0
  local line = ""
  for status, count in pairs(all) do
    line = line .. string.format(" %d=%d", status, count)
    if status >= 400 then
      bad = bad + count
    end
  end
  local e = summary.errors
  io.write(string.format(
      "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d socket_errors=%d bad_status=%d statuses=%s\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.connect + e.read + e.write + e.timeout, bad, line))
end

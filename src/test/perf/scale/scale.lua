-- wrk script of the scale benchmark (src/test/perf/scale.sh). Usage: wrk -s scale.lua URL -- <mode> <file|books>
--   paths <file>: GET a random line of the file (one path per line, e.g. /books?author=Ann%20Lee)
--   post <books>: POST a new book;  put <books>: PUT a new year on a random book of 1..books
-- Counts statuses; answers other than 200 and 201 (POST) count as errors.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  statuses = {}
  math.randomseed(os.time() * 1000 + id)
  json = { ["Content-Type"] = "application/json" }
  if mode == "paths" then
    paths = {}
    for line in io.lines(args[2]) do
      table.insert(paths, line)
    end
  else
    books = tonumber(args[2])
  end
end

function request()
  if mode == "paths" then
    return wrk.format("GET", paths[math.random(1, #paths)])
  elseif mode == "post" then
    local body = string.format('{"title":"Scale %d","author":"Writer %d","year":%d}',
        math.random(1, 1000000), math.random(1, 5000), math.random(1800, 2025))
    return wrk.format("POST", "/books", json, body)
  end
  return wrk.format("PUT", "/books/" .. math.random(1, books), json,
      string.format('{"year":%d}', math.random(1800, 2025)))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all, good, bad = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      all[status] = (all[status] or 0) + count
    end
  end
  local line = ""
  for status, count in pairs(all) do
    line = line .. string.format(" %d=%d", status, count)
    if status == 200 or status == 201 then
      good = good + count
    else
      bad = bad + count
    end
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d good=%d statuses=%s\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.connect + e.read + e.write + e.timeout + bad, good, line))
end

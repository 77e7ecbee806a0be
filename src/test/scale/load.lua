-- wrk script of rolling-restart.sh: a read-mostly mix through the balancer, every answer counted by status.
--   GET /books/{id}      id uniform in 1..RR_IDS (all exist)
--   GET /books?limit=10  first page
--   POST /books          every RR_WRITE_EVERY-th request of a connection thread (0 = none), each with its own
--                        Idempotency-Key, author RR_AUTHOR (the script counts these rows in PostgreSQL)
-- RR_THINK_MS (default 0): pause of each connection between an answer and its next request, so that the load
-- leaves CPU to restarting JVMs (0 = as fast as possible, for throughput).
-- done() prints one line "RESULT key=value ..." that the script parses: requests, socket errors by kind,
-- counts per status, replayed creates (Idempotent-Replayed: true), latency percentiles in microseconds.
local ids = tonumber(os.getenv("RR_IDS") or "100")
local write_every = tonumber(os.getenv("RR_WRITE_EVERY") or "0")
local author = os.getenv("RR_AUTHOR") or "rolling-restart"
local run = os.getenv("RR_RUN") or "0"
local think_ms = tonumber(os.getenv("RR_THINK_MS") or "0")

local threads = {}
local counter = 1

function setup(thread)
    thread:set("tid", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
    replayed = 0
    n = 0
    math.randomseed(tid * 7919 + os.time())
end

function request()
    n = n + 1
    if write_every > 0 and n % write_every == 0 then
        local key = string.format("rr-%s-%d-%d", run, tid, n)
        local body = string.format('{"title": "%s", "author": "%s", "year": 2024}', key, author)
        return wrk.format("POST", "/books",
            { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }, body)
    elseif n % 2 == 0 then
        return wrk.format("GET", "/books/" .. math.random(1, ids))
    else
        return wrk.format("GET", "/books?limit=10")
    end
end

if think_ms > 0 then
    function delay()
        return think_ms
    end
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
    for name, value in pairs(headers) do
        if string.lower(name) == "idempotent-replayed" and value == "true" then
            replayed = replayed + 1
        end
    end
end

function done(summary, latency, requests)
    local total = {}
    local replays = 0
    for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("statuses")) do
            total[status] = (total[status] or 0) + count
        end
        replays = replays + thread:get("replayed")
    end
    local e = summary.errors
    local line = string.format(
        "RESULT requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d non2xx3xx=%d replayed=%d"
            .. " p50_us=%d p90_us=%d p99_us=%d max_us=%d",
        summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status, replays,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max)
    local codes = {}
    for status, _ in pairs(total) do table.insert(codes, status) end
    table.sort(codes)
    for _, status in ipairs(codes) do
        line = line .. string.format(" s%d=%d", status, total[status])
    end
    io.write(line .. "\n")
end

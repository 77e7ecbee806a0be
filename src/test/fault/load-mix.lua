-- wrk script of the fault suite's load check: mostly GET /books/{random existing id}, some list pages.
-- Usage: wrk ... -s load-mix.lua URL -- MIN_ID MAX_ID
-- Counts answers per status class in every thread and prints them at the end as key=value lines.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    min_id = tonumber(args[1]) or 1
    max_id = tonumber(args[2]) or 2
    s2xx, s3xx, s4xx, s503, s5xx = 0, 0, 0, 0, 0
    math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function request()
    local r = math.random(100)
    if r <= 90 then
        return wrk.format("GET", "/books/" .. math.random(min_id, max_id))
    end
    return wrk.format("GET", "/books?limit=20&after=" .. math.random(0, max_id))
end

function response(status, headers, body)
    if status < 300 then
        s2xx = s2xx + 1
    elseif status < 400 then
        s3xx = s3xx + 1
    elseif status < 500 then
        s4xx = s4xx + 1
    elseif status == 503 then
        s503 = s503 + 1
    else
        s5xx = s5xx + 1
    end
end

function done(summary, latency, requests)
    local t = { s2xx = 0, s3xx = 0, s4xx = 0, s503 = 0, s5xx = 0 }
    for _, thread in ipairs(threads) do
        for k, _ in pairs(t) do
            t[k] = t[k] + (thread:get(k) or 0)
        end
    end
    local e = summary.errors
    io.write(string.format("lua_requests=%d\n", summary.requests))
    io.write(string.format("lua_2xx=%d\nlua_3xx=%d\nlua_4xx=%d\nlua_503=%d\nlua_5xx_other=%d\n",
        t.s2xx, t.s3xx, t.s4xx, t.s503, t.s5xx))
    io.write(string.format("lua_errors_connect=%d\nlua_errors_read=%d\nlua_errors_write=%d\n", e.connect, e.read,
        e.write))
    io.write(string.format("lua_errors_timeout=%d\nlua_errors_status=%d\n", e.timeout, e.status))
    io.write(string.format("lua_p50_ms=%.1f\nlua_p99_ms=%.1f\nlua_max_ms=%.1f\n", latency:percentile(50) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000))
    io.write(string.format("lua_rps=%.0f\n", summary.requests / (summary.duration / 1000000)))
end

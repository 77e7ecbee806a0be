#!/usr/bin/env bash
# Alternating A/B runs of books jars (or one jar with different settings) on one PostgreSQL database, to measure
# what one change gains: each round starts every variant in turn, warms it up and measures it with wrk.
#
# usage: [WARMUP=seconds] src/test/perf/ab.sh "get list mixed" ROUNDS LABEL:JAR[:VAR=VALUE] ...
#   e.g. src/test/perf/ab.sh get 3 on:target/books.jar off:target/books.jar:BOOKS_ACCESS_LOG=false
# Every start prints its time from the JVM launch to ready; the workload "ready" measures only that (the very
# first start migrates the fresh database, every later one finds it migrated).
# The jars need their libs/ beside them (copy target/books.jar and target/libs together to keep an old build).
# Workloads "get" and "mixed" need the shared bench scripts (get_by_id.lua, mixed.lua) in $BENCH_DIR, by default
# ../shared/bench beside the checkout (from a git worktree: BENCH_DIR=/work/shared/bench); "list" needs none.
# Needs: wrk, curl, psql, a JDK 21+, PostgreSQL on 127.0.0.1:5432 (user postgres, trust); database "ab" is dropped
# and re-created. Loopback only; every run is bounded by its duration.
set -euo pipefail
workloads=$1; rounds=$2; shift 2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
# shellcheck source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"
default_java_home
export PATH="$JAVA_HOME/bin:$PATH"
bench="${BENCH_DIR:-$ROOT/../shared/bench}"
port=18500
# user + system CPU time of a process, in clock ticks (/proc/PID/stat fields 14 and 15, after the command name)
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
psql -q -h 127.0.0.1 -U postgres -c "drop database if exists ab with (force)" -c "create database ab" >/dev/null
seeded=0
for round in $(seq 1 "$rounds"); do
    for spec in "$@"; do
        IFS=: read -r label jar settings <<<"$spec"
        # shellcheck disable=SC2086
        started=$(now_ms)
        env $settings SERVER_PORT=$port DB_USERNAME=postgres DB_URL=jdbc:postgresql://127.0.0.1:5432/ab \
            java -jar "$jar" >"/tmp/ab-$label.log" 2>&1 &
        pid=$!
        POLL=0.01 wait_until 30 curl -fs -o /dev/null "http://127.0.0.1:$port/observe/health/ready"
        echo "$round ready $label $(($(now_ms) - started)) ms"
        if [ "$seeded" = 0 ]; then
            psql -q -h 127.0.0.1 -U postgres -d ab -c "insert into books (title, author, publication_year)
                select 'Title number ' || g, 'Author ' || (g % 500), 1900 + (g % 120)
                from generate_series(1, 10000) g" -c "analyze books" >/dev/null
            seeded=1
        fi
        for workload in $workloads; do
            case $workload in
                get | mixed) [ -f "$bench/get_by_id.lua" ] || { echo "no bench scripts in $bench (set BENCH_DIR)" >&2; exit 2; } ;;&
                get) script=(-s "$bench/get_by_id.lua"); path=/ ;;
                mixed) script=(-s "$bench/mixed.lua"); path=/ ;;
                list) script=(); path=/books ;;
                ready) continue ;;
                *) echo "unknown workload $workload" >&2; exit 2 ;;
            esac
            BENCH_N=10000 wrk -t2 -c32 -d"${WARMUP:-4}s" "${script[@]}" "http://127.0.0.1:$port$path" >/dev/null
            cpu=$(cpu_ticks "$pid")
            out=$(BENCH_N=10000 wrk -t2 -c32 -d8s --latency "${script[@]}" "http://127.0.0.1:$port$path")
            cpu=$(($(cpu_ticks "$pid") - cpu))
            # CPU time of the service per request: less disturbed than req/s when other work shares the cores.
            echo "$round $workload $label req/s=$(awk '/Requests\/sec/{print $2}' <<<"$out")" \
                "p99=$(awk '$1=="99%"{print $2}' <<<"$out")" \
                "cpu/req=$(awk -v t="$cpu" -v hz="$(getconf CLK_TCK)" '/requests in/{printf "%.0f", t * 1e6 / hz / $1}' <<<"$out")us"
        done
        echo "$round rss $label $(awk '/VmRSS/{print int($2/1024)}' "/proc/$pid/status") MB"
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    done
done

#!/usr/bin/env bash
# End to end: each driver's `hello` against a hyper 1.x hello server and against a bare tokio
# loop around httparse (bare_hello: the floor), interleaved, with wrk on 127.0.0.1; server
# pinned to CPU 0 and wrk to CPU 1. Reports requests per second, latency percentiles and the
# server's CPU time per request (utime + stime from /proc/PID/stat).
# Usage: bench/e2e.sh [SECONDS]   (installs Debian's wrk if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
secs=${1:-10}
prepare_hellos
tick=$(getconf CLK_TCK)
pipeline=$tmp/pipeline.lua
pipeline_script "$pipeline"

run() { # name command... ; then scenario args in $scenario
    local name=$1; shift
    local out=$tmp/out port before after reqs result total p50 p99 cpu
    taskset -c 0 "$@" --port 0 >"$out" &
    pid=$!
    port=$(listening_port "$out")
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    result=$(taskset -c 1 wrk $scenario -d "${secs}s" --latency "http://127.0.0.1:$port/" 2>&1)
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    pid=
    reqs=$(echo "$result" | awk '/^Requests\/sec/ {print $2}')
    total=$(echo "$result" | awk '/requests in/ {print $1}')
    p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
    cpu=$(echo "($after - $before) / $tick * 1000000 / $total" | bc -l)
    printf '%-26s %-16s %12s %10s %10s %12.2f\n' "$label" "$name" "$reqs" "$p50" "$p99" "$cpu"
}

printf '%-26s %-16s %12s %10s %10s %12s\n' scenario server req/s p50 p99 "cpu µs/req"
for label in "keep-alive, 64 conns" "pipelined 16, 64 conns" "1000 conns"; do
    case $label in
        keep*) scenario="-t1 -c64" ;;
        pipe*) scenario="-t1 -c64 -s $pipeline" ;;
        1000*) scenario="-t1 -c1000" ;;
    esac
    run hyper "$bin/hyper_hello"
    [ "$label" = "pipelined 16, 64 conns" ] && run hyper-pipeflush "$bin/hyper_hello" --pipeline-flush
    run bare-httparse "$bin/bare_hello"
    run driver-tokio "$tmp/tokio"
    run driver-smol "$tmp/smol"
    run driver-blocking "$tmp/blocking"
done

#!/usr/bin/env bash
# User-space instructions per request of each `hello` server, the bare loop and hyper, from
# callgrind: steady where CPU time on a shared machine is not. Each server runs under
# `valgrind --tool=callgrind` twice: once started and stopped with no request (its start-up
# and shutdown), once while wrk keeps C keep-alive connections busy for D seconds; the
# difference over the requests wrk completed is the cost of one request (the kernel's part is
# not counted: callgrind sees only user space). Under valgrind a server runs some 50 times
# slower, so wrk's figures here are not throughput.
# With `pipelined`, wrk sends 16 requests in each write (as in bench/e2e.sh) and hyper runs
# with `pipeline_flush`, as it is compared there.
# Usage: bench/callgrind_server.sh [SECONDS] [CONNECTIONS] [pipelined]
#        (default 4 s, 64 connections, one request at a time)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
secs=${1:-4}
conns=${2:-64}
mode=${3:-}
prepare_hellos
load=()
hyper_args=()
if [ "$mode" = pipelined ]; then
    pipeline_script "$tmp/pipeline.lua"
    load=(-s "$tmp/pipeline.lua")
    hyper_args=(--pipeline-flush)
fi

port=
start() { # program [args]: runs it under callgrind on a free port, output in $tmp/cg
    rm -f "$tmp/cg" "$tmp/out"
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$@" --port 0 >"$tmp/out" 2>/dev/null &
    pid=$!
    port=$(listening_port "$tmp/out")
}
count=
stop() { # stops the server; the instructions callgrind counted in $count
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
    count=$(awk '/^summary:/ {print $2}' "$tmp/cg")
}

printf '%-16s %10s %14s %16s %10s\n' server requests "instr (run)" "instr (no load)" instr/req
for server in hyper bare tokio smol blocking; do
    case $server in
        hyper) program=("$bin/hyper_hello" "${hyper_args[@]}") name=hyper ;;
        bare) program=("$bin/bare_hello") name=bare-httparse ;;
        *) program=("$tmp/$server") name=driver-$server ;;
    esac
    start "${program[@]}"
    sleep 0.5
    stop
    idle=$count
    start "${program[@]}"
    result=$(wrk -t1 -c"$conns" -d"${secs}s" "${load[@]}" "http://127.0.0.1:$port/" 2>&1)
    stop
    total=$count
    reqs=$(echo "$result" | awk '/requests in/ {print $1}')
    printf '%-16s %10s %14s %16s %10s\n' "$name" "$reqs" "$total" "$idle" $(((total - idle) / reqs))
done

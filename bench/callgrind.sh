#!/usr/bin/env bash
# Instruction counts from callgrind, which hold steady where wall time does not.
# Heads: each implementation runs its loop twice (1,000 and 11,000 parses) and the difference
# over 10,000 is the cost of one parse, without the program's start-up.
# Chunked bodies: each implementation handles a 64 KiB body 10 and 60 times; the difference
# over 50 bodies, divided by the chunks in a body, is the cost of one chunk.
# picohttpparser is built without its SSE4.2 code here (`--no-default-features`): valgrind
# cannot run SSE4.2 string instructions. Its wall time in `cargo bench` uses them.
# Usage: bench/callgrind.sh [heads|chunked]   (both when no argument is given)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
cargo build -q --release -p bench --no-default-features --bin callgrind_head --bin callgrind_chunked
bin=${CARGO_TARGET_DIR:-target}/release
count() { # program args...: the instructions callgrind counted
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1
    awk '/^summary:/ {print $2}' "$out"
    rm -f "$out"
}
if [ "$what" != chunked ]; then
    echo "instructions per head"
    printf '%-12s %12s %16s %12s %15s\n' input http-core http-core-fresh httparse picohttpparser
    for input in tiny browser techempower response; do
        line=("$input")
        for imp in http-core http-core-fresh httparse picohttpparser; do
            if [ "$imp" = http-core-fresh ] && [ "$input" = response ]; then line+=(-); continue; fi
            a=$(count "$bin/callgrind_head" "$imp" "$input" 1000)
            b=$(count "$bin/callgrind_head" "$imp" "$input" 11000)
            line+=($(( (b - a) / 10000 )))
        done
        printf '%-12s %12s %16s %12s %15s\n' "${line[@]}"
    done
fi
if [ "$what" != heads ]; then
    echo "instructions per chunk (64 KiB bodies)"
    printf '%-8s %17s %16s %22s %17s\n' chunk http-core-decode httparse-decode picohttpparser-decode http-core-encode
    for chunk in 16 1024 16384; do
        line=("$chunk")
        for imp in http-core-decode httparse-decode picohttpparser-decode http-core-encode; do
            a=$(count "$bin/callgrind_chunked" "$imp" "$chunk" 10)
            b=$(count "$bin/callgrind_chunked" "$imp" "$chunk" 60)
            line+=($(( (b - a) / 50 / (65536 / chunk) )))
        done
        printf '%-8s %17s %16s %22s %17s\n' "${line[@]}"
    done
fi

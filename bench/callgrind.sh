#!/usr/bin/env bash
# Instructions per head parse, from callgrind: each implementation runs its loop twice (1,000
# and 11,000 parses) and the difference over 10,000 is the cost of one parse, without the
# program's start-up. Usage: bench/callgrind.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p bench --bin callgrind_head
bin=${CARGO_TARGET_DIR:-target}/release/callgrind_head
count() {
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" "$2" "$3" >/dev/null 2>&1
    awk '/^summary:/ {print $2}' "$out"
    rm -f "$out"
}
printf '%-12s %16s %16s %12s\n' input http-core http-core-fresh httparse
for input in tiny browser techempower response; do
    line=("$input")
    for imp in http-core http-core-fresh httparse; do
        if [ "$imp" = http-core-fresh ] && [ "$input" = response ]; then line+=(-); continue; fi
        a=$(count "$imp" "$input" 1000)
        b=$(count "$imp" "$input" 11000)
        line+=($(( (b - a) / 10000 )))
    done
    printf '%-12s %16s %16s %12s\n' "${line[@]}"
done

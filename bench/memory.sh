#!/usr/bin/env bash
# Resident memory per idle keep-alive connection: each driver's `hello` against a hyper 1.x
# hello server. For each server: VmRSS from /proc/PID/status once it listens, then again 1 s
# after idle_client holds N connections open, each having just completed one GET / (that is
# the state measured: a connection that has served one request and waits for the next).
# Reports (after - before) * 1024 / N bytes per connection and the ratio to hyper, with the
# server's thread count (driver-blocking runs a thread per connection, so its figure includes
# the touched part of each thread's stack). Kernel socket buffers are not in RSS.
# The drivers' hellos get --max-connections N (their default limits are 1024 and 256).
# driver-blocking holds two descriptors per connection (the socket and a clone kept to cut it
# off at shutdown): where the hard limit on open files is below 2N + 1024, it is measured with
# as many connections as fit, and the table says so. Also reported: the server's CPU time
# over the 1 s it sits idle with the connections open.
# Usage: bench/memory.sh [N]   (default 10000; raises the soft `ulimit -n`)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
n=${1:-10000}
want=$((2 * n + 1024))
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge "$want" ]; then limit=$want; else limit=$hard; fi
if [ "$limit" -lt $((n + 1024)) ] || ! ulimit -n "$limit" 2>/dev/null; then
    echo "memory.sh: cannot raise the open-files limit to $((n + 1024)) (hard limit $hard)" >&2
    exit 1
fi
# What fits in the limit at two descriptors per connection, with room for the rest.
n_blocking=$(( n < (limit - 64) / 2 ? n : (limit - 64) / 2 ))
cargo build -q --release -p bench --bin hyper_hello --bin idle_client
bin=${CARGO_TARGET_DIR:-target}/release
hellos=$(mktemp -d)
build_hellos "$hellos"
pid= cpid=
trap 'kill $pid $cpid 2>/dev/null || true; rm -rf "$hellos"' EXIT

tick=$(getconf CLK_TCK)
status() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; } # pid field
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # pid: utime + stime in ticks
hyper_per=

run() { # name n command...
    local name=$1 n=$2; shift 2
    local out cout fifo port before after threads open per ratio t0 t1
    out=$(mktemp); cout=$(mktemp); fifo=$(mktemp -u); mkfifo "$fifo"
    "$@" --port 0 >"$out" &
    pid=$!
    port=$(listening_port "$out") || { echo "$name did not start" >&2; exit 1; }
    sleep 0.5
    before=$(status "$pid" VmRSS)
    # The client's stdin is the fifo: closing our end of it lets the client end.
    "$bin/idle_client" "$port" "$n" 300 <"$fifo" >"$cout" &
    cpid=$!
    exec 3>"$fifo"
    for _ in $(seq 1200); do
        grep -q '^ready' "$cout" && break
        kill -0 "$cpid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q '^ready' "$cout" || { echo "idle_client against $name never got ready" >&2; exit 1; }
    t0=$(cpu "$pid")
    sleep 1
    t1=$(cpu "$pid")
    after=$(status "$pid" VmRSS)
    threads=$(status "$pid" Threads)
    exec 3>&-
    wait "$cpid" || { echo "idle_client against $name failed" >&2; exit 1; }
    open=$(awk '/^open/ {print $2}' "$cout")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    pid= cpid=
    rm -f "$out" "$cout" "$fifo"
    per=$(( (after - before) * 1024 / n ))
    [ -z "$hyper_per" ] && hyper_per=$per
    ratio=$( [ "$hyper_per" -gt 0 ] && echo "$per / $hyper_per" | bc -l || echo 0)
    printf '%-16s %6s %10s %12s %8s %8.2f %8s %11s %9s\n' "$name" "$n" "$before" "$after" \
        "$per" "$ratio" "$threads" "$open/$n" "$(( (t1 - t0) * 100 / tick ))%"
}

echo "N idle keep-alive connections, each after one completed GET /; RSS before, RSS with them"
echo "open 1 s later, bytes per connection = (after - before) * 1024 / N; idle CPU over that 1 s"
printf '%-16s %6s %10s %12s %8s %8s %8s %11s %9s\n' \
    server N "RSS KiB" "RSS+N KiB" "B/conn" "x hyper" threads "still open" "idle CPU"
run hyper "$n" "$bin/hyper_hello"
run driver-tokio "$n" "$hellos/tokio" --max-connections "$n"
run driver-smol "$n" "$hellos/smol" --max-connections "$n"
run driver-blocking "$n_blocking" "$hellos/blocking" --max-connections "$n_blocking"
[ "$n_blocking" -lt "$n" ] &&
    echo "driver-blocking: $n_blocking connections, as the open-files hard limit ($hard) allows"
exit 0

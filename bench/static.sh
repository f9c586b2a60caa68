#!/usr/bin/env bash
# Static files: driver-tokio's `static_files` example (--threads 1 --quiet) against nginx with one
# worker (master_process on, worker_processes 1, access_log off, sendfile on, open_file_cache
# on), interleaved, with wrk on 127.0.0.1; server pinned to CPU 0 and wrk to CPU 1. Two files
# from a temp dir: small.html (1 KB, served from static_files' memory cache) and 1mib.bin
# (1 MiB of random bytes, sent with sendfile by both). Both servers' copies are checked byte for
# byte with curl and cmp first. Reports requests per second, latency percentiles, MiB/s
# transferred (wrk's Transfer/sec, 1024-based) and the server's CPU time per request (utime +
# stime from /proc/PID/stat; for nginx master + worker).
# Usage: bench/static.sh [SECONDS]   (default 5; needs wrk, nginx, curl, taskset)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
secs=${1:-5}
nginx=${NGINX:-/usr/sbin/nginx}
cargo build -q --release -p driver-tokio --example static_files
bin=${CARGO_TARGET_DIR:-target}/release/examples/static_files
tick=$(getconf CLK_TCK)
tmp=$(mktemp -d)
chmod 755 "$tmp"
pid=
# A server still running when the script stops (on an error too) is stopped.
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir "$tmp/www"
{
    echo '<!doctype html><html><head><title>small</title></head><body>'
    for i in $(seq 14); do echo "<p>Line $i of a small page, about a kilobyte in all.</p>"; done
    echo '</body></html>'
} >"$tmp/www/small.html"
head -c 1048576 /dev/urandom >"$tmp/www/1mib.bin"

free_port() { # a random port below the ephemeral range (wrk's own sockets) that no socket uses
    local p low
    low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range)
    while :; do
        p=$((10000 + RANDOM % (low - 10000)))
        ss -Htan "sport = :$p" | grep -q . || { echo "$p"; return; }
    done
}

port=
start_nginx() {
    port=$(free_port)
    cat >"$tmp/nginx.conf" <<CONF
$([ "$(id -u)" = 0 ] && echo 'user root;')
worker_processes 1;
daemon off;
master_process on;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    open_file_cache max=1000 inactive=60s;
    keepalive_requests 1000000;
    keepalive_timeout 65s;
    default_type application/octet-stream;
    types { text/html html; }
    charset utf-8;
    client_body_temp_path $tmp/client_body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $tmp/www;
    }
}
CONF
    taskset -c 0 "$nginx" -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" &
    pid=$!
    for _ in $(seq 100); do curl -so /dev/null "http://127.0.0.1:$port/small.html" && return; sleep 0.05; done
    echo "nginx did not start:" >&2; cat "$tmp/error.log" >&2; exit 1
}
start_static() {
    taskset -c 0 "$bin" "$tmp/www" --port 0 --threads 1 --quiet >"$tmp/out" &
    pid=$!
    port=$(listening_port "$tmp/out")
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
# CPU ticks of the server: the process and its children (nginx's worker).
ticks() {
    local p t=0
    for p in $pid $(cat "/proc/$pid/task/"*/children 2>/dev/null); do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
    done
    echo "$t"
}

for server in nginx static; do
    "start_$server"
    echo "== $server: response head of /small.html, checking both files"
    curl -sSI "http://127.0.0.1:$port/small.html" | tr -d '\r' | sed 's/^/   /'
    for f in small.html 1mib.bin; do
        curl -sS -o "$tmp/got" "http://127.0.0.1:$port/$f"
        cmp "$tmp/got" "$tmp/www/$f"
    done
    stop
done
echo "both servers serve small.html and 1mib.bin byte for byte"
echo

run() { # server file
    local server=$1 file=$2 result before after reqs total p50 p99 xfer mibs cpu
    "start_$server"
    before=$(ticks)
    result=$(taskset -c 1 wrk -t1 -c64 -d "${secs}s" --latency "http://127.0.0.1:$port/$file" 2>&1)
    after=$(ticks)
    stop
    reqs=$(echo "$result" | awk '/^Requests\/sec/ {print $2}')
    total=$(echo "$result" | awk '/requests in/ {print $1}')
    p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
    xfer=$(echo "$result" | awk '/^Transfer\/sec/ {print $2}')
    mibs=$(echo "$xfer" | awk '{ v = $1 + 0; u = $1; sub(/^[0-9.]+/, "", u)
        f = u == "GB" ? 1024 : u == "MB" ? 1 : u == "KB" ? 1 / 1024 : 1 / 1048576
        printf "%.1f", v * f }')
    cpu=$(echo "($after - $before) / $tick * 1000000 / $total" | bc -l)
    printf '%-11s %-14s %12s %10s %10s %10s %12.2f\n' "$file" "$server" "$reqs" "$p50" "$p99" "$mibs" "$cpu"
    if echo "$result" | grep -qE 'Non-2xx|Socket errors'; then
        echo "$result" | grep -E 'Non-2xx|Socket errors' | sed 's/^/   /'
    fi
}

echo "wrk -t1 -c64 -d${secs}s --latency; server on CPU 0, wrk on CPU 1; load: $(uptime | sed 's/.*load/load/')"
printf '%-11s %-14s %12s %10s %10s %10s %12s\n' file server req/s p50 p99 MiB/s "cpu µs/req"
for file in small.html 1mib.bin; do
    for server in nginx static; do
        run "$server" "$file"
    done
done

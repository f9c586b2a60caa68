# What the benchmark scripts share; they source it (`. bench/lib.sh`) from the workspace root.

# Builds each driver's `hello` example in release mode as DIR/tokio, DIR/smol and
# DIR/blocking: the three share a name, so each is copied out as soon as it is built.
build_hellos() {
    local dir=$1 d
    for d in tokio smol blocking; do
        cargo build -q --release -p "driver-$d" --example "${d}_hello"
        cp "${CARGO_TARGET_DIR:-target}/release/examples/${d}_hello" "$dir/$d"
    done
}

# Waits (up to 20 s) for the listening line a server prints to FILE, its stdout, and prints
# the port in it; fails if none came, at once if the server ($pid, when set) has exited.
listening_port() {
    local out=$1
    for _ in $(seq 400); do
        grep -q http "$out" 2>/dev/null && break
        if [ -n "${pid:-}" ] && ! kill -0 "$pid" 2>/dev/null; then
            echo "the server exited before it listened" >&2
            return 1
        fi
        sleep 0.05
    done
    grep -q http "$out" 2>/dev/null || { echo "the server did not start" >&2; return 1; }
    sed -n 's|.*http://[^ ]*:\([0-9][0-9]*\).*|\1|p;T;q' "$out"
}

# Writes to FILE a wrk script that sends 16 pipelined GETs of / in each write.
pipeline_script() {
    cat >"$1" <<'LUA'
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil, "/") end
  req = table.concat(r)
end
request = function() return req end
LUA
}

# What the scripts that run the hello servers start with: wrk installed if missing, hyper's
# hello and the bare loop built (in $bin) and each driver's hello (in $tmp, a new temporary
# folder), and a trap that, however the script stops, stops a server left running ($pid)
# and removes $tmp.
prepare_hellos() {
    command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
    cargo build -q --release -p bench --bin hyper_hello --bin bare_hello
    bin=${CARGO_TARGET_DIR:-target}/release
    tmp=$(mktemp -d)
    pid=
    trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
    build_hellos "$tmp"
}

#!/usr/bin/env bash
# A real browser against the static file server: headless Chromium loads a page with an image,
# a stylesheet and a script; the check is that the script ran (it writes into the page) and
# that the server's access log shows each resource served with 200.
# Usage: driver-tokio/tests/browser.sh   (installs Debian's chromium if it is missing)
set -euo pipefail
cd "$(dirname "$0")/../.."

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    apt-get update -qq && apt-get install -y -qq chromium
    browser=$(command -v chromium)
fi

site=$(mktemp -d)
out=$(mktemp)
log=$(mktemp)
cleanup() {
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true
    rm -rf "$site" "$out" "$log"
}
trap cleanup EXIT

cat >"$site/index.html" <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>fixture</title>
<link rel="stylesheet" href="style.css">
<script src="js/app.js" defer></script></head>
<body><h1>static files</h1><img id="dot" src="img/dot.png" alt="dot"><p id="out">waiting</p></body></html>
HTML
cat >"$site/style.css" <<'CSS'
h1 { color: rgb(1, 2, 3); }
CSS
mkdir -p "$site/js" "$site/img"
cat >"$site/js/app.js" <<'JS'
window.addEventListener('load', () => {
  const img = document.getElementById('dot');
  const color = getComputedStyle(document.querySelector('h1')).color;
  document.getElementById('out').textContent =
    'script ran; image ' + (img.complete && img.naturalWidth === 1 ? 'loaded' : 'missing') +
    '; style ' + (color === 'rgb(1, 2, 3)' ? 'applied' : 'missing');
});
JS
# A 1x1 PNG.
printf 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==' |
    base64 -d >"$site/img/dot.png"

cargo build -q --release -p driver-tokio --example static_files
"${CARGO_TARGET_DIR:-target}"/release/examples/static_files "$site" --port 0 >"$out" 2>"$log" &
pid=$!
for _ in $(seq 50); do grep -q http "$out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$out")

dom=$(timeout 60 "$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
    --dump-dom "$url" 2>/dev/null)
echo "$dom" | grep -o '<p id="out">[^<]*</p>'
echo "$dom" | grep -q 'script ran; image loaded; style applied' || {
    echo "the page did not load completely" >&2
    cat "$log" >&2
    exit 1
}
for path in / /style.css /js/app.js /img/dot.png; do
    grep -q "^GET $path 200 " "$log" || {
        echo "no 200 for $path in the access log:" >&2
        cat "$log" >&2
        exit 1
    }
done
echo "browser: every resource loaded"

#!/usr/bin/env bash
# Renders an HTML report (e.g. `eksplane simulate --report r.html`) with
# headless Chromium and writes a PNG screenshot, to check that the page opens
# and its charts draw without a browser window.
#
#   scripts/screenshot-report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# Needs Chromium (Debian: `apt-get install -y chromium`); installs it when
# missing and running as root. Exits non-zero when Chromium fails or writes
# no image.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 REPORT.html [OUT.png] [WIDTHxHEIGHT]" >&2
  exit 2
fi
html=$1
out=${2:-${html%.html}.png}
size=${3:-1400x2200}
if [ ! -f "$html" ]; then
  echo "$0: no such file: $html" >&2
  exit 2
fi

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$0: installing chromium" >&2
    apt-get install -y chromium >/dev/null
    browser=chromium
  else
    echo "$0: Chromium not found; install it (Debian: apt-get install -y chromium)" >&2
    exit 2
  fi
fi

abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
rm -f "$out"
# A throw-away profile, so runs do not share state.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$profile" --window-size="${size/x/,}" \
  --screenshot="$out" "file://$abs" >/dev/null 2>&1
if [ ! -s "$out" ]; then
  echo "$0: $browser wrote no screenshot" >&2
  exit 1
fi
echo "$out"

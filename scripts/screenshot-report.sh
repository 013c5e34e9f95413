#!/usr/bin/env bash
# Renders a model directory's report.html in headless Chromium and saves a PNG screenshot, so the
# report can be checked by eye (charts drawn, labels readable, wrong answers marked) without a
# desktop. Needs chromium (Debian: apt-get install -y chromium).
#
#   scripts/screenshot-report.sh MODEL_DIR [OUT.png] [WIDTHxHEIGHT]
#
# OUT defaults to MODEL_DIR/report-screenshot.png, the window to 1200x4200 (the whole page of a
# 10-class model is ~3,700 px high; headless Chromium shoots the window, not the page, and does not
# paint after scrolling to an #anchor, so the window must be tall). --no-sandbox because CI and
# containers often run as root.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
  echo "usage: $0 MODEL_DIR [OUT.png] [WIDTHxHEIGHT]" >&2
  exit 2
fi
dir=$(cd "$1" && pwd)
page="$dir/report.html"
out=${2:-$dir/report-screenshot.png}
size=${3:-1200x4200}
if [[ ! -f "$page" ]]; then
  echo "$0: $page does not exist; run: bin/sparkcnn report $1" >&2
  exit 2
fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "$0: no chromium found; install it (apt-get install -y chromium)" >&2
  exit 2
fi
out=$(realpath -m "$out")
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="${size/x/,}" \
  --screenshot="$out" "file://$page" 2>/dev/null
echo "screenshot of $page written to $out"

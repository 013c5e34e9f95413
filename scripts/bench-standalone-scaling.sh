#!/usr/bin/env bash
# Issue 6's scaling figure: the same training on a real standalone cluster (bin/sparkcnn-cluster,
# 2 workers x 1 core, secure defaults) with 1 executor JVM and then 2, one after the other in one
# run; prints images/s after the first round (which starts executors and reads the data) and
# the ratio. Usage: scripts/bench-standalone-scaling.sh [DATA_DIR] [EPOCHS] [STRATEGY]
# Without DATA_DIR it generates 20,000 + 1,000 CIFAR-format images under target/.
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-}"
epochs="${2:-2}"
strategy="${3:-parameter-averaging}"
work="$home/target/bench-standalone"
export SPARKCNN_CLUSTER_STATE="$work/cluster"
mkdir -p "$work"
if [[ -z "$data" ]]; then
  data="$work/data"
  "$home/bin/sparkcnn" data generate --out "$data" --train-files 4 --records-per-file 5000 --test-records 1000 \
    --overwrite >/dev/null
fi
"$home/bin/sparkcnn-cluster" stop >/dev/null 2>&1 || true
"$home/bin/sparkcnn-cluster" start --workers 2 --cores 1 --memory 2g >/dev/null
trap '"$home/bin/sparkcnn-cluster" stop >/dev/null 2>&1 || true' EXIT

# images/s over the rounds after the first (metrics.json's per-round figures)
steady() {
  python3 - "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1] + "/metrics.json"))
r = m["rounds"][1:] or m["rounds"]
print(f'{sum(x["examples"] for x in r) / sum(x["seconds"] for x in r):.0f} {m["testAccuracy"]:.4f}')
PY
}

declare -A rate
for n in 1 2; do
  out="$work/model-$n"
  "$home/bin/sparkcnn-cluster" submit --total-executor-cores "$n" -- train --data "$data" --model cifar-cnn \
    --strategy "$strategy" --partitions "$n" --epochs "$epochs" --averaging-frequency 25 --no-report \
    --checkpoint-every 0 --out "$out" --overwrite >"$work/submit-$n.log" 2>&1
  read -r ips acc <<<"$(steady "$out")"
  rate[$n]=$ips
  printf '%d executor JVM(s) x 1 core, %s: %6s images/s after the first round, held-out accuracy %s\n' \
    "$n" "$strategy" "$ips" "$acc"
done
python3 -c "print(f'ratio 2 : 1 executor JVMs = {${rate[2]} / ${rate[1]}:.2f}')"

#!/usr/bin/env bash
# bf16 over fp32 training-step speed, measured in alternation so that drift in the machine's
# speed (seen here: +-10% between minutes on a shared VM) falls on both sides alike.
# Usage: bench/bf16_speedup.sh [rounds=3] [steps=100] [config=configs/dcgan-mnist.yaml]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}; steps=${2:-100}; config=${3:-configs/dcgan-mnist.yaml}
for r in $(seq "$rounds"); do
  for p in fp32 bf16; do
    ms=$(bin/gan4j bench step --config "$config" --steps "$steps" --raw-steps 0 --precision "$p" --json 2>/dev/null \
         | sed -n 's/.*"ms_per_step" : \([0-9.]*\).*/\1/p')
    echo "round $r $p $ms ms/step"
  done
done | tee /dev/stderr | awk '{ms[$3] += $4; n[$3]++} END {
  f = ms["fp32"] / n["fp32"]; b = ms["bf16"] / n["bf16"];
  printf "mean fp32 %.1f ms/step, bf16 %.1f ms/step: bf16 speedup %.3fx\n", f, b, f / b }'

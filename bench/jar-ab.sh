#!/usr/bin/env bash
# A/B of two builds of gan4j on one machine, in both orders: `bench step` alternates between
# build A's and build B's jars (A B B A ...), each run a fresh JVM, and the script prints each
# run's ms/step and the median ratio B/A. A build is a folder holding gan4j.jar and lib/ (a
# copy of target/ from `mvn package`). Example, main against a branch:
#   git worktree add /tmp/main main && (cd /tmp/main && mvn -q -B -DskipTests package)
#   bench/jar-ab.sh /tmp/main/target target configs/dcgan-mnist.yaml 4 150
set -euo pipefail
a="$1"; b="$2"; config="$3"; rounds="${4:-4}"; steps="${5:-150}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/bin/malloc.sh"
run() { # build -> ms/step
  java -Xms256m -XX:+AlwaysPreTouch -cp "$1/gan4j.jar:$1/lib/*" org.gan4j.cli.Main bench step --config "$config" \
    --steps "$steps" --raw-steps 0 --paired-blocks 0 --json 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["ms_per_step"])'
}
ratios=()
for ((i = 0; i < rounds; i++)); do
  if (( i % 2 == 0 )); then ma=$(run "$a"); mb=$(run "$b"); else mb=$(run "$b"); ma=$(run "$a"); fi
  r=$(python3 -c "print(round($mb / $ma, 4))")
  echo "round $((i + 1)) ($([ $((i % 2)) = 0 ] && echo 'A first' || echo 'B first')): A $ma ms, B $mb ms, B/A $r"
  ratios+=("$r")
done
python3 -c "import statistics,sys; r=[float(x) for x in sys.argv[1:]]; print('B/A median', statistics.median(r), 'over', len(r), 'rounds')" "${ratios[@]}"

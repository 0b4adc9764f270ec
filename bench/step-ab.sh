#!/usr/bin/env bash
# Same-process A/B of two variants of a training step (see StepAB.java). Example:
#   bench/step-ab.sh configs/dcgan-mnist.yaml 20 10 "train.fast_paths=false" "-"
# An entry -Dkey=value sets a system property before each of that variant's blocks (switches the
# code reads per call), e.g. "-Dgan4j.conv_padding=on" "-".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/bin/gan4j" --version >/dev/null # the launcher rebuilds the jar when sources changed
out="$here/target/bench-classes"
mkdir -p "$out"
javac -d "$out" -cp "$here/target/gan4j.jar:$here/target/lib/*" "$here/bench/StepAB.java"
cd "$here"
. "$here/bin/malloc.sh" # the launcher's malloc, so that the steps compare as bin/gan4j runs them
exec java -Xms256m -XX:+AlwaysPreTouch -cp "$out:$here/target/gan4j.jar:$here/target/lib/*" StepAB "$@"

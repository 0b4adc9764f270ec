#!/usr/bin/env bash
# Packs gan4j for an offline NVIDIA machine that has the CUDA 13 and cuDNN 9 libraries but no
# Java and no network: a trimmed Java runtime, the jars, and libtorch's CUDA build with machine
# code for one GPU architecture only (bench/prune_fatbin.py), as one .tar.xz (about 200 MB for
# sm_90, against 540 MB unpruned). Unpack it there and run bench/gpu_check.sh.
# usage: bench/gpu_bundle.sh OUT.tar.xz [ARCH=90]
set -euo pipefail
out=$(realpath "$1"); arch=${2:-90}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$here" && mvn -q -B -DskipTests -Pcuda package)
jlink --add-modules java.base,java.desktop,java.management,java.net.http,java.sql,jdk.unsupported,java.logging,jdk.httpserver \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$work/jre"
mkdir -p "$work/app/lib" "$work/classes"
cp "$here/target/gan4j.jar" "$work/app/"
for j in "$here"/target/lib/*.jar; do
  case "$j" in *-gpu.jar) (cd "$work/classes" && unzip -q "$j" 'org/*');; *) cp "$j" "$work/app/lib/";; esac
done
lib=$(find "$work/classes" -name libtorch_cuda.so)
python3 "$here/bench/prune_fatbin.py" "$lib" "$arch" "$lib.pruned" && mv "$lib.pruned" "$lib"
tar -C "$work" -cf - jre app classes | xz -T0 -9 > "$out"
ls -la "$out"

#!/usr/bin/env bash
# The GPU figures of bench/NOTES.md: bench step in fp32 and bf16, a dcgan-mnist training run and
# its sample quality, from a bundle of bench/gpu_bundle.sh unpacked in $BUNDLE. CUDA's libraries
# come from the machine (here: PyTorch's nvidia-* wheels). Needs GAN4J_DATA with MNIST and an
# MNIST classifier (gan4j classifier train) in $CLASSIFIER. Results go to $OUT (default .).
set -u
B=${BUNDLE:?unpacked gpu_bundle.sh output}; OUT=${OUT:-.}
SP=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null)
[ -d "$SP/nvidia" ] && export LD_LIBRARY_PATH=$(find "$SP/nvidia" -name 'lib*.so*' -printf '%h\n' | sort -u | tr '\n' ':')${LD_LIBRARY_PATH:-}
J="$B/jre/bin/java -Xms256m -cp $B/app/gan4j.jar:$B/app/lib/*:$B/classes org.gan4j.cli.Main"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
for p in fp32 bf16; do
  $J bench step --config configs/dcgan-mnist.yaml --json --steps 300 --raw-steps 300 --set device=cuda --precision $p \
    | tee "$OUT/step-$p.json" || exit 1
done
t0=$SECONDS
$J train --config configs/dcgan-mnist.yaml --set name=gpu-dcgan > "$OUT/train.log" 2>&1
echo "train rc=$? seconds=$((SECONDS - t0))"
$J bench quality --checkpoint runs/gpu-dcgan/checkpoints/latest.pt --classifier "${CLASSIFIER:?}" | tee "$OUT/quality.txt"

# Sourced by bin/gan4j and bench/step-ab.sh: picks the malloc the JVM runs on.
# libtorch allocates and frees megabytes of tensors every step; tcmalloc hands them back
# faster than glibc's malloc (~2% of a DCGAN step here; bench/NOTES.md). Preloaded where Debian's
# libtcmalloc-minimal4 (or another install of it) is present; GAN4J_MALLOC=system keeps glibc's,
# GAN4J_MALLOC=/path/lib.so preloads that library instead.
gan4j_malloc="${GAN4J_MALLOC:-auto}"
gan4j_lib=""
case "$gan4j_malloc" in
  system) ;;
  auto)
    for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
      if [ -f "$d/libtcmalloc_minimal.so.4" ]; then gan4j_lib="$d/libtcmalloc_minimal.so.4"; break; fi
    done ;;
  *)
    if [ ! -f "$gan4j_malloc" ]; then echo "gan4j: GAN4J_MALLOC=$gan4j_malloc: no such file (use 'system', 'auto' or a library's path)" >&2; return 2; fi
    gan4j_lib="$gan4j_malloc" ;;
esac
if [ -n "$gan4j_lib" ]; then
  case ":${LD_PRELOAD:-}:" in *":$gan4j_lib:"*) ;; *) export LD_PRELOAD="$gan4j_lib${LD_PRELOAD:+:$LD_PRELOAD}" ;; esac
  # tcmalloc reports single allocations past 1 GB on stderr; a large dataset is not news
  export TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD="${TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD:-68719476736}"
fi

#!/bin/sh
# Builds the cuda-tagged test binaries on a development machine and runs
# them on a GPU machine (which needs neither Go nor the CUDA toolkit: the
# binaries need only the driver's libcuda.so.1 and glibc >= 2.34).
#
#   gpu/run-device.sh build        here, with Go and the CUDA headers
#                                  (Debian non-free nvidia-cuda-dev); writes
#                                  .gpubin/{gpu,boost}.test and cu-syms.txt
#   gpu/run-device.sh run [quick]  on the GPU machine, from the repository
#                                  root with .gpubin/ copied beside it;
#                                  logs go to $OUT (default .gpubin/logs).
#                                  quick skips the 10M-row test and the
#                                  benchmark.
#
# run checks the machine (glibc, the driver's library and its symbols),
# then runs the gpu package's kernel-vs-reference tests, boost's GPU-vs-CPU
# equality tests (1M x 8 and 10M x 28) and the 10M x 28 depth-6 benchmark,
# each into its own log, and ends with a summary. It exits non-zero if a
# step failed, after running the others.
set -u
cd "$(dirname "$0")/.."
bin=.gpubin

build() {
  set -e
  mkdir -p "$bin"
  go test -c -tags cuda -ldflags='-s -w' -o "$bin/gpu.test" ./gpu
  go test -c -tags cuda -ldflags='-s -w' -o "$bin/boost.test" ./boost
  readelf -d "$bin/gpu.test" | grep NEEDED
  objdump -T "$bin/gpu.test" "$bin/boost.test" | awk '/\*UND\*/{print $NF}' | grep '^cu' | sort -u > "$bin/cu-syms.txt"
  echo "built $bin/gpu.test $bin/boost.test; $(wc -l < "$bin/cu-syms.txt") driver symbols in $bin/cu-syms.txt"
}

run() {
  quick=${1:-}
  out=${OUT:-$PWD/$bin/logs}
  mkdir -p "$out"
  failed=""
  step() { # step NAME DIR COMMAND...: runs COMMAND in DIR, logging to $out/NAME.log
    name=$1 dir=$2
    shift 2
    echo "--- $name"
    start=$(date +%s)
    (cd "$dir" && "$@") > "$out/$name.log" 2>&1
    rc=$?
    echo "rc=$rc after $(( $(date +%s) - start )) s" >> "$out/$name.log"
    tail -n 15 "$out/$name.log"
    [ $rc -eq 0 ] || failed="$failed $name"
  }
  {
    date -u
    uname -a
    ldd --version 2>&1 | head -1
    if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi 2>&1 | head -20; else echo "nvidia-smi: not installed"; fi
  } > "$out/env.log" 2>&1
  cat "$out/env.log"
  if ! ldd "$bin/gpu.test" | grep -q 'libcuda.so.1 => /'; then
    for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu; do
      if [ -e "$d/libcuda.so.1" ]; then
        export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        break
      fi
    done
  fi
  ldd "$bin/gpu.test" >> "$out/env.log" 2>&1
  if command -v python3 >/dev/null 2>&1; then
    step symbols . python3 -c "import ctypes,sys;l=ctypes.CDLL('libcuda.so.1');m=[s for s in open(sys.argv[1]).read().split() if not hasattr(l,s)];print('missing driver symbols:',m)" "$bin/cu-syms.txt"
  fi
  step gpu-test gpu "../$bin/gpu.test" -test.v -test.count=1 -test.timeout=300s
  short=""
  [ "$quick" = quick ] && short="-test.short"
  step boost-test boost "../$bin/boost.test" -test.v -test.count=1 -test.timeout=900s $short \
    -test.run 'CUDA|Device'
  if [ "$quick" != quick ]; then
    step bench boost "../$bin/boost.test" -test.run '^$' -test.bench 'CUDARound10Mx28' -test.benchtime 1x \
      -test.timeout=900s
    awk '/ms\/round/ { for (i = 1; i < NF; i++) if ($(i+1) == "ms/round") ms[$1] = $i }
      END { for (k in ms) print k, ms[k], "ms/round";
            g = ""; c = "";
            for (k in ms) { if (k ~ /cuda/) g = ms[k]; if (k ~ /cpu/) c = ms[k] }
            if (g != "" && c != "" && g > 0) printf "GPU is %.1fx faster than our CPU path per round (target >= 20x)\n", c / g }' \
      "$out/bench.log" | tee "$out/summary.log"
  fi
  if [ -n "$failed" ]; then
    echo "FAILED:$failed" | tee -a "$out/summary.log"
    return 1
  fi
  echo "all steps passed" | tee -a "$out/summary.log"
}

case "${1:-}" in
build) build ;;
run) shift; run "$@" ;;
*)
  echo "usage: $0 build | run [quick]" >&2
  exit 2
  ;;
esac

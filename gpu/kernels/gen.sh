#!/bin/sh
# Regenerates train.ptx from train.cu with nvcc 11.8 (Debian's
# nvidia-cuda-toolkit), then records the SHA-256 of the source, this script
# and the PTX in SHA256SUMS, which check.sh verifies where nvcc is absent.
#
# compute_80 PTX (ISA 7.8) loads on A100 and, JIT-compiled by the driver, on
# H100/H200. --fmad=false keeps every a*b+c rounded twice, as in the Go
# reference (expf's fused multiply-adds are explicit fma); no -lineinfo,
# which would write this directory's path into the PTX.
set -eu
cd "$(dirname "$0")"
nvcc -ptx -arch=compute_80 -O3 --fmad=false -o "${1:-train.ptx}" train.cu
if [ $# -eq 0 ]; then
  sha256sum train.cu gen.sh train.ptx > SHA256SUMS
fi

#!/bin/sh
# Checks that the committed train.ptx is the one gen.sh makes from
# train.cu: where nvcc 11.8 is installed it regenerates the PTX and
# compares; elsewhere it checks the hashes gen.sh recorded, which fail when
# train.cu or gen.sh changed without the PTX being regenerated.
set -eu
cd "$(dirname "$0")"
sha256sum -c --quiet SHA256SUMS || {
  echo "gpu/kernels: train.cu, gen.sh or train.ptx changed since gen.sh last ran: run gpu/kernels/gen.sh" >&2
  exit 1
}
if command -v nvcc >/dev/null 2>&1 && nvcc --version | grep -q 'release 11.8'; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  sh ./gen.sh "$tmp/train.ptx"
  if ! cmp -s train.ptx "$tmp/train.ptx"; then
    echo "gpu/kernels: train.ptx differs from what nvcc makes of train.cu: run gpu/kernels/gen.sh" >&2
    diff train.ptx "$tmp/train.ptx" | head -20 >&2
    exit 1
  fi
  # The PTX must also assemble for the H100/H200 (sm_90) and the A100.
  for arch in sm_80 sm_90; do
    ptxas -arch=$arch train.ptx -o "$tmp/train-$arch.cubin"
  done
  echo "gpu/kernels: train.ptx is current (regenerated with nvcc and compared; assembles for sm_80 and sm_90)"
else
  echo "gpu/kernels: train.ptx is current (hashes; nvcc 11.8 not installed)"
fi

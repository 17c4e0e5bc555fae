#!/bin/sh
# Unpacks the two files the cuda build tag needs to compile (cuda.h and the
# driver's link stub) from Debian's non-free nvidia-cuda-dev into a
# directory, without installing the CUDA toolkit, and prints the directory:
#
#   CUDA_SYSROOT=$(gpu/cuda-sysroot.sh) .ci/run
#
# It adds Debian's non-free component to the apt sources when missing
# (deriving the mirror from the existing debian.sources) and downloads the
# package once (about 800 MB; 1 MB is kept). Needs root for apt-get update.
set -eu
root=${1:-$(cd "$(dirname "$0")/.." && pwd)/.cuda-sysroot}
if [ ! -f "$root/usr/include/cuda.h" ]; then
  f=/etc/apt/sources.list.d/debian-nonfree.sources
  if ! grep -rqsE '^Components:(.* )?non-free( |$)' /etc/apt/sources.list.d/; then
    { echo "Types: deb"
      grep -m1 '^URIs:' /etc/apt/sources.list.d/debian.sources
      echo "Suites: bookworm bookworm-updates"
      echo "Components: contrib non-free non-free-firmware"
      echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"; } > "$f"
    apt-get update -qq >&2
  fi
  mkdir -p "$root"
  (cd "$root" && apt-get download -qq nvidia-cuda-dev >&2)
  dpkg-deb --fsys-tarfile "$root"/nvidia-cuda-dev_*.deb |
    tar -x -C "$root" ./usr/include/cuda.h ./usr/lib/x86_64-linux-gnu/stubs/libcuda.so
  rm "$root"/nvidia-cuda-dev_*.deb
fi
echo "$root"

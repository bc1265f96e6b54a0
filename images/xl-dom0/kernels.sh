#!/bin/sh
# The other kernels the ours scenario boots as domUs, beside the dom0's
# own 6.1 XZ bzImage, into OUT:
#   vmlinuz-6.12   Debian's 6.12 kernel, a zstd bzImage (kernel612.sh);
#   vmlinuz-gzip   the 6.1 kernel re-wrapped with its vmlinux gzip'd as
#                  Linux's build does (gzip -n -9): a gzip bzImage;
#   vmlinux        the 6.1 kernel's ELF vmlinux itself (the XZ payload).
# Usage: kernels.sh OUT DOM0_VMLINUZ CACHE_DIR
set -eu
out=$1 vmlinuz=$2 cache=$3
mkdir -p "$out" "$cache"
k612=$(tests/unit/unzip/kernel612.sh "$cache")
cp "$k612" "$out/vmlinuz-6.12"
tests/unit/xz/payload.sh "$vmlinuz" "$out/payload.xz"
xz -dc --single-stream "$out/payload.xz" >"$out/vmlinux"
gzip -n -9 -c "$out/vmlinux" >"$out/payload.gz"
python3 tests/unit/unzip/rewrap.py "$vmlinuz" "$out/payload.gz" "$out/vmlinuz-gzip"
rm -f "$out/payload.xz" "$out/payload.gz"
ls -l "$out" >&2

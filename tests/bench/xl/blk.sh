#!/bin/bash
# PV block benchmark (issue 12): Bastion and Debian's Xen 4.17 on the same
# QEMU line as tests/bench/xl/run.sh (TCG, -icount shift=0,sleep=off,
# -rtc clock=vm, 1 CPU by default, 2 GiB, -device amd-iommu, the same hv
# command line; dom0_mem=1024M), each booting the Debian-xl dom0
# (images/xl-dom0) with xltest=bench-blk (images/xl-dom0/bench-blk.sh):
# a PVH domU (the anchor's configuration, one disk) writes, writes again
# (rewrite) and reads 256 MiB of its xvda with dd bs=1M O_DIRECT, timed on
# its own clock (deterministic under -icount).  Cases, each on both
# hypervisors:
#   deb-raw     Debian's xl, Linux's kernel blkback over a loop device
#   deb-sparse  the same on a sparse raw file (the first write allocates)
#   ours-raw    our xl + bastion-dm (qdisk) on the same raw file (io_uring)
#   ours-raw-threads  the same, bastion-dm on its worker threads
#   ours-sparse ours-raw on a sparse raw file
#   ours-qcow2  our xl + bastion-dm on a qcow2 (not preallocated: the
#               first write allocates, as on a sparse file)
# Prints MB/s (10^6 bytes/s) per case and op, and the ratios against Xen's
# kernel blkback (deb-raw on xen).  A benchmark reports; it fails only when
# a run gave no figures.
#   blk.sh [bastion|xen]...   (default: both); BENCH_BLK_CASES (default
#   all of the above: no commas, QEMU splits
#   -initrd at them),
#   BENCH_XL_TIMEOUT per run (s),
#   BENCH_XL_SMP, BENCH_XL_STALL, BENCH_BLK_REPORT_ONLY=1 (parse the last logs)
cd "$(dirname "$0")/../../.." || exit 1
set -u
OUT=build/bench/xl-blk
mkdir -p "$OUT"
. tests/bench/xl/lib.sh
CASES=${BENCH_BLK_CASES:-deb-raw+deb-sparse+ours-raw+ours-raw-threads+ours-sparse+ours-qcow2}

elf_of() { case $1 in bastion) echo build/hv/bastion.elf ;; xen) echo build/xen/xen.elf ;; *) echo "usage: $0 [bastion|xen]..." >&2; exit 2 ;; esac; }
run() { bench_run "$1" "$(elf_of "$1")" "xltest=bench-blk blkcases=$CASES"; }

# mbs HV CASE OP: MB/s the guest measured, or ?
mbs() {
	tr -d '\r' <"$OUT/$1.log" 2>/dev/null | awk -v c="$2" -v op="$3" '
	function field(s, k) { return match(s, k "=[^ ]*") ? substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "" }
	/^XL-BLKBENCH: / && field($0, "case") == c && field($0, "op") == op && field($0, "rc") == 0 && field($0, "usecs") > 0 {
		r = sprintf("%.1f", field($0, "bytes") / field($0, "usecs")) }
	END { print r != "" ? r : "?" }'
}

hvs=("$@")
[ ${#hvs[@]} -gt 0 ] || hvs=(bastion xen)
bench_need bench-blk-pv "${hvs[@]}"
t0=$(date +%s)
if [ "${BENCH_BLK_REPORT_ONLY:-0}" != 1 ]; then
	for hv in "${hvs[@]}"; do run "$hv"; done
fi

echo
echo "PV block: dd bs=1M count=256 O_DIRECT in a PVH domU, MB/s (10^6 B/s) on the guest's clock"
echo "(-icount shift=0,sleep=off, ${BENCH_XL_SMP:-1} CPU(s); images on a tmpfs in dom0; host wall $(($(date +%s) - t0)) s)"
echo "(goal: ours at least 1.2 times Xen 4.17's kernel blkback, which the anchor harness measured at 466 read)"
bench_table "write rewrite read" deb-raw "Xen 4.17's kernel blkback" XL-BLKBENCH "${hvs[@]}"

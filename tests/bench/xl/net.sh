#!/bin/bash
# PV network benchmark (issue 12): Bastion and Debian's Xen 4.17 on the same
# QEMU line as tests/bench/xl/run.sh (TCG, -icount shift=0,sleep=off,
# -rtc clock=vm, 1 CPU by default, 2 GiB, -device amd-iommu, the same hv
# command line; dom0_mem=1024M), each booting the Debian-xl dom0
# (images/xl-dom0) with xltest=bench-net (images/xl-dom0/bench-net.sh):
# a PVH domU (the anchor's configuration, no disk, one vif on dom0's bridge
# xenbr0) sends 64 MiB of zeros by TCP (busybox nc) to dom0, which counts
# and discards them (tx), then takes as many from dom0 (rx), each timed on
# its own clock (deterministic under -icount).  Cases, each on both
# hypervisors:
#   deb-bridge   Debian's xl, Linux's kernel netback, Xen's vif-bridge script
#   ours-bridge  our xl + bastion-dm (qnic: a tap on the same bridge)
# Prints MB/s (10^6 bytes/s) per case and direction, and the ratios against
# Xen's kernel netback (deb-bridge on xen).  A benchmark reports; it fails
# only when a run gave no figures.
#   net.sh [bastion|xen]...   (default: both); BENCH_NET_CASES (default
#   deb-bridge+ours-bridge: no commas, QEMU splits -initrd at them),
#   BENCH_NET_MIB (default 64), BENCH_XL_TIMEOUT per run (s),
#   BENCH_XL_SMP, BENCH_XL_STALL, BENCH_NET_REPORT_ONLY=1 (parse the last logs)
cd "$(dirname "$0")/../../.." || exit 1
set -u
OUT=build/bench/xl-net
mkdir -p "$OUT"
. tests/bench/xl/lib.sh
CASES=${BENCH_NET_CASES:-deb-bridge+ours-bridge}
MIB=${BENCH_NET_MIB:-64}

elf_of() { case $1 in bastion) echo build/hv/bastion.elf ;; xen) echo build/xen/xen.elf ;; *) echo "usage: $0 [bastion|xen]..." >&2; exit 2 ;; esac; }
run() { bench_run "$1" "$(elf_of "$1")" "xltest=bench-net netcases=$CASES netmib=$MIB"; }

# mbs HV CASE OP: MB/s the guest measured, or ?  All the bytes must have
# arrived: rx as the guest counted them, tx as dom0 did.
mbs() {
	tr -d '\r' <"$OUT/$1.log" 2>/dev/null | awk -v c="$2" -v op="$3" -v want=$((MIB * 1048576)) '
	function field(s, k) { return match(s, k "=[^ ]*") ? substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "" }
	/^XL-NETBENCH: / && field($0, "case") == c && field($0, "op") == op && field($0, "rc") == 0 && field($0, "usecs") > 0 &&
	field($0, "bytes") == want && (op != "tx" || field($0, "dom0_bytes") == want) {
		r = sprintf("%.1f", field($0, "bytes") / field($0, "usecs")) }
	END { print r != "" ? r : "?" }'
}

hvs=("$@")
[ ${#hvs[@]} -gt 0 ] || hvs=(bastion xen)
bench_need bench-net-pv "${hvs[@]}"
t0=$(date +%s)
if [ "${BENCH_NET_REPORT_ONLY:-0}" != 1 ]; then
	for hv in "${hvs[@]}"; do run "$hv"; done
fi

echo
echo "PV network: $MIB MiB by TCP (busybox nc) PVH domU <-> dom0 over a bridge, MB/s (10^6 B/s) on the guest's clock"
echo "(tx: domU -> dom0, rx: dom0 -> domU; -icount shift=0,sleep=off, ${BENCH_XL_SMP:-1} CPU(s); host wall $(($(date +%s) - t0)) s)"
bench_table "tx rx" deb-bridge "Xen 4.17's kernel netback" XL-NETBENCH "${hvs[@]}"

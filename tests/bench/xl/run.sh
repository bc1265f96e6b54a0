#!/bin/bash
# xl benchmark: Bastion and Debian's Xen 4.17 on the same QEMU line (TCG,
# -icount shift=0,sleep=off, -rtc clock=vm, 1 CPU by default, 2 GiB,
# -device amd-iommu, the same hv command line; dom0_mem=1024M),
# each running the tree's Debian-xl dom0 (images/xl-dom0) with
# xltest=bench (images/xl-dom0/bench.sh).  Prints, for both and their
# ratio (Bastion / Xen):
#   create->/init   the guest's CLOCK_REALTIME at its /init minus dom0's
#                   just before `xl create` (as the Xen anchor measures it)
#   create->seen    dom0's CLOCK_REALTIME when the guest's first line shows
#                   up in xenconsoled's log (0.2 s polling), minus the same
#   xl create       how long the command took (dom0 CLOCK_REALTIME)
#   per-domain      (free pages with no guest - with N guests - the pages
#                   the guests hold, from xentop) / N, in MiB: what the
#                   hypervisor spends on an idle or paused 256 MiB guest
#                   (free pages from XEN_SYSCTL_physinfo, tests/bench/xl/
#                   physinfo.c; xl info's MiB if that is missing)
# Guest-time figures: under -icount they do not depend on host load.
# A benchmark reports; it fails only when a run gave no figures.
#   run.sh [bastion|ours|xen]...   (default: all three; ours is Bastion
#   with our own xl creating the guests, without the PV disk: no block
#   backend yet); BENCH_XL_TIMEOUT per run (s),
#   BENCH_XL_SMP (QEMU CPUs, default 1 as the Xen anchor's figures),
#   BENCH_XL_STALL (s without console output), BENCH_XL_TRIES (runs per hv
#   at most, while they stall before the figures; default 3), BENCH_XL_QEMU_EXTRA (e.g. a
#   monitor socket, for diagnostics; not part of the compared line)
cd "$(dirname "$0")/../../.." || exit 1
set -u
OUT=build/bench/xl
mkdir -p "$OUT"
. tests/bench/xl/lib.sh

elf_of() { case $1 in bastion | ours) echo build/hv/bastion.elf ;; xen) echo build/xen/xen.elf ;; *) echo "usage: $0 [bastion|ours|xen]..." >&2; exit 2 ;; esac; }
# ours: Bastion with our own xl (appliance/xl) doing the creates.
xl_of() { [ "$1" = ours ] && echo ' xlbenchxl=ours'; }
run() { bench_run "$1" "$(elf_of "$1")" "xltest=bench$(xl_of "$1")"; }

# figures HV: parses its log into "create_init create_seen xl_create per_dom n free0 free1 guests_mib".
figures() {
	tr -d '\r' <"$OUT/$1.log" | awk '
	function field(s, k,   m) { return match(s, k "=[^ ]*") ? substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "" }
	/^XL-BENCH: create / { w0 = field($0, "dom0_wall_before"); w1 = field($0, "dom0_wall_after"); ws = field($0, "dom0_wall_seen") }
	/^XL-BENCH: domu / { wu = field($0, "wall") }
	/^XL-BENCH: create2 / { v0 = field($0, "dom0_wall_before") }
	/^XL-BENCH: domu2 / { vu = field($0, "wall") }
	/^XL-BENCH: guests / { n = field($0, "n") }
	/^XL-MEM: bench-none / { f0 = field($0, "free") }
	/^XL-MEM: bench-guests / { f1 = field($0, "free") }
	/^XL-BENCH: physinfo none / { p0 = field($0, "free_pages") }
	/^XL-BENCH: physinfo guests / { p1 = field($0, "free_pages") }
	/^XL-BENCH: physinfo after / { p2 = field($0, "free_pages") }
	/^XL-OUT\[bench-xentop\] / && $2 != "NAME" && $2 != "Domain-0" { kib += $6 }
	/^XL-OUT\[bench-xl-list\] / && $2 != "Name" && $2 != "Domain-0" { listed += $4 * 1024 }
	END {
		if (kib == 0) kib = listed # no xentop: xl list Mem (MiB)
		ci = (w0 != "" && wu != "") ? sprintf("%.3f", wu - w0) : "?"
		c2 = (v0 != "" && vu != "") ? sprintf("%.3f", vu - v0) : "?"
		cs = (w0 != "" && ws ~ /^[0-9]/) ? sprintf("%.3f", ws - w0) : "?"
		xc = (w0 != "" && w1 != "") ? sprintf("%.3f", w1 - w0) : "?"
		# free pages exactly (physinfo), else xl info free_memory (MiB)
		if (p0 != "" && p1 != "") { f0 = sprintf("%.2f", p0 / 256); f1 = sprintf("%.2f", p1 / 256) }
		pd = (n > 0 && f0 != "" && f1 != "" && kib > 0) ? sprintf("%.3f", (f0 - f1 - kib / 1024) / n) : "?"
		back = (p0 != "" && p2 != "") ? sprintf("%+d", p2 - p0) : "?"
		printf "%s %s %s %s %s %s %s %.2f %s %s\n", ci, cs, xc, pd, n ? n : "?", f0 ? f0 : "?", f1 ? f1 : "?", kib / 1024, back, c2
	}'
}

hvs=("$@")
[ ${#hvs[@]} -gt 0 ] || hvs=(bastion ours xen)
for hv in "${hvs[@]}"; do
	for f in "$(elf_of "$hv")" "$KERNEL" "$INITRD"; do
		[ -f "$f" ] || { echo "bench-xl: $f is missing (make bench-xl builds it)" >&2; exit 1; }
	done
done
# complete HV: the run gave both headline figures.
complete() {
	local ci pd
	read -r ci _ _ pd _ <<<"$(figures "$1")"
	[ "$ci" != "?" ] && [ "$pd" != "?" ]
}

# A run that stalls before its figures is run again, up to BENCH_XL_TRIES
# times; each stalled log is kept as HV.stalled-N.log and counted below.
# BENCH_XL_REPORT_ONLY=1: parse the logs of the last run again.
declare -A STALLS
for hv in "${hvs[@]}"; do
	[ "${BENCH_XL_REPORT_ONLY:-0}" = 1 ] && break
	for try in $(seq "${BENCH_XL_TRIES:-3}"); do
		run "$hv"
		complete "$hv" && break
		mv "$OUT/$hv.log" "$OUT/$hv.stalled-$try.log"
		STALLS[$hv]=$try
		echo "$hv: attempt $try gave no figures (log kept as $OUT/$hv.stalled-$try.log)"
	done
done

echo
echo "xl bench (guest time under -icount shift=0,sleep=off, ${BENCH_XL_SMP:-1} CPU(s); memory in MiB)"
printf '%-8s %15s %15s %11s %16s   %s\n' hv 'create->/init s' 'create->seen s' 'xl create s' 'per-domain MiB' '(N guests; free MiB none -> N guests; MiB the guests hold; free pages after destroying them - before)'
declare -A F AGAIN
bad=0
for hv in "${hvs[@]}"; do
	read -r ci cs xc pd n f0 f1 held back again <<<"$(figures "$hv")"
	F[$hv]="$ci $cs $xc $pd"
	AGAIN[$hv]=$again
	printf '%-8s %15s %15s %11s %16s   (%s; %s -> %s; %s; %s)\n' "$hv" "$ci" "$cs" "$xc" "$pd" "$n" "$f0" "$f1" "$held" "$back"
	[ "$ci" != "?" ] && [ "$pd" != "?" ] || bad=1
	[ -z "${STALLS[$hv]:-}" ] || echo "         ($hv: ${STALLS[$hv]} run(s) stalled before giving figures; see $OUT/$hv.stalled-*.log)"
done
if [ -n "${F[bastion]:-}" ] && [ -n "${F[xen]:-}" ]; then
	read -r -a b <<<"${F[bastion]}"
	read -r -a x <<<"${F[xen]}"
	printf '%-8s' 'ratio'
	for i in 0 1 2 3; do
		awk -v b="${b[$i]}" -v x="${x[$i]}" -v w=$((i == 3 ? 17 : i == 2 ? 12 : 16)) \
			'BEGIN { if (b == "?" || x == "?" || x == 0) printf "%*s", w, "?"; else printf "%*.3f", w, b / x }'
	done
	echo "   (Bastion / Xen)"
fi
if [ -n "${F[ours]:-}" ] && [ -n "${F[xen]:-}" ]; then
	read -r -a b <<<"${F[ours]}"
	read -r -a x <<<"${F[xen]}"
	printf '%-8s' 'ratio'
	for i in 0 1 2 3; do
		awk -v b="${b[$i]}" -v x="${x[$i]}" -v w=$((i == 3 ? 17 : i == 2 ? 12 : 16)) \
			'BEGIN { if (b == "?" || x == "?" || x == 0) printf "%*s", w, "?"; else printf "%*.3f", w, b / x }'
	done
	echo "   (Bastion with our xl / Xen with Debian's)"
fi
echo
echo "a second guest from the same kernel, the first one running: create->/init s"
for hv in "${hvs[@]}"; do
	printf '%-8s %15s\n' "$hv" "${AGAIN[$hv]:-?}"
done
if [ -n "${AGAIN[ours]:-}" ] && [ -n "${F[xen]:-}" ]; then
	awk -v b="${AGAIN[ours]}" -v x="${F[xen]%% *}" 'BEGIN { if (b == "?" || x == "?" || x == 0) r = "?"; else r = sprintf("%.3f", b / x);
		printf "ratio    %15s   (our xl, kernel unpacked before / Xen with Debian'"'"'s xl, first create)\n", r }'
fi
if [ -f "$OUT/ours.log" ]; then
	echo
	echo "where our xl create's time goes (XL_TIMING; first guest, then the second):"
	tr -d '\r' <"$OUT/ours.log" | sed -n 's/^XL-OUT\[bench-create2\{0,1\}\] xl: timing: /  /p'
fi
echo
echo "vCPU switches on Bastion, dom0 and the guests sharing the CPU (TSC ticks = emulated instructions here):"
for hv in bastion ours; do
	[ -f "$OUT/$hv.log" ] && tr -d '\r' <"$OUT/$hv.log" | grep -a '^sched: [0-9]' | sed "s/^/  $hv: /"
done
exit $bad

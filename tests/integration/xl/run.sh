#!/bin/bash
# Debian's Xen 4.17 toolstack (xl, libxl, libxenctrl, xenconsoled) with
# our xenstored (appliance/xenstored) - or Debian's C one, XSD=c - in a PVH
# dom0 runs an xl scenario (images/xl-dom0/init) and the serial log is
# checked here.
#
#   run.sh bastion   on build/hv/bastion.elf
#   run.sh xen       on Debian's Xen 4.17 (build/xen/xen.elf): the reference
#                    that proves the image and these checks
#
# XLTEST=info|pvh (default pvh): info runs the read-only xl commands; pvh
# also creates a PVH guest, reads its console, shuts it down, and creates
# and destroys a second one.  XL_TIMEOUT bounds the QEMU run (default 2400 s).
# XL_CYCLES sets how many guests the pvh scenario creates and destroys at
# its end (the image's default is 100).
# XL_APPEND adds to the dom0's command line (e.g. xlwd=6000), HV_APPEND to
# Bastion's (e.g. sync_console), XL_QEMU_ARGS
# to QEMU's (e.g. "-d cpu_reset -D /tmp/reset.log" to see a reset's cause).
# XSD=ours|c (default ours) picks the xenstored, XCD=ours|c (default ours)
# the console daemon (appliance/consoled, or Debian's xenconsoled).
cd "$(dirname "$0")/../../.." || exit 1
. tests/integration/lib.sh
HV=${1:-bastion}
SCEN=${XLTEST:-pvh}
XSD=${XSD:-ours}
case $XSD in
ours) XSD_NAME="our xenstored" XSD_EXE=/usr/lib/bastion/xenstored ;;
c) XSD_NAME="Debian's C xenstored" XSD_EXE=/usr/lib/xen-4.17/bin/xenstored ;;
*) echo "XSD must be ours or c, not '$XSD'" >&2; exit 2 ;;
esac
XCD=${XCD:-ours}
case $XCD in
ours) XCD_NAME="our console daemon" XCD_EXE=/usr/lib/bastion/bastion-consoled ;;
c) XCD_NAME="Debian's xenconsoled" XCD_EXE=/usr/lib/xen-4.17/bin/xenconsoled ;;
*) echo "XCD must be ours or c, not '$XCD'" >&2; exit 2 ;;
esac
KERNEL=build/dom0/vmlinuz
INITRD=build/xl-dom0/rootfs.cpio
NEVER='^never-matches$' # wait for the dom0's power-off
case $HV in
bastion)
	ELF=build/hv/bastion.elf
	HV_ARGS=(-kernel "$ELF" -append "console=com1 dom0_mem=1024M${HV_APPEND:+ $HV_APPEND}")
	QEMU_ACCEL=$QEMU_GUEST_ACCEL
	;;
xen)
	# Xen's PVH dom0 needs an IOMMU.  -icount as the Xen anchor runs it:
	# without it (multi- or single-threaded TCG alike) on 2 CPUs, dom0's
	# processes die of #UD on AVX instructions or wild pointers, and once
	# Xen builds a guest, of "Bad FPU state", even with one dom0 vCPU.
	ELF=build/xen/xen.elf
	HV_ARGS=(-icount shift=0,sleep=off -device amd-iommu -kernel "$ELF"
		-append "console=com1 com1=115200 dom0_mem=1024M dom0=pvh guest_loglvl=all")
	# gnt-loop oopses Xen's dom0 (the init says where), so it is left out
	GNT_ARG=" xlgnt=0"
	;;
*)
	echo "usage: $0 bastion|xen" >&2
	exit 2
	;;
esac
N=xl-$HV-$SCEN-xsd-$XSD-xcd-$XCD
for f in "$ELF" "$KERNEL" "$INITRD"; do
	[ -f "$f" ] || { fail "$N: $f is missing (make test-xl / test-xl-xen build it)"; exit 1; }
done

start=$(date +%s)
qemu_boot "$N" "${XL_TIMEOUT:-2400}" "$NEVER" -cpu "$QEMU_SVM_CPU" -smp 2 "${HV_ARGS[@]}" \
	$XL_QEMU_ARGS -initrd "$KERNEL console=hvc0 xltest=$SCEN xsd=$XSD xcd=$XCD${GNT_ARG:-}${XL_CYCLES:+ xlcycles=$XL_CYCLES}${XL_APPEND:+ $XL_APPEND},$INITRD"
echo "  ($N: QEMU ran $(($(date +%s) - start)) s, log $LOG)"

# out STEP: the output lines of one step of the dom0's /init.
out() { grep -a "^XL-OUT\[$1\] " "$LOG" | sed "s/^XL-OUT\[$1\] //" | tr -d '\r'; }
# rc STEP: the exit status of a step of the dom0's /init, empty if it never ran.
rc() { grep -aoE "XL-STEP: $1 rc=[0-9]+" "$LOG" | head -n 1 | sed 's/.*rc=//'; }
# step_ok STEP DESCRIPTION: the step ran, exited 0 and printed no libxl or
# libxenctrl error (xl exits 0 from some commands that failed); otherwise
# the failure names the step's first line of output.
step_ok() {
	local rc why err
	rc=$(rc "$1")
	err=$(out "$1" | grep -m 1 -E '^(libxl|xc): error')
	if [ "$rc" = 0 ] && [ -z "$err" ]; then
		pass "$N: $2"
		return
	elif [ "$rc" = 0 ]; then
		why="step $1: $err"
	elif [ -n "$rc" ]; then
		why="step $1 exited with $rc$(out "$1" | grep -m 1 . | sed 's/^/: /')"
	elif grep -aq "XL-SKIP: $1" "$LOG"; then
		why="step $1 skipped (an earlier step failed)"
	else
		why="step $1 never ran"
		# (the first such failure says how the run ended: CI shows
		# the failures, not always the QEMU notes printed above)
		if [ -z "$told_end" ]; then
			told_end=1
			why="$why (QEMU status $QEMU_RC; the serial log ends: $(tail -n 5 "$LOG" |
				tr -d '\r' | tr '\n' '|' | cut -c 1-600))"
		fi
	fi
	fail "$N: $2 - $why"
}
# info_field KEY: a value of the first `xl info`.
info_field() { out xl-info | awk -v k="$1" '$1 == k { print $3; exit }'; }
# mem TAG: the free memory (MiB) the dom0 printed at TAG.
mem() { grep -aoE "XL-MEM: $1 total=[0-9]* free=[0-9]*" "$LOG" | head -n 1 | sed 's/.*free=//'; }
# check DESCRIPTION 'TEST': pass when the shell test succeeds; the
# failure shows $got.
check() {
	if eval "$2"; then pass "$N: $1"; else fail "$N: $1 - got '$got'"; fi
}
# watch_count TAG introduce|release: events the dom0's xenstore-watch on
# @introduceDomain/@releaseDomain had printed at TAG (empty if never said).
watch_count() {
	grep -aoE "XL-WATCH: $1 introduce=[0-9]+ release=[0-9]+" "$LOG" | head -n 1 |
		sed -E "s/.*$2=([0-9]+).*/\1/"
}
# xs_domains STEP: our xenstored's introduced domains, "id state" per line.
xs_domains() { out "$1" | grep -E '^[0-9]+ '; }

expect "$N" 'XL-INIT: reached /init' "the dom0 reached the image's /init"
expect "$N" 'XL-HV: type=xen ' "/sys/hypervisor/type says xen"
step_ok modules "xenfs, evtchn, gntdev, gntalloc and privcmd load"
step_ok xenfs "xenfs mounts on /proc/xen"
step_ok xenstored "$XSD_NAME starts"
step_ok xenstore-ready "xenstored answers xenstore-read"
step_ok xen-init-dom0 "xen-init-dom0 sets up dom0's xenstore entries"
step_ok xenbus-kernel "dom0's kernel reaches xenstored over its own ring (/dev/xen/xenbus)"
got=$(out xenbus-kernel | head -n 1)
check "... and reads back Domain-0's name that way" '[ "$got" = Domain-0 ]'
got=$(out daemons | sed -n 's/^xenstored: pid [0-9]* exe //p')
check "the running xenstored is $XSD_NAME ($XSD_EXE)" '[ "$got" = "$XSD_EXE" ]'
step_ok xenconsoled "$XCD_NAME starts"
got=$(out daemons | sed -nE 's/^(xenconsoled|bastion-consoled): pid [0-9]+ exe //p')
check "the running console daemon is $XCD_NAME ($XCD_EXE)" '[ "$got" = "$XCD_EXE" ]'

step_ok xl-info "xl info"
got=$(info_field nr_cpus)
check "xl info: nr_cpus is 2" '[ "$got" = 2 ]'
got=$(info_field total_memory)
check "xl info: total_memory is about the machine's 2048 MiB" '[ "${got:-0}" -ge 1900 ] && [ "${got:-0}" -le 2048 ]'
got=$(info_field free_memory)
check "xl info: free_memory is what dom0's 1024 MiB leave" '[ "${got:-0}" -ge 700 ] && [ "${got:-0}" -le 1100 ]'
# On Xen the version is known; on Bastion it is whatever /sys/hypervisor says.
if [ "$HV" = xen ]; then
	want=4.17
else
	want=$(grep -aoE 'XL-HV: type=[a-z]* version=[0-9]+\.[0-9]+' "$LOG" | head -n 1 | sed 's/.*version=//')
fi
got=$(info_field xen_major).$(info_field xen_minor)
check "xl info: xen_major.xen_minor are the hypervisor's (${want:-unknown})" '[ -n "$want" ] && [ "$got" = "$want" ]'

got=$(info_field cc_compiler)
# (Bastion says gcc; Debian's Xen the triplet's driver, x86_64-linux-gnu-gcc)
check "xl info: cc_compiler names the compiler (XENVER_compile_info)" 'printf %s "$got" | grep -qE "(^|-)gcc$"'

step_ok xl-list "xl list"
got=$(out xl-list | awk '$1 == "Domain-0" { print $2 " " $3 " " $4 }')
check "xl list: Domain-0 is domain 0 with about 1024 MiB and 2 vCPUs" \
	'[[ "$got" =~ ^0\ 10[0-2][0-9]\ 2$ ]]'
step_ok xl-vcpu-list "xl vcpu-list"
got=$(out xl-vcpu-list | awk '$1 == "Domain-0"' | wc -l)
check "xl vcpu-list: Domain-0 has 2 vCPUs" '[ "$got" = 2 ]'
step_ok xl-dmesg "xl dmesg"
got=$(out xl-dmesg | wc -l)
check "xl dmesg prints the hypervisor's log" '[ "$got" -ge 5 ]'
step_ok xl-debug-keys "xl debug-keys q"
got=$(out xl-debug-keys | grep -c "'q' pressed -> dumping domain info")
check "... and xl dmesg shows the hypervisor's domain dump" '[ "$got" -ge 1 ]'
if [ "$HV" != xen ]; then
	got=$(out xl-debug-keys | grep -cE "d0v[01]: (running|runnable|blocked) for [0-9]+ ms on CPU [01]")
	check "... with the scheduling state of both of Domain-0's vCPUs" '[ "$got" -ge 2 ]'
fi
step_ok xl-cpupool-list "xl cpupool-list"
step_ok xl-uptime "xl uptime"
got=$(out xl-uptime | awk '$1 == "Domain-0" { print $2 }')
check "xl uptime lists Domain-0" '[ "$got" = 0 ]'

if [ -n "${GNT_ARG:-}" ]; then
	echo "  (gnt-loop not run on $HV: it oopses Xen 4.17's PVH dom0 in vm_insert_page)"
elif [ "$SCEN" != ours ]; then # xltest=ours leaves gnt-loop to the others
	step_ok gnt-loop "gntalloc and gntdev: dom0 maps the pages it granted, 100 rounds"
	got=$(out gnt-loop | grep -c '^PASS: ')
	check "gnt-loop: writable and read-only grants each behave ($got checks)" '[ "$got" = 7 ]'
	got=$(out gnt-loop | grep -m 1 'rounds,')
	check "gnt-loop: no round failed ($got)" '[ "$got" = "gnt-loop: 100 rounds, 0 failures" ]'
fi
got="$(mem gnt-before) -> $(mem boot)"
check "gnt-loop leaks no memory ($got MiB free)" '[ -n "$(mem boot)" ] && [ "$(mem boot)" -ge $(($(mem gnt-before) - 1)) ]'
# What a xenstore-watch in dom0 saw of domains coming and going.
check_watch_events() {
	local a b
	a=$(watch_count start introduce) b=$(watch_count start release)
	got="introduce=$a release=$b"
	check "a watch on @introduceDomain and @releaseDomain gets its first events" \
		'[ "${a:-0}" -ge 1 ] && [ "${b:-0}" -ge 1 ]'
	b=$(watch_count created introduce)
	got="$a -> $b"
	check "xl create fires @introduceDomain ($got)" '[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]'
	a=$(watch_count before-shutdown release) b=$(watch_count after-shutdown release)
	got="$a -> $b"
	check "the guest's shutdown fires @releaseDomain ($got)" '[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]'
	a=$b b=$(watch_count after-destroy release)
	got="$a -> $b"
	check "xl destroy fires @releaseDomain ($got)" '[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]'
}
# Our xenstored's own view (XS_CONTROL domains): guests come and go.
check_our_domains() {
	local id1 id2
	id1=$(out xl-list-two | awk '$1 == "anchor-pvh" { print $2 }')
	id2=$(out xl-list-two | awk '$1 == "anchor-pvh-2" { print $2 }')
	got=$(xs_domains xs-domains-two | tr '\n' ';')
	check "our xenstored serves dom0 and both guests ($id1, $id2) over their rings" \
		'[ -n "$id1" ] && [ -n "$id2" ] && [[ "$got" == *"0 connected;"* ]] &&
		 [[ ";$got" == *";$id1 connected;"* ]] && [[ ";$got" == *";$id2 connected;"* ]]'
	got=$(xs_domains xs-domains-after-destroy | tr '\n' ';')
	check "a shut-down and a destroyed guest are gone from our xenstored's domains" \
		'[ "$(rc xs-domains-after-destroy)" = 0 ] && [ "$got" = "0 connected;" ]'
	got=$(out xenstored-log | grep -m 1 -oE 'ring (mapped by grant|mapped as foreign frame)')
	check "our xenstored mapped the guests' rings (${got:-no line})" '[ -n "$got" ]'
	got=$(out xenstored-log | grep -m 1 -E 'not mapped as foreign|cannot|failed')
	check "our xenstored's log has no failure" '[ -z "$got" ]'
}

# Our xl (/usr/lib/bastion/xl) beside Debian's: the same output for the
# same domains, and its control commands as Debian's xl then sees them.
check_ours() {
	local c
	for c in list list-one list-l vcpu-list domid domname dmesg info uptime sched-pools; do
		step_ok ours-$c "our xl $c prints what Debian's xl $c prints$(out ours-$c | grep -m 1 '^[<>]' | sed 's/^/ (first difference: /; s/$/)/')"
	done
	step_ok ours-pause "our xl pause"
	got=$(out ours-pause-seen | awk '$1 == "anchor-pvh" { print $5 }')
	check "Debian's xl list then shows the guest paused ($got)" '[[ "$got" == *p* ]]'
	step_ok ours-unpause "our xl unpause"
	got=$(out ours-unpause-seen | awk '$1 == "anchor-pvh" { print $5 }')
	check "Debian's xl list then shows it unpaused ($got)" '[ -n "$got" ] && [[ "$got" != *p* ]]'
	step_ok ours-vcpu-pin "our xl vcpu-pin of the guest's vCPU 0 to CPU 0"
	got=$(out ours-vcpu-pin-seen | awk '$1 == "anchor-pvh" && $3 == 0 { print $7 }')
	check "Debian's xl vcpu-list shows the hard affinity 0 ($got)" '[ "$got" = 0 ]'
	step_ok ours-sched-set "our xl sched-credit2 -w 384"
	got=$(out ours-sched-seen | awk '$1 == "anchor-pvh" { print $3 }')
	check "Debian's xl sched-credit2 reads the weight 384 ($got)" '[ "$got" = 384 ]'
	step_ok ours-mem-max "our xl mem-max 300m"
	got=$(out ours-mem-max-seen | head -n 1)
	check "the guest's memory/static-max is then 300 MiB in KiB ($got)" '[ "$got" = 307200 ]'
	step_ok ours-mem-set "our xl mem-set 250m"
	got=$(out ours-mem-set-seen | head -n 1)
	check "the guest's memory/target is then 250 MiB in KiB ($got)" '[ "$got" = 256000 ]'
	step_ok ours-rename "our xl rename of the guest"
	got=$(out ours-rename-seen | awk '$1 == "ours-renamed" { print $2 }')
	check "Debian's xl list finds it by its new name (id $got)" '[ -n "$got" ]'
	step_ok ours-rename-back "our xl rename back to its first name"
}
check_ours_destroy() {
	local id
	id=$(grep -aoE 'XL-OURS-DESTROY: id=[0-9]+' "$LOG" | head -n 1 | sed 's/.*id=//')
	step_ok ours-destroy-create "Debian's xl creates a paused guest for our xl to destroy"
	step_ok ours-destroy "our xl destroy"
	step_ok ours-destroy-gone "... and the guest is gone (Debian's xl domid no longer finds it)"
	got=$(out ours-destroy-list | awk '$1 == "ours-destroy"')
	check "Debian's xl list no longer shows it" '[ "$(rc ours-destroy-list)" = 0 ] && [ -z "$got" ]'
	if [ "$HV" = bastion ]; then # Xen 4.17 does not log a domain's end
		got=$(grep -acE "(^|[^0-9])d$id: destroyed" "$LOG")
		check "the hv logged d$id: destroyed" '[ -n "$id" ] && [ "$got" -ge 1 ]'
	fi
	got=$(out ours-destroy-xs | tr '\n' ';')
	check "its /local/domain/$id and /libxl/$id are gone from xenstore" '[ -n "$id" ] && [ -z "$got" ]'
}

if [ "$SCEN" = pvh ]; then
	step_ok backend-modules "xen-blkback and loop load"
	step_ok xl-create "xl create of the PVH guest"
	got=$(out xl-list-running | awk '$1 == "anchor-pvh" { print $2 " " $3 }')
	check "xl list shows the running guest with 256 MiB" '[[ "$got" =~ ^[1-9][0-9]*\ 25[0-9]$ ]]'
	got=$(out guest-console | grep -m 1 DOMU-UP)
	check "the guest's /init runs as PVH (its console, through $XCD_NAME)" \
		'[[ "$got" == *"DOMU-UP: type=PVH"* ]]'
	magic=$(out disk | sed -n 's/^magic=//p')
	got=$(out guest-console | grep -m 1 DOMU-BLK)
	check "the guest reads its PV disk (blkback on a loop device) and sees dom0's magic" \
		'[ -n "$magic" ] && [[ "$got" == *"size=67108864 read=67108864 magic=$magic"* ]]'
	got=$(out guest-console | grep -m 1 'DOMU-PROBE: done')
	check "the guest's attempts at privileged and cross-domain operations all fail with Xen's errnos" \
		'[ "$got" = "DOMU-PROBE: done, 0 failed" ]'
	got=$(out guest-console | grep 'DOMU-PROBE: FAIL' | head -n 3 | tr '\n' ';')
	check "no such attempt succeeded or got another error" '[ -z "$got" ]'
	got=$(out guest-console | grep -m 1 'HCALL-GARBAGE: done')
	check "thousands of garbage hypercalls from the guest all return" '[ -n "$got" ]'
	check_ours
	step_ok xl-pause "xl pause of the running guest"
	got=$(out xl-list-paused | awk '$1 == "anchor-pvh" { print $5 }')
	check "xl list shows it paused" '[[ "$got" == *p* ]]'
	step_ok xl-unpause "xl unpause"
	step_ok xl-vcpu-pin "xl vcpu-pin of the guest's vCPU 0 to CPU 1"
	got=$(out xl-vcpu-list-guest | awk '$1 == "anchor-pvh" && $3 == 0 { print $7 }')
	check "xl vcpu-list shows the hard affinity 1" '[ "$got" = 1 ]'
	step_ok xl-sched-set "xl sched-credit2 sets the guest's weight"
	got=$(out xl-sched-get | awk '$1 == "anchor-pvh" { print $3 }')
	check "xl sched-credit2 reads the weight back (512)" '[ "$got" = 512 ]'
	step_ok xl-console "xl console: a line typed in dom0 comes back from the guest"
	step_ok bastion-console "bastion-console (our client): a line typed comes back from the guest"
	step_ok xl-create-2 "a second guest alongside the first"
	got=$(out guest-2-console | grep -m 1 DOMU-IDLE)
	check "the second guest runs too" '[ -n "$got" ]'
	got=$(out xl-list-two | awk '$1 ~ /^(Domain-0|anchor-pvh|anchor-pvh-2)$/ { print $1 }' | tr '\n' ' ')
	check "xl list shows both guests at once" '[ "$got" = "Domain-0 anchor-pvh anchor-pvh-2 " ]'
	step_ok xl-shutdown "xl shutdown -w of the first guest"
	got=$(out guest-console-end | grep -m 1 DOMU-POWEROFF)
	check "the guest saw the shutdown request" '[ -n "$got" ]'
	step_ok guest-gone "the guest is gone after its shutdown"
	got=$(out xl-list-after-shutdown | awk '$1 ~ /^(Domain-0|anchor-pvh|anchor-pvh-2)$/ { print $1 }' | tr '\n' ' ')
	check "xl list then shows Domain-0 and the second guest" '[ "$got" = "Domain-0 anchor-pvh-2 " ]'
	step_ok xl-destroy "xl destroy of the second guest"
	step_ok guest-2-gone "the second guest is gone after xl destroy"
	got=$(out xl-list-after-destroy | awk '$1 ~ /^(Domain-0|anchor-pvh|anchor-pvh-2)$/ { print $1 }' | tr '\n' ' ')
	check "xl list then shows Domain-0 only" '[ "$got" = "Domain-0 " ]'
	check_watch_events
	if [ "$XSD" = ours ]; then check_our_domains; fi
	check_ours_destroy
	before=$(mem boot)
	got=$(mem running)
	check "free memory drops by about 256 MiB while the guest runs ($before -> $got)" \
		'[ -n "$before" ] && [ -n "$got" ] && [ $((before - got)) -ge 256 ] && [ $((before - got)) -le 270 ]'
	got=$(mem after-destroy)
	check "free memory returns once both guests are gone ($before -> $got)" \
		'[ -n "$got" ] && [ "$got" -ge $((before - 1)) ]'
	step_ok cycles "guests created and destroyed over and over"
	a=$(grep -aoE 'XL-CONSFD: start fds=[0-9]+' "$LOG" | sed 's/.*=//')
	b=$(grep -aoE 'XL-CONSFD: after-cycles fds=[0-9]+' "$LOG" | sed 's/.*=//')
	got="$a -> $b"
	check "$XCD_NAME closes every guest's files: as many open after the cycles ($got)" \
		'[ -n "$a" ] && [ "${a:-0}" -gt 0 ] && [ "$a" = "$b" ]'
	got=$(mem after-cycles)
	check "the cycles leak no memory ($before -> $got MiB free)" '[ -n "$got" ] && [ "$got" -ge $((before - 1)) ]'
	cycles=$(out cycles | sed -n 's/^\([0-9]*\) cycles$/\1/p')
	if [ "$HV" = bastion ]; then
		# Exact: the hv's free pages as each cycle's domain is freed.
		frees=$(grep -aoE 'd[0-9]+: destroyed, [0-9]+ pages free' "$LOG" | awk '{ print $3 }' | tail -n "${cycles:-1}")
		first=$(echo "$frees" | head -n 1) last=$(echo "$frees" | tail -n 1) got="$first -> $last"
		check "after $cycles cycles the hv has as many free pages as after the first ($got)" \
			'[ -n "$cycles" ] && [ "$(echo "$frees" | wc -l)" = "$cycles" ] && [ "${last:-0}" -ge "${first:-1}" ]'
	fi
	a=$(watch_count after-destroy introduce) b=$(watch_count after-cycles introduce)
	c=$(watch_count after-destroy release) d=$(watch_count after-cycles release)
	got="$cycles cycles: introduce $a -> $b, release $c -> $d"
	check "each cycle fires @introduceDomain and @releaseDomain ($got)" \
		'[ -n "$cycles" ] && [ -n "$b" ] && [ -n "$d" ] && [ $((b - a)) -ge "$cycles" ] && [ $((d - c)) -ge "$cycles" ]'
	if [ "$XSD" = ours ]; then
		got=$(xs_domains xs-domains-after-cycles | tr '\n' ';')
		check "after the cycles our xenstored serves dom0 alone" '[ "$got" = "0 connected;" ]'
	fi
fi

[ "$SCEN" = ours ] && . tests/integration/xl/ours-checks.sh

expect "$N" "XL-DONE: scenario=$SCEN failed_steps=0 " "every step of the scenario succeeded"
expect_not "$N" 'XL-WATCHDOG' "the dom0's watchdog did not fire"
if [ "$QEMU_RC" != 124 ]; then pass "$N: dom0's power-off ended QEMU"
else fail "$N: dom0's power-off ended QEMU - timed out"; fi
expect_not "$N" 'Kernel panic|BUG:|Oops|PANIC|FATAL PAGE FAULT' "no hypervisor or kernel crash"
exit $integ_failed

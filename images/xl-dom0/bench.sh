# xltest=bench, sourced by the xl test dom0's /init (installed as
# /xl-bench.sh) once the toolstack is up; uses its step, xlinfo_mem, XL,
# XEN and GUEST.  tests/bench/xl/run.sh reads the XL-BENCH lines.
#
# 1. xl create of the PVH guest (the Xen anchor's configuration, its PV
#    disk included), the guest's /init prints its CLOCK_REALTIME
#    (domu-init, DOMU-UP ... wall=); dom0's CLOCK_REALTIME is read just
#    before and after xl create, and when the guest's DOMU-UP line shows
#    up in xenconsoled's log (polled every 0.2 s).  Then the same for a
#    second guest from the same kernel (destroyed again).
# 2. With that guest idle, xlbenchn-1 more (xlbenchn=N on the kernel
#    command line, default 3 guests in all) are created paused; xl info,
#    physinfo (free pages, exact) and xentop (each guest's pages) before
#    and after.
n_guests=$(arg xlbenchn 3)
# xlbenchxl=ours: our own xl (appliance/xl) creates and destroys the
# guests, without the PV disk (no block backend yet).
NODISK=()
if [ "$(arg xlbenchxl debian)" = ours ]; then
	XL=(/usr/lib/bastion/xl)
	NODISK=('disk=[]')
fi
wall() { date +%s.%N; }

step backend-modules 60 bash -c 'modprobe -v xen-blkback && modprobe -v loop'
sh_step disk 30 "mkdir -p /var/lib/xen/blk && mount -t tmpfs -o size=80m tmpfs /var/lib/xen/blk &&
	dd if=/dev/zero of=/var/lib/xen/blk/blk.img bs=1M count=64 2>/dev/null"
CONS=/var/log/xen/console/guest-$GUEST.log
xlinfo_mem bench-none
echo "XL-BENCH: physinfo none $(/usr/local/bin/physinfo 2>&1)"
step xl-list-none 60 "${XL[@]}" list
sync

# timed_create TAG NAME ARGS...: xl create ARGS, then waits for the
# guest's DOMU-UP in its console log; XL-BENCH: createTAG / domuTAG lines.
timed_create() {
	local tag=$1 cons=/var/log/xen/console/guest-$2.log w0 w1 w2=none rc
	shift 2
	w0=$(wall)
	"${XL[@]}" create "$@" >/tmp/create.out 2>&1
	rc=$?
	w1=$(wall)
	sed "s/^/XL-OUT[bench-create$tag] /" /tmp/create.out
	for i in $(seq 1500); do # up to 300 s of guest time
		grep -q DOMU-UP "$cons" 2>/dev/null && { w2=$(wall); break; }
		sleep 0.2
	done
	echo "XL-BENCH: create$tag rc=$rc dom0_wall_before=$w0 dom0_wall_after=$w1 dom0_wall_seen=$w2"
	echo "XL-BENCH: domu$tag $(grep -m 1 DOMU-UP "$cons" 2>/dev/null)"
}
export XL_TIMING=1 # our xl: how long each phase of create takes (Debian's ignores it)
timed_create "" "$GUEST" "/etc/xen/$GUEST.cfg" 'extra="console=hvc0 quiet"' "${NODISK[@]}"
# 1b. Another guest from the same kernel, the first one running: our xl
#     then loads the kernel it unpacked the first time.
timed_create 2 bench-again "/etc/xen/$GUEST.cfg" 'name="bench-again"' 'disk=[]' 'extra="console=hvc0 quiet"'
step bench-again-destroy 120 "${XL[@]}" destroy bench-again

for i in $(seq 2 "$n_guests"); do
	step "bench-create-$i" 300 "${XL[@]}" create -p "/etc/xen/$GUEST.cfg" "name=\"bench-$i\"" 'disk=[]'
done
xlinfo_mem bench-guests
echo "XL-BENCH: physinfo guests $(/usr/local/bin/physinfo 2>&1)"
step bench-xl-list 60 "${XL[@]}" list
step bench-xentop 60 "$XEN/xentop" -b -i 1
echo "XL-BENCH: guests n=$n_guests"

for d in "$GUEST" $(seq -f 'bench-%g' 2 "$n_guests"); do
	step "bench-destroy-$d" 120 "${XL[@]}" destroy "$d"
done
xlinfo_mem bench-after
echo "XL-BENCH: physinfo after $(/usr/local/bin/physinfo 2>&1)"

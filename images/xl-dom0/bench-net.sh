# xltest=bench-net, sourced by the xl test dom0's /init (installed as
# /xl-bench-net.sh) once the toolstack is up; uses its step, sh_step, skip,
# arg, gone, XEN and GUEST.  tests/bench/xl/net.sh reads the XL-NETBENCH lines.
#
# A PVH guest (the anchor's configuration, no disk, one vif on dom0's
# bridge xenbr0 10.0.0.1/24; its eth0 10.0.0.2/24) sends netmib= MiB
# (default 64) of zeros by TCP to a busybox nc in dom0 that counts and
# discards them (tx), then takes as many from dom0 (rx), and prints how long
# each took on its own clock (domu-init, netbench=1).  The cases, in the
# order of netcases= on the kernel command line, +-separated (default all):
#   deb-bridge   Debian's xl, Linux's kernel netback (xen-netback) and Xen's
#                vif-bridge hotplug script
#   ours-bridge  our xl (/usr/lib/bastion/xl), bastion-dm's qnic backend (a
#                tap on the same bridge)
OXL=/usr/lib/bastion/xl
cases=$(arg netcases deb-bridge+ours-bridge)
mib=$(arg netmib 64)

step bench-net-bridge 60 bash /xl-net.sh bridge
step backend-modules 60 modprobe -v xen-netback
# vif-bridge runs ip and brctl; this image has them only as busybox applets
# (no iproute2, no bridge-utils), in a directory of libxl's PATH.
sh_step bench-net-tools 10 'for t in ip brctl; do command -v $t >/dev/null || ln -s /bin/busybox /usr/sbin/$t; done; command -v ip brctl'

# net_case CASE XL: one guest through the case, its lines copied as
# XL-NETBENCH: CASE ... (tx with the bytes dom0 counted, dom0_bytes=).
net_case() {
	local c=$1 xl=$2 name=net-$1 cons rcvd
	cons=/var/log/xen/console/guest-net-$1.log
	if step "net-$c-create" 300 "$xl" create "/etc/xen/$GUEST.cfg" "name=\"$name\"" 'disk=[]' \
		'vif=["bridge=xenbr0"]' "extra=\"console=hvc0 quiet netbench=1 netmib=$mib\""; then
		# The guest retries each second until these listen.  The sink's
		# stdin is a FIFO nobody writes: at EOF nc would half-close, and
		# the guest's nc stops at the first EOF it reads.
		sh_step "net-$c-tx" 400 "rm -f /tmp/nb-hold && mkfifo /tmp/nb-hold && exec 3<>/tmp/nb-hold &&
			timeout 300 busybox nc -l -p 5003 <&3 | wc -c | tee /tmp/nb-rcvd"
		sh_step "net-$c-rx" 400 "dd if=/dev/zero bs=1M count=$mib 2>/dev/null | timeout 300 busybox nc -l -p 5004 >/dev/null"
		sh_step "net-$c-guest" 300 "for i in \$(seq 600); do grep -q 'DOMU-NETBENCH: done' $cons 2>/dev/null && break; sleep 0.5; done;
			grep -E 'DOMU-(UP|NET)' $cons; grep -q 'DOMU-NETBENCH: done' $cons"
		rcvd=$(cat /tmp/nb-rcvd 2>/dev/null)
		grep 'DOMU-NETBENCH: op=' "$cons" | tr -d '\r' | sed -e "s/^.*DOMU-NETBENCH: /XL-NETBENCH: case=$c /" \
			-e "/ op=tx /s/\$/ dom0_bytes=${rcvd:-?}/"
		step "net-$c-destroy" 120 "$xl" destroy "$name"
		sh_step "net-$c-gone" 90 "$(gone "$name")"
	else
		skip "net-$c-tx" "net-$c-rx" "net-$c-guest" "net-$c-destroy" "net-$c-gone"
	fi
	rm -f /tmp/nb-rcvd
	sh_step "net-$c-after" 30 "ls /sys/class/net/xenbr0/brif; pidof bastion-dm; tail -n 5 /var/log/xen/xen-hotplug.log 2>/dev/null;
		grep -h 'qnic' /var/log/xen/bastion-dm-$name.log 2>/dev/null | head -5; true"
}

for c in ${cases//+/ }; do
	case $c in
	deb-bridge) net_case deb-bridge "$XEN/xl" ;;
	ours-bridge) net_case ours-bridge "$OXL" ;;
	*) echo "XL-NETBENCH: unknown case $c" ;;
	esac
done

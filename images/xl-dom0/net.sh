#!/bin/bash
# The dom0 side of ours.sh's network steps (bash /xl-net.sh WHAT ...), one
# subcommand a step, so the steps need no nested quoting:
#   bridge             modules, bridge xenbr0 with 10.0.0.1/24, up
#   to-guest LOG       4 MiB of random bytes to the guest's nc on port 5001;
#                      the guest's DOMU-NET-RX line (in its console LOG)
#                      must carry the same md5
#   from-guest LOG     the guest's 4 MiB to our nc on port 5002; its
#                      DOMU-NET-TX line must carry the md5 we received
#   tap-gone IFNAME    waits up to 30 s for the tap to vanish
#   port-closed PORT   waits up to 30 s until nothing accepts on 127.0.0.1:PORT
#   httpd              1 MiB of random bytes served by busybox httpd on
#                      dom0's loopback only, 127.0.0.1:8081/file
#   slirp-dhcp LOG     the guest's DOMU-SLIRP-DHCP line: leased 10.0.2.15,
#                      router 10.0.2.2, DNS 10.0.2.3 (QEMU's user defaults)
#   slirp-get LOG      its DOMU-SLIRP-GET line: the md5 of httpd's file,
#                      which it fetched from 10.0.2.2:8081
#   slirp-fwd LOG      the guest's file (DOMU-SLIRP-SERVE) fetched through
#                      the hostfwd 127.0.0.1:8082 -> guest port 80, same md5
set -o pipefail
BYTES=4194304

# wait_line LOG PATTERN: up to 120 s for a line of the guest's console.
wait_line() {
	for _ in $(seq 240); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	echo "no '$2' line from the guest; its console ends:"
	tail -n 20 "$1"
	return 1
}

# rate SECONDS: what BYTES in that time make, in MB/s.
rate() {
	awk -v b=$BYTES -v s="$1" 'BEGIN { if (s > 0) printf "%.2f MB/s", b / s / 1e6; else print "?" }'
}

case $1 in
bridge)
	modprobe -v bridge && modprobe -v tun || exit
	busybox brctl addbr xenbr0 && echo 0 >/sys/class/net/xenbr0/bridge/forward_delay &&
		busybox ip addr add 10.0.0.1/24 dev xenbr0 && busybox ip link set xenbr0 up &&
		busybox ip addr show xenbr0 && ls -l /dev/net/tun
	;;
to-guest)
	dd if=/dev/urandom of=/tmp/net-file bs=64k count=64 2>/dev/null || exit
	sum=$(md5sum </tmp/net-file | cut -d' ' -f1)
	echo "sent: bytes=$BYTES md5=$sum"
	ok=
	for _ in $(seq 60); do
		t0=$(date +%s.%N)
		busybox nc 10.0.0.2 5001 </tmp/net-file 2>/dev/null && ok=1 && break
		sleep 1
	done
	t1=$(date +%s.%N)
	[ -n "$ok" ] || { echo "the guest never accepted the connection"; exit 1; }
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "dom0 -> guest: $secs s, $(rate "$secs")"
	wait_line "$2" DOMU-NET-RX || exit
	grep DOMU-NET-RX "$2"
	grep -q "DOMU-NET-RX: bytes=$BYTES md5=$sum" "$2"
	;;
from-guest)
	t0=$(date +%s.%N)
	# stdin a FIFO nobody writes: nc half-closes at its stdin's EOF, and
	# the guest's sending nc stops at the first EOF it reads
	rm -f /tmp/net-hold && mkfifo /tmp/net-hold && exec 3<>/tmp/net-hold || exit
	timeout 200 busybox nc -l -p 5002 <&3 >/tmp/net-in || exit
	t1=$(date +%s.%N)
	sum=$(md5sum </tmp/net-in | cut -d' ' -f1)
	echo "received: bytes=$(wc -c </tmp/net-in) md5=$sum (listening $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s)"
	wait_line "$2" DOMU-NET-TX || exit
	line=$(grep DOMU-NET-TX "$2")
	echo "$line"
	cs=$(echo "$line" | sed -n 's/.*centisecs=\([0-9]*\).*/\1/p')
	echo "guest -> dom0: $(rate "$(awk -v c="$cs" 'BEGIN { print c / 100 }')") (the guest's clock)"
	echo "$line" | grep -q "bytes=$BYTES md5=$sum "
	;;
httpd)
	busybox ip link set lo up && mkdir -p /tmp/slirp-www &&
		dd if=/dev/urandom of=/tmp/slirp-www/file bs=64k count=16 2>/dev/null &&
		busybox httpd -p 127.0.0.1:8081 -h /tmp/slirp-www || exit
	echo "serving: bytes=$(wc -c </tmp/slirp-www/file) md5=$(md5sum </tmp/slirp-www/file | cut -d' ' -f1)"
	busybox wget -q -O - http://127.0.0.1:8081/file | md5sum
	;;
slirp-dhcp)
	wait_line "$2" DOMU-SLIRP-DHCP || exit
	grep DOMU-SLIRP-DHCP "$2"
	grep -q "DOMU-SLIRP-DHCP: rc=0 ip=10.0.2.15 mask=24 router=10.0.2.2 dns=10.0.2.3" "$2"
	;;
slirp-get)
	sum=$(md5sum </tmp/slirp-www/file | cut -d' ' -f1)
	echo "dom0's file: md5=$sum"
	wait_line "$2" DOMU-SLIRP-GET || exit
	grep DOMU-SLIRP-GET "$2"
	grep -q "DOMU-SLIRP-GET: bytes=1048576 md5=$sum " "$2"
	;;
slirp-fwd)
	wait_line "$2" DOMU-SLIRP-SERVE || exit
	line=$(grep DOMU-SLIRP-SERVE "$2" | tr -d '\r') # (the console's lines end in CR LF)
	echo "$line"
	ok=
	for _ in $(seq 30); do
		busybox wget -q -O /tmp/slirp-fwd http://127.0.0.1:8082/file 2>/dev/null && ok=1 && break
		sleep 1
	done
	[ -n "$ok" ] || { echo "nothing answered on 127.0.0.1:8082"; exit 1; }
	sum=$(md5sum </tmp/slirp-fwd | cut -d' ' -f1)
	echo "fetched through the hostfwd: bytes=$(wc -c </tmp/slirp-fwd) md5=$sum"
	echo "$line" | grep -q "bytes=1048576 md5=$sum$"
	;;
port-closed)
	# nothing may accept on 127.0.0.1:$2 any more
	for _ in $(seq 60); do
		(exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null || { echo "127.0.0.1:$2 is closed"; exit 0; }
		sleep 0.5
	done
	echo "127.0.0.1:$2 still accepts"
	exit 1
	;;
tap-gone)
	for _ in $(seq 60); do
		[ -e "/sys/class/net/$2" ] || { echo "$2 is gone"; exit 0; }
		sleep 0.5
	done
	echo "$2 still exists"
	exit 1
	;;
*)
	echo "usage: $0 bridge|to-guest LOG|from-guest LOG|tap-gone IFNAME|httpd|slirp-dhcp LOG|slirp-get LOG|slirp-fwd LOG|port-closed PORT" >&2
	exit 2
	;;
esac

# Checks of xltest=ours (images/xl-dom0/ours.sh), sourced by run.sh: our
# xl builds the same guest Debian's xl builds, with the xenstore layout
# Debian's tools expect, and acts on its shutdown and reboot.
step_ok ours-create "our xl create builds the PVH guest from Debian's xl.cfg"
step_ok ours-guest-console "the guest our xl built reaches /init and talks on its console (Debian's xenconsoled)"
check "the guest says it runs as a PVH domU" 'out ours-guest-console | grep -q "DOMU-UP: type=PVH"'
check "our xl keeps the kernel it unpacked (one file in /var/cache/bastion/kernels)" \
	'[ "$(out ours-kcache | grep -c "\.elf$")" = 1 ]'
step_ok ours-list "our xl list runs"
check "our xl list shows the guest" 'out ours-list | grep -qE "^anchor-pvh +[0-9]+ +25[0-9] +1 "'
check "Debian's xl list shows the guest our xl made, by name" 'out ours-debian-list | grep -qE "^anchor-pvh +[0-9]+ "'
# (running or blocked, the state's first two letters, changes between the two runs)
got=$(out ours-list | awk '{ print $1, $2, $3, $4, substr($5, 3) }' | tr '\n' ';')
want=$(out ours-debian-list | awk '{ print $1, $2, $3, $4, substr($5, 3) }' | tr '\n' ';')
check "our xl list prints what Debian's prints (but the CPU time and whether a domain runs or blocks)" '[ -n "$got" ] && [ "$got" = "$want" ]'
got=$(out ours-list-l | grep -v '^\(libxl\|xl\): ')
want=$(out ours-debian-list-l | grep -v '^\(libxl\|xl\): ')
check "our xl list -l prints what Debian's xl list -l prints for dom0 and the guest our xl made" \
	'[ -n "$got" ] && echo "$want" | grep -q "\"name\": \"anchor-pvh\"" && [ "$got" = "$want" ]'
check "the guest's console node is the console daemon's pty" \
	'out ours-xenstore | grep -qE "^/local/domain/[0-9]+/console/tty = \"/dev/pts/[0-9]+\""'
check "the guest's frontend nodes are read-only for it" \
	'out ours-xenstore | grep -qE "^/local/domain/[0-9]+/console = \"\" +\(n0,r[0-9]+\)$"'
check "the guest's store ring is at the magic page 0xfeffc" \
	'out ours-xenstore | grep -qE "^/local/domain/[0-9]+/store/ring-ref = \"1044476\""'
check "libxl's type node says pvh" 'out ours-xenstore | grep -qE "^/libxl/[0-9]+/type = \"pvh\""'
step_ok ours-vcpu-list "our xl vcpu-list shows the guest's vCPU"
step_ok ours-console "Debian's xl console reaches the guest our xl made, both ways"
step_ok ours-xl-console "our xl console reaches it too, both ways"
step_ok ours-state-boot "the guest boots with one of its two vCPUs (maxvcpus=2) and reports its state"
step_ok ours-vcpu-set-2 "our xl vcpu-set 2"
step_ok ours-vcpu-seen-2 "... and inside the guest the second vCPU appears and comes online"
step_ok ours-vcpu-set-1 "our xl vcpu-set 1"
step_ok ours-vcpu-seen-1 "... and inside the guest the second vCPU goes away"
step_ok ours-mem-set-g "our xl mem-set 200m"
step_ok ours-mem-seen-g "... and inside the guest the balloon driver's target drops to just under 204800 KiB and its reservation follows"
check "Debian's xl list shows the guest at 200 MiB after the balloon gave memory back" \
	'out ours-mem-list | grep -qE "^anchor-pvh +[0-9]+ +200 +1 "'
step_ok ours-shutdown "our xl shutdown -w waits for the guest to power off"
step_ok ours-gone "after on_poweroff=destroy the guest is gone"
check "the watcher logged the guest's power-off and destroyed it" \
	'out ours-watcher-log | grep -q "Action for shutdown reason code 0 is destroy"'
step_ok ours-create-r "our xl create with on_reboot=restart"
step_ok ours-boot-r "that guest boots"
step_ok ours-reboot "our xl reboot asks it to reboot"
step_ok ours-restarted "the rebooted guest is built again and boots (on_reboot=restart)"
check "the watcher logged the reboot and the restart" \
	'out ours-restarted | grep -q "Action for shutdown reason code 1 is restart" && out ours-restarted | grep -q "Rebooting now"'
step_ok ours-destroy "our xl destroy ends the restarted guest"
step_ok ours-gone-r "and it is gone"
for tag in zstd gzip elf; do
	case $tag in
	zstd) what="Debian's 6.12 kernel, a zstd bzImage" ver='6\.12\.' ;;
	gzip) what="the 6.1 kernel as a gzip bzImage" ver='6\.1\.' ;;
	elf) what="the 6.1 kernel's ELF vmlinux" ver='6\.1\.' ;;
	esac
	step_ok ours-kernel-$tag "our xl create with $what"
	step_ok ours-kernel-$tag-init "... which boots as a PVH domU to /init"
	check "... and the kernel running there is the one given ($ver)" \
		"out ours-kernel-$tag-init | grep -qE 'DOMU-UP: type=PVH .* kernel=$ver'"
	step_ok ours-kernel-$tag-destroy "our xl destroy of that guest"
done
step_ok ours-blk-image "disk images: raw with a magic string, a qcow2 over a qcow2 backing file, small raw ones"
step_ok ours-blk-create "our xl create with three disk= entries (qdisk, served by bastion-dm)"
step_ok ours-blk-guest "the guest boots with its PV disks"
bmagic=$(out ours-blk-image | sed -n 's/^magic=//p')
check "the guest's xen-blkfront reads the magic string and the whole 16 MiB raw disk through bastion-dm" \
	'[ -n "$bmagic" ] && out ours-blk-guest | grep -q "DOMU-BLK: size=16777216 read=16777216 magic=$bmagic"'
wrote=$(out ours-blk-guest | sed -n 's/.*DOMU-BLKW: wrote=\([0-9a-f]*\) .*/\1/p')
check "the guest writes 1 MiB, flushes, and reads the same bytes back" \
	'[ -n "$wrote" ] && out ours-blk-guest | grep -q "DOMU-BLKW: wrote=$wrote read=$wrote"'
check "the qcow2 disk shows the guest its backing file's data" \
	'[ -n "$bmagic" ] && out ours-blk-guest | grep -q "DOMU-BACKING: backing-$bmagic"'
tree=$(out ours-blk-guest | sed -n 's/.*DOMU-FS: tree=\([0-9a-f]*\) .*/\1/p')
check "the guest makes an ext4 on the qcow2 disk, writes a file tree and reads the same tree back after a remount" \
	'[ -n "$tree" ] && out ours-blk-guest | grep -q "DOMU-FS: tree=$tree again=$tree "'
check "fstrim in the guest discards the deleted 16 MiB file" \
	'out ours-blk-guest | grep -qE "DOMU-FS: .*fstrim: /mnt: .*[0-9]+ bytes.*trimmed"'
check "the read-only disk is read-only in the guest and refuses its write" \
	'out ours-blk-guest | grep -q "DOMU-RO: getro=1 write=refused"'
check "the backends are connected (state 4) with the frontends' rings and event channels" \
	'out ours-blk-xenstore | grep -qE "^/local/domain/0/backend/qdisk/[0-9]+/51712/state = \"4\"" &&
	 out ours-blk-xenstore | grep -qE "^/local/domain/0/backend/qdisk/[0-9]+/51728/state = \"4\"" &&
	 out ours-blk-xenstore | grep -qE "^/local/domain/[0-9]+/device/vbd/51712/(queue-0/)?ring-ref = "'
check "bastion-dm offers 4 queues and the 2-vCPU guest's blkfront asks for 2 (queue-0/ and queue-1/ keys)" \
	'out ours-blk-xenstore | grep -qE "^/local/domain/0/backend/qdisk/[0-9]+/51712/multi-queue-max-queues = \"4\"" &&
	 out ours-blk-xenstore | grep -qE "^/local/domain/[0-9]+/device/vbd/51712/multi-queue-num-queues = \"2\"" &&
	 out ours-blk-xenstore | grep -qE "^/local/domain/[0-9]+/device/vbd/51712/queue-1/event-channel = "'
check "the read-only disk's backend says so to the frontend (info 4 = VDISK_READONLY)" \
	'out ours-blk-xenstore | grep -qE "^/local/domain/0/backend/qdisk/[0-9]+/51744/info = \"4\""'
step_ok ours-blk-attach "our xl block-attach of a fourth, read-only disk to the running guest"
step_ok ours-blk-attached "... whose backend the guest's blkfront connects to (state 4)"
step_ok ours-blk-list "our xl block-list prints what Debian's prints for the guest's four disks"
check "... and lists all four" '[ "$(out ours-blk-list | grep -cE "^517(12|28|44|60) ")" = 4 ]'
step_ok ours-blk-detach "our xl block-detach: the backend closes with the frontend and the nodes go"
step_ok ours-blk-detached "... and the guest is left with its three disks"
check "... which block-list shows" '[ "$(out ours-blk-detached | grep -cE "^517")" = 3 ]'
step_ok ours-blk-shutdown "our xl shutdown -w of the guest with disks"
step_ok ours-blk-gone "it is gone"
step_ok ours-blk-dm-gone "and its bastion-dm exits"
check "the raw image file holds the bytes the guest wrote" \
	'[ -n "$wrote" ] && [ "$(out ours-blk-file | head -n 1)" = "$wrote" ]'
check "bastion-dm connected each of the guest's three disks with 2 queues" \
	'[ "$(out ours-blk-file | grep -cE "qdisk dom[0-9]+/517(12|28|44): 2 queues of ")" -ge 3 ]'
check "bastion-dm did the raw disks' I/O through io_uring (Debian's 6.1 kernel has it), the rest on threads" \
	'out ours-blk-file | grep -qE "disk I/O through io_uring\+threads"'
check "... and the guest used the second queue: requests answered on some disk's queue 1" \
	'out ours-blk-file | grep -qE "qdisk dom[0-9]+/517[0-9]+: queue 1: [1-9][0-9]* requests answered"'
step_ok ours-blk-qcheck "qemu-img check finds the qcow2 and its backing file clean"
check "... and after the trim less than 14 of the qcow2's 64 MiB is allocated (16 MiB were written and deleted)" \
	'n=$(out ours-blk-qcheck | sed -n "s|^\([0-9]*\)/1024 = .* allocated.*|\1|p" | head -n 1); [ -n "$n" ] && [ "$n" -lt 224 ]'
step_ok ours-blk-dom0-tree "dom0 copies the file tree out of the guest's ext4 in the qcow2 (debugfs)"
check "... and reads the same file tree the guest wrote" \
	'[ -n "$tree" ] && [ "$(out ours-blk-dom0-tree | tail -n 1)" = "$tree" ]'
step_ok ours-blk-refused "a disk whose image is missing is refused before a domain is built"
step_ok ours-net-bridge "dom0 makes bridge xenbr0 (10.0.0.1/24) with the bridge and tun modules"
step_ok ours-net-create "our xl create with vif=['bridge=xenbr0'] (qnic, served by bastion-dm)"
step_ok ours-net-guest "the guest's xen-netfront brings eth0 up and pings dom0 (3 of 3 answered)"
check "... with a MAC of Xen's 00:16:3e range" 'out ours-net-guest | grep -qE "DOMU-NET-UP: mac=00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2} inet 10\.0\.0\.2/24"'
check "the backend connected (state 4) and its tap vif<id>.0 sits on xenbr0 with MAC fe:ff:ff:ff:ff:ff" \
	'out ours-net-tap | grep -qE "^/local/domain/0/backend/qnic/[0-9]+/0/state = \"4\"" &&
	 out ours-net-tap | grep -q "^fe:ff:ff:ff:ff:ff$" && out ours-net-tap | grep -qE "vif[0-9]+\.0"'
step_ok ours-net-ping "dom0 pings the guest"
step_ok ours-net-to-guest "4 MiB from dom0 to the guest by TCP arrive with the same md5"
step_ok ours-net-from-guest "4 MiB from the guest to dom0 by TCP arrive with the same md5"
step_ok ours-net-attach "our xl network-attach of a second NIC to the running guest"
step_ok ours-net-attached "... whose backend the guest's netfront connects to (state 4), its tap there"
step_ok ours-net-list "our xl network-list prints what Debian's prints for the guest's two NICs"
check "... and lists both" '[ "$(out ours-net-list | grep -cE "^[01] +0 +00:16:3e")" = 2 ]'
step_ok ours-net-detach "our xl network-detach: the backend closes with the frontend and the nodes go"
step_ok ours-net-detached "... its tap is gone and the guest keeps its first NIC"
step_ok ours-net-destroy "our xl destroy of the guest takes its tap away"
step_ok ours-net-dm-gone "and its bastion-dm exits"
check "the 2-vCPU guest's netfront connected its NIC with 2 queues (queue-1/ keys; bastion-dm logged it)" \
	'out ours-net-tap | grep -qE "^/local/domain/[0-9]+/device/vif/0/multi-queue-num-queues = \"2\"" &&
	 out ours-net-tap | grep -qE "^/local/domain/[0-9]+/device/vif/0/queue-1/event-channel = " &&
	 out ours-net-dm-log | grep -qE "qnic dom[0-9]+/0: 2 queues; frames to the guest go to queue 0"'
check "... every frame for the guest went to queue 0: queue 1 received none, queue 0 the 4 MiB" \
	'out ours-net-dm-log | grep -qE "qnic dom[0-9]+/0: queue 1: tx [0-9]+ packets .* rx 0 packets" &&
	 out ours-net-dm-log | grep -qE "qnic dom[0-9]+/0: queue 0: tx [0-9]+ packets .* rx [0-9]{4,} packets [0-9]{7,} bytes"'
step_ok ours-chan-create "our xl create with a socket channel and a pty channel (channel=, served by bastion-dm)"
step_ok ours-chan-talk "dom0's client on the channel's unix socket reads the guest's line from /dev/hvc1 and answers"
check "... the guest's line came through whole" 'out ours-chan-talk | grep -qE "^from the guest: hello-from-domU [0-9]+$"'
step_ok ours-chan-guest "the guest reads dom0's answer on /dev/hvc1 (Linux's hvc_xen frontend in a PVH domU)"
step_ok ours-chan-pty "our xl console -n 2 reaches the guest's /dev/hvc2 through the pty channel, both ways"
check "the channels' backends are the libxl layout, the socket's path and the pty's tty in place" \
	'out ours-chan-xenstore | grep -qE "/backend/console/[0-9]+/1/connection = \"socket\"" &&
	out ours-chan-xenstore | grep -qE "/backend/console/[0-9]+/1/path = \"/tmp/ours-chan.sock\"" &&
	out ours-chan-xenstore | grep -qE "/device/console/1/name = \"org.bastion.test\" +\(n0,r[0-9]+\)" &&
	out ours-chan-xenstore | grep -qE "/device/console/1/type = \"ioemu\"" &&
	out ours-chan-xenstore | grep -qE "/device/console/2/tty = \"/dev/pts/[0-9]+\""'
step_ok ours-chan-destroy "our xl destroy of the channel guest"
step_ok ours-chan-dm-log "its bastion-dm exits and removes the socket"
check "bastion-dm logged the socket, the pty and both consoles connected" \
	'out ours-chan-dm-log | grep -q "listening at /tmp/ours-chan.sock" && out ours-chan-dm-log | grep -q "pty /dev/pts/" &&
	[ "$(out ours-chan-dm-log | grep -c "console dom[0-9]*/[12]: connected")" = 2 ]'
step_ok ours-resize-image "dom0 makes an 8 MiB raw image"
step_ok ours-resize-create "our xl create of a guest with it as xvda"
step_ok ours-resize-seen-8m "the guest sees xvda with 16384 sectors"
step_ok ours-resize-grow "qemu-img resize to 16 MiB, then SIGHUP to the guest's bastion-dm"
step_ok ours-resize-seen-16m "the guest's xen-blkfront sees the new size online: /sys/block/xvda/size 32768"
check "... and the backend's sectors key says 32768" '[ "$(out ours-resize-seen-16m | grep -E "^[0-9]+$" | tail -n 1)" = 32768 ]'
step_ok ours-resize-destroy "our xl destroy of the resized guest"
step_ok ours-resize-dm-log "bastion-dm logged the resize (16384 -> 32768 sectors) and exited"
step_ok ours-slirp-refused "our xl refuses vif net=slirp naming the key and entry, and builds nothing"
step_ok ours-slirp-httpd "dom0 serves 1 MiB with busybox httpd on its loopback (127.0.0.1:8081)"
step_ok ours-slirp-create "our xl create with vif=['net=user,hostfwd=tcp:127.0.0.1:8082-:80'] (libslirp in bastion-dm)"
step_ok ours-slirp-dhcp "the guest's udhcpc leases 10.0.2.15, router 10.0.2.2, DNS 10.0.2.3 from slirp"
step_ok ours-slirp-backend "its backend has net=user and the hostfwd, and no tap was made"
check "... the backend dir says net = user and hostfwd" \
	'out ours-slirp-backend | grep -qE "/0/net = \"user\"" && out ours-slirp-backend | grep -q "hostfwd = \"tcp:127.0.0.1:8082-:80\""'
step_ok ours-slirp-get "the guest fetches dom0's loopback-only file from 10.0.2.2:8081, same md5"
step_ok ours-slirp-fwd "dom0 fetches the guest's file through the hostfwd 127.0.0.1:8082, same md5"
step_ok ours-slirp-destroy "our xl destroy of the slirp guest"
step_ok ours-slirp-dm-gone "and its bastion-dm exits"
step_ok ours-slirp-fwd-closed "... closing the forwarded port 8082"
check "bastion-dm logged its slirp stack and the hostfwd" \
	'out ours-slirp-dm-log | grep -q "user networking 10.0.2.0/24" && out ours-slirp-dm-log | grep -q "hostfwd tcp:127.0.0.1:8082-:80"'
step_ok ours-hostile-images "hostile frontend: an 8 MiB raw target, a read-only disk and a bystander disk"
step_ok ours-hostile-create "our xl create of the guest whose blk-hostile plays blkfront"
step_ok ours-hostile-dm-pid "bastion-dm serves it"
step_ok ours-hostile-guest "blk-hostile: every garbage request gets the answer it must (ERROR/EOPNOTSUPP, or a stopped ring), the device works after each class"
for class in "duplicate id 7" "id 2^64-1" "read with nr_segments 0" "read with nr_segments 12" "flush carrying 12 segments" \
	"indirect read of 257 segments" "indirect read of 0 segments" "indirect page gref" "read into gref 0xffffffff" \
	"read into a read-only grant" "read segment sectors 5..2" "read segment sectors 0..8" \
	"write of 2 sectors from the last" "write at sector 2^55" "discard of 2^64-1 sectors" "operation 2:" "operation 255:" \
	"secure discard" "a full ring of 32 reads" "producer index 1000 ahead: no answer" "producer index 5 behind: no answer" \
	"alive after 1000 ahead" "alive after 5 behind" "read-only disk: write" "read-only disk: indirect write" \
	"bystander: its first page is intact" "handshake with ring-ref=4000: the backend refuses" \
	"handshake with event-channel=4000: the backend refuses" "handshake with ring-page-order=5: the backend refuses" \
	"handshake with protocol=arm-abi: back in InitWait" "alive after handshake garbage" \
	"alive after connecting as a 32-bit frontend" "x86_32-abi: a read of 11 segments, a 64-bit id: OKAY" \
	"x86_32-abi: a read of the sector after the end: ERROR" "x86_32-abi: an indirect read of 256 segments: OKAY" \
	"x86_32-abi: a read of 12 segments: ERROR"; do
	check "... $class" "out ours-hostile-guest | grep -qF 'DOMU-HOSTILE: ok $class'"
done
check "... no check failed (more than 100 ran)" \
	'[ "$(out ours-hostile-guest | grep -c "DOMU-HOSTILE: ok ")" -gt 100 ] && ! out ours-hostile-guest | grep -q "DOMU-HOSTILE: FAIL"'
step_ok ours-hostile-blkfront "then Linux's blkfront connects to the same disks: the bystander's page intact, the target readable, the read-only disk read-only"
step_ok ours-hostile-dm-alive "the same bastion-dm lived through it and logged each refusal and the three stopped rings"
step_ok ours-hostile-shutdown "our xl shutdown -w of the hostile guest"
step_ok ours-hostile-gone "it is gone"
step_ok ours-hostile-files "no image grew; the target past its first MiB and the read-only disk are byte for byte as before"
step_ok ours-kill9-image "kill -9: a fresh 64 MiB qcow2 with 4 KiB clusters"
step_ok ours-kill9-create "our xl create of the guest writing to it"
step_ok ours-kill9-writing "the guest writes and fsyncs 64 KiB blocks through blkfront"
step_ok ours-kill9-kill "kill -9 of its bastion-dm mid-write"
step_ok ours-kill9-guest "the guest, 20 s later (its writer blocks: blkfront has no timeout)"
check "... saw no write succeed that the dead backend could not have done (the count stops)" \
	'a=$(out ours-kill9-kill | grep -o "done [0-9]*" | tail -n 1); b=$(out ours-kill9-guest | grep -o "done [0-9]*" | tail -n 1);
	 [ -n "$a" ] && [ "${b#done }" -le $((${a#done } + 1)) ]'
step_ok ours-kill9-destroy "our xl destroy of the guest whose backend is dead"
step_ok ours-kill9-gone "it is gone"
step_ok ours-kill9-xenstore "and nothing of it is left in xenstore (its frontend, libxl, backend and device-model dirs)"
step_ok ours-kill9-qcheck "qemu-img check of the qcow2: no corruption (exit 0, or 3: leaked clusters only)"
step_ok ours-kill9-data "every block the guest saw fsync'd reads back whole"

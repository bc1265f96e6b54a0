# xltest=ours (sourced by /init after the daemons are up): our own xl
# (appliance/xl, /usr/lib/bastion/xl) creates the test guest from the
# same xl.cfg Debian's xl uses; Debian's xl and xenstore tools look at it,
# and our xl controls and destroys it.  Step names start "ours-".
OXL=/usr/lib/bastion/xl
GUEST=anchor-pvh
OCONS=/var/log/xen/console/guest-$GUEST.log
# state_is PATTERN: a shell loop that waits up to 90 s for the guest's last
# DOMU-STATE line (what it sees of its vCPUs and balloon) to match.
state_is() {
	echo "for i in \$(seq 150); do grep DOMU-STATE $OCONS | tail -n 1 | grep '$1' && exit 0; sleep 0.5; done;
		echo 'no DOMU-STATE line matching $1; the guest console ends:'; tail -n 20 $OCONS; exit 1"
}
# A hostile frontend: blk-hostile (tests/integration/xl/blk_hostile.c) in
# a guest without xen-blkfront plays blkfront on three disks bastion-dm
# serves - xvda (8 MiB raw, takes every class of garbage, and is written
# only in its first MiB), xvdb (read-only), xvdc (the bystander, connected
# throughout) - and checks every answer (garbage in the xenbus handshake
# too); then Linux's blkfront connects to the same disks.  bastion-dm must live through it and log why it
# refused; the files must not grow, the guard (xvda past 1 MiB) and the
# read-only disk must be untouched, the bystander's page intact.
ours_hostile() {
	HB=/var/lib/xen/ours-hostile
	HLOG=/var/log/xen/console/guest-ours-hostile.log
	HDLOG=/var/log/xen/bastion-dm-ours-hostile.log
	# (sizes, then the guard's and the read-only disk's checksums)
	hostile_sums="stat -c '%n %s' $HB/target.img $HB/ro.img $HB/by.img;
		dd if=$HB/target.img bs=1M skip=1 2>/dev/null | md5sum | sed 's/-\$/guard/'; md5sum $HB/ro.img"
	sh_step ours-hostile-images 60 "mkdir -p $HB && mount -t tmpfs -o size=64m tmpfs $HB &&
		dd if=/dev/urandom of=$HB/target.img bs=1M count=8 2>/dev/null &&
		dd if=/dev/urandom of=$HB/ro.img bs=1M count=1 2>/dev/null && truncate -s 1M $HB/by.img &&
		{ $hostile_sums; } | tee $HB/before.sums"
	HDISKS="[\"format=raw,vdev=xvda,access=rw,target=$HB/target.img\", \"format=raw,vdev=xvdb,access=ro,target=$HB/ro.img\",
		\"format=raw,vdev=xvdc,access=rw,target=$HB/by.img\"]"
	if step ours-hostile-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'name="ours-hostile"' "disk=$HDISKS" \
		'extra="console=hvc0 quiet hostile=1"'; then
		sh_step ours-hostile-dm-pid 30 "pidof bastion-dm | tee /tmp/hostile-dm.pid"
		sh_step ours-hostile-guest 400 "for i in \$(seq 760); do grep -q DOMU-IDLE $HLOG 2>/dev/null && break; sleep 0.5; done;
			grep DOMU-HOSTILE $HLOG; grep -q 'DOMU-HOSTILE: done failures=0' $HLOG && ! grep -q 'DOMU-HOSTILE: FAIL' $HLOG"
		sh_step ours-hostile-blkfront 30 "grep DOMU-HOSTILE-BLKFRONT $HLOG |
			grep -E 'bystander=([0-9a-f]+) want=\\1 xvda_read=8388608 ro=1'"
		# The same process served it all; its log says why it refused.
		sh_step ours-hostile-dm-alive 30 "[ \"\$(pidof bastion-dm)\" = \"\$(cat /tmp/hostile-dm.pid)\" ] && cat $HDLOG &&
			[ \$(grep -c 'ring stopped' $HDLOG) -eq 3 ] && grep -q 'refused: segment count' $HDLOG &&
			grep -q 'refused: bad segment' $HDLOG && grep -q \"refused: sectors past the disk's end\" $HDLOG &&
			grep -q 'refused: grant map failed' $HDLOG && grep -q 'refused: write to a read-only disk' $HDLOG &&
			grep -q 'refused: operation not supported' $HDLOG && grep -q \"protocol 'arm-abi' not supported\" $HDLOG &&
			grep -q 'layout x86_32-abi' $HDLOG"
		step ours-hostile-shutdown 120 "$OXL" shutdown -w ours-hostile
		sh_step ours-hostile-gone 90 "$(gone ours-hostile)"
		sh_step ours-hostile-files 30 "{ $hostile_sums; } >$HB/after.sums; diff $HB/before.sums $HB/after.sums && cat $HB/after.sums &&
			[ \"\$(head -c 4096 $HB/by.img | md5sum)\" = \"\$(yes bystander-disk | head -c 4096 | md5sum)\" ]"
	else
		skip ours-hostile-dm-pid ours-hostile-guest ours-hostile-blkfront ours-hostile-dm-alive ours-hostile-shutdown \
			ours-hostile-gone ours-hostile-files
	fi
}
# oursonly=hostile on dom0's command line (XL_APPEND=oursonly=hostile):
# only the hostile frontend's steps (a quick run while chasing them).
[ "$(arg oursonly all)" = hostile ] && { ours_hostile; return; }
# Channels (xl channel=, dm/pv/consback.c): secondary PV consoles that
# bastion-dm serves.  Console 1 is a unix socket in dom0 joined to the
# guest's /dev/hvc1: the guest writes a line each second until
# chan-client (tests/integration/xl/chan_client.c) answers, and prints
# the answer on its primary console.  Console 2 is a pty, its path in tty:
# our xl console -n 2 types a line there and the guest's echo comes back.
CLOG=/var/log/xen/console/guest-ours-chan.log
CSOCK=/tmp/ours-chan.sock
CHANS="[\"name=org.bastion.test,connection=socket,path=$CSOCK\", \"name=org.bastion.pty,connection=pty\"]"
if step ours-chan-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'name="ours-chan"' 'disk=[]' \
	"channel=$CHANS" 'extra="console=hvc0 quiet chan=1"'; then
	step ours-chan-talk 300 /usr/local/bin/chan-client $CSOCK hello-from-domU hello-from-dom0
	sh_step ours-chan-guest 120 "for i in \$(seq 100); do grep -q DOMU-CHAN-IN $CLOG && break; sleep 0.5; done;
		grep DOMU-CHAN $CLOG; grep -q 'DOMU-CHAN-IN: hello-from-dom0 ' $CLOG"
	sh_step ours-chan-pty 60 "{ (sleep 3; echo pty-roundtrip; sleep 10) |
		timeout 10 script -qfc '$OXL console -n 2 ours-chan' /dev/null || true; } | tr -d '\\r' | grep -m 1 'pty-echo: pty-roundtrip'"
	sh_step ours-chan-xenstore 30 "id=\$($OXL domid ours-chan); xenstore-ls -fp /local/domain/0/backend/console/\$id;
		xenstore-ls -fp /local/domain/\$id/device/console"
	step ours-chan-destroy 60 "$OXL" destroy ours-chan
	sh_step ours-chan-dm-log 30 "for i in \$(seq 60); do pidof bastion-dm >/dev/null || break; sleep 0.5; done;
		cat /var/log/xen/bastion-dm-ours-chan.log; [ ! -e $CSOCK ]"
else
	skip ours-chan-talk ours-chan-guest ours-chan-pty ours-chan-xenstore ours-chan-destroy ours-chan-dm-log
fi
# oursonly=chan on dom0's command line (XL_APPEND=oursonly=chan): stop
# after these first steps (a quick run while working on channels; every
# later step is then reported missing).
[ "$(arg oursonly all)" = chan ] && return

# Two vCPUs possible, one online: vcpu-set and mem-set are watched from inside.
if step ours-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'disk=[]' 'maxvcpus=2' \
	'extra="console=hvc0 quiet watch=1"'; then
	sh_step ours-guest-console 300 "for i in \$(seq 560); do grep -q DOMU-IDLE $OCONS 2>/dev/null && break; sleep 0.5; done;
		cat $OCONS; grep -q DOMU-IDLE $OCONS"
	sh_step ours-kcache 10 "df -k /var/cache; ls /var/cache/bastion/kernels"
	step ours-list 60 "$OXL" list
	step ours-debian-list 60 "${XL[@]}" list
	step ours-debian-list-l 60 "${XL[@]}" list -l
	step ours-list-l 60 "$OXL" list -l
	sh_step ours-xenstore 60 "xenstore-ls -fp /local/domain/\$($OXL domid $GUEST); xenstore-ls -fp /libxl/\$($OXL domid $GUEST)"
	step ours-vcpu-list 60 "$OXL" vcpu-list "$GUEST"
	console_step ours-console "$XLS console $GUEST" console-roundtrip
	console_step ours-xl-console "$OXL console $GUEST" our-console-roundtrip
	sh_step ours-state-boot 60 "$(state_is 'present=0 online=0 ')"
	step ours-vcpu-set-2 60 "$OXL" vcpu-set "$GUEST" 2
	sh_step ours-vcpu-seen-2 100 "$(state_is 'present=0-1 online=0-1 ')"
	step ours-vcpu-set-1 60 "$OXL" vcpu-set "$GUEST" 1
	sh_step ours-vcpu-seen-1 100 "$(state_is 'present=0 online=0 ')"
	step ours-mem-set-g 60 "$OXL" mem-set "$GUEST" 200m
	# Linux's balloon aims a few hundred KiB under xenstore's target (its
	# boot target was 261756 for 262144): 200 MiB less that, reached.
	sh_step ours-mem-seen-g 100 "$(state_is 'target_kb=\(20[0-4][0-9][0-9][0-9]\) current_kb=\1[[:space:]]*$')"
	step ours-mem-list 60 "${XL[@]}" list "$GUEST"
	step ours-shutdown 120 "$OXL" shutdown -w "$GUEST"
	sh_step ours-gone 90 "$(gone $GUEST)"
	sh_step ours-watcher-log 10 "cat /var/log/xen/xl-$GUEST.log"
else
	skip ours-guest-console ours-kcache ours-list ours-debian-list ours-debian-list-l ours-list-l ours-xenstore ours-vcpu-list ours-console ours-xl-console \
		ours-state-boot ours-vcpu-set-2 ours-vcpu-seen-2 ours-vcpu-set-1 ours-vcpu-seen-1 ours-mem-set-g \
		ours-mem-seen-g ours-mem-list ours-shutdown \
		ours-gone ours-watcher-log
fi
# xl reboot with on_reboot=restart: the watcher builds the guest again.
idle_count() { echo "\$(cat $OCONS 2>/dev/null | grep -c DOMU-IDLE)"; }
wait_idle() { # wait_idle N: until the console log has N DOMU-IDLE lines
	echo "for i in \$(seq 560); do [ $(idle_count) -ge $1 ] && exit 0; sleep 0.5; done; echo only $(idle_count); exit 1"
}
if step ours-create-r 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'disk=[]' 'on_reboot="restart"' \
	'extra="console=hvc0 quiet"'; then
	sh_step ours-boot-r 300 "$(wait_idle 2)"
	step ours-reboot 60 "$OXL" reboot "$GUEST"
	sh_step ours-restarted 300 "( $(wait_idle 3) ) && cat /var/log/xen/xl-$GUEST.log && $OXL list $GUEST"
	step ours-destroy 60 "$OXL" destroy "$GUEST"
	sh_step ours-gone-r 90 "$(gone $GUEST)"
else
	skip ours-boot-r ours-reboot ours-restarted ours-destroy ours-gone-r
fi

# Every form of kernel Linux ships boots as a domU our xl builds: Debian's
# 6.12 (a zstd bzImage), the 6.1 kernel as a gzip bzImage, and its ELF
# vmlinux (the scenario's own guest is the 6.1 XZ bzImage).
for kern in zstd:vmlinuz-6.12 gzip:vmlinuz-gzip elf:vmlinux; do
	tag=${kern%%:*} file=/var/lib/xen/images/${kern#*:}
	klog=/var/log/xen/console/guest-kern-$tag.log
	# (the unpacked-kernel cache off: each of these is unpacked here)
	if step ours-kernel-$tag 300 env XL_KERNEL_CACHE=0 "$OXL" create "/etc/xen/$GUEST.cfg" "name=\"kern-$tag\"" "kernel=\"$file\"" \
		'disk=[]' 'extra="console=hvc0 quiet"'; then
		sh_step ours-kernel-$tag-init 300 "for i in \$(seq 560); do grep -q DOMU-IDLE $klog 2>/dev/null && break; sleep 0.5; done;
			grep DOMU-UP $klog; grep -q DOMU-IDLE $klog"
		step ours-kernel-$tag-destroy 60 "$OXL" destroy "kern-$tag"
	else
		skip ours-kernel-$tag-init ours-kernel-$tag-destroy
	fi
done

# PV block through our device model (bastion-dm, dm/pv), three disks:
# xvda raw, which the guest's xen-blkfront reads whole, writes 1 MiB into
# and reads back (the bytes are checked in the file after the guest is
# gone); xvdb a qcow2 over a qcow2 backing file, where the guest reads the
# backing file's magic, makes an ext4, writes a file tree, reads it back
# and trims a deleted file (qemu-img check and dom0's own reading of it
# after); xvdc raw and read-only.  The guest has two vCPUs, so its
# blkfront asks bastion-dm for two queues per disk (multi-queue).
BLK=/var/lib/xen/ours-blk
BLOG=/var/log/xen/console/guest-ours-blk.log
BMAGIC=ours-disk-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
sh_step ours-blk-image 60 "mkdir -p $BLK && mount -t tmpfs -o size=256m tmpfs $BLK && cd $BLK &&
	dd if=/dev/zero of=raw.img bs=1M count=16 2>/dev/null &&
	printf '%s\n' $BMAGIC | dd of=raw.img conv=notrunc 2>/dev/null && echo magic=$BMAGIC &&
	truncate -s 4M hot.img && truncate -s 4M ro.img &&
	printf 'backing-%s\n' $BMAGIC >base.raw && truncate -s 64M base.raw &&
	qemu-img convert -f raw -O qcow2 base.raw base.qcow2 && rm base.raw &&
	qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 disk.qcow2 &&
	qemu-img info --backing-chain disk.qcow2 | grep -E '^(image|backing file):'"
DISKS="[\"format=raw,vdev=xvda,access=rw,target=$BLK/raw.img\", \"format=qcow2,vdev=xvdb,target=$BLK/disk.qcow2\",
	\"format=raw,vdev=xvdc,access=ro,target=$BLK/ro.img\"]"
if step ours-blk-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'name="ours-blk"' "disk=$DISKS" \
	'vcpus=2' 'extra="console=hvc0 quiet blk=1 blkw=1 fs=1"'; then
	sh_step ours-blk-guest 300 "for i in \$(seq 560); do grep -q DOMU-IDLE $BLOG 2>/dev/null && break; sleep 0.5; done;
		grep -E 'DOMU-(BLK|FS|RO|BACKING)' $BLOG; grep -q DOMU-IDLE $BLOG"
	sh_step ours-blk-xenstore 30 "id=\$($OXL domid ours-blk); xenstore-ls -fp /local/domain/0/backend/qdisk/\$id;
		xenstore-ls -fp /local/domain/\$id/device/vbd; pidof bastion-dm"
	# Hotplug: a fourth disk attached to the running guest connects, both
	# xl block-list alike, and detaching it closes it cleanly.
	step ours-blk-attach 60 "$OXL" block-attach ours-blk "format=raw,vdev=xvdd,access=ro,target=$BLK/hot.img"
	sh_step ours-blk-attached 60 "id=\$($OXL domid ours-blk); for i in \$(seq 100); do
		[ \"\$(xenstore-read /local/domain/0/backend/qdisk/\$id/51760/state)\" = 4 ] && exit 0; sleep 0.3; done;
		xenstore-ls -fp /local/domain/0/backend/qdisk/\$id; exit 1"
	same ours-blk-list 30 cat block-list ours-blk
	step ours-blk-detach 60 "$OXL" block-detach ours-blk xvdd
	sh_step ours-blk-detached 30 "id=\$($OXL domid ours-blk); ! xenstore-exists /local/domain/\$id/device/vbd/51760 &&
		! xenstore-exists /local/domain/0/backend/qdisk/\$id/51760 && $OXL block-list ours-blk"
	step ours-blk-shutdown 120 "$OXL" shutdown -w ours-blk
	sh_step ours-blk-gone 90 "$(gone ours-blk)"
	sh_step ours-blk-dm-gone 30 "for i in \$(seq 60); do pidof bastion-dm >/dev/null || exit 0; sleep 0.5; done;
		echo bastion-dm still runs; exit 1"
	sh_step ours-blk-file 30 "dd if=$BLK/raw.img bs=64k skip=16 count=16 2>/dev/null | md5sum | cut -d' ' -f1;
		cat /var/log/xen/bastion-dm-ours-blk.log"
	sh_step ours-blk-qcheck 60 "qemu-img check $BLK/disk.qcow2 && qemu-img check $BLK/base.qcow2 | tail -n 1"
	# (e2fsprogs' debugfs copies the tree out of the ext4, no mount needed)
	sh_step ours-blk-dom0-tree 120 "qemu-img convert -O raw $BLK/disk.qcow2 $BLK/flat.raw && rm -rf /tmp/ours-fs &&
		mkdir /tmp/ours-fs && debugfs -R 'rdump /tree /tmp/ours-fs' $BLK/flat.raw &&
		cd /tmp/ours-fs && find tree -type f | sort | xargs md5sum | md5sum | cut -d' ' -f1"
else
	skip ours-blk-guest ours-blk-xenstore ours-blk-attach ours-blk-attached ours-blk-list ours-blk-detach \
		ours-blk-detached ours-blk-shutdown ours-blk-gone ours-blk-dm-gone ours-blk-file ours-blk-qcheck \
		ours-blk-dom0-tree
fi
# A disk our xl cannot serve is refused before anything is built.
sh_step ours-blk-refused 30 "! $OXL create /etc/xen/$GUEST.cfg 'name=\"ours-bad\"' \
	'disk=[\"format=raw,vdev=xvda,target=$BLK/missing.img\"]' 2>&1 && ! $XEN/xl domid ours-bad 2>/dev/null"

# PV network through our device model (dm/pv's qnic backend): a guest
# with vif=['bridge=xenbr0'] gets a tap vif<id>.0 on dom0's bridge xenbr0
# (10.0.0.1/24); its xen-netfront's eth0 is 10.0.0.2/24.  Pings both ways,
# 4 MiB by TCP each way checksummed at both ends (net.sh), a second NIC
# hot-attached, listed like Debian's xl lists it and detached, and the
# taps gone with the guest.  The guest has two vCPUs, so its netfront
# connects with two queues (multi-queue).
NLOG=/var/log/xen/console/guest-ours-net.log
NET="bash /xl-net.sh"
step ours-net-bridge 60 $NET bridge
if step ours-net-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'name="ours-net"' 'disk=[]' \
	'vcpus=2' 'vif=["bridge=xenbr0"]' 'extra="console=hvc0 quiet net=1"'; then
	sh_step ours-net-guest 300 "for i in \$(seq 560); do grep -q DOMU-NET-PING $NLOG 2>/dev/null && break; sleep 0.5; done;
		grep -E 'DOMU-(UP|NET)' $NLOG; grep -q 'DOMU-NET-PING: 3 packets transmitted, 3 packets received' $NLOG"
	sh_step ours-net-tap 30 "id=\$($OXL domid ours-net); ls /sys/class/net/xenbr0/brif; cat /sys/class/net/vif\$id.0/address;
		xenstore-ls -fp /local/domain/0/backend/qnic/\$id; xenstore-ls -fp /local/domain/\$id/device/vif"
	step ours-net-ping 60 busybox ping -c 3 -W 5 10.0.0.2
	step ours-net-to-guest 300 $NET to-guest $NLOG
	step ours-net-from-guest 300 $NET from-guest $NLOG
	step ours-net-attach 60 "$OXL" network-attach ours-net bridge=xenbr0
	sh_step ours-net-attached 60 "id=\$($OXL domid ours-net); for i in \$(seq 100); do
		[ \"\$(xenstore-read /local/domain/0/backend/qnic/\$id/1/state)\" = 4 ] && [ -e /sys/class/net/vif\$id.1 ] && exit 0;
		sleep 0.3; done; xenstore-ls -fp /local/domain/0/backend/qnic/\$id; exit 1"
	same ours-net-list 30 cat network-list ours-net
	step ours-net-detach 60 "$OXL" network-detach ours-net 1
	sh_step ours-net-detached 60 "id=\$($OXL domid ours-net); ! xenstore-exists /local/domain/\$id/device/vif/1 &&
		! xenstore-exists /local/domain/0/backend/qnic/\$id/1 && $NET tap-gone vif\$id.1 && $OXL network-list ours-net"
	sh_step ours-net-destroy 60 "id=\$($OXL domid ours-net) && $OXL destroy ours-net && $NET tap-gone vif\$id.0"
	sh_step ours-net-dm-gone 30 "for i in \$(seq 60); do pidof bastion-dm >/dev/null || exit 0; sleep 0.5; done;
		echo bastion-dm still runs; exit 1"
	sh_step ours-net-dm-log 10 "cat /var/log/xen/bastion-dm-ours-net.log"
else
	skip ours-net-guest ours-net-tap ours-net-ping ours-net-to-guest ours-net-from-guest ours-net-attach \
		ours-net-attached ours-net-list ours-net-detach ours-net-detached ours-net-destroy ours-net-dm-gone \
		ours-net-dm-log
fi
# User networking (vif net=user): bastion-dm's libslirp stack, no tap and
# no bridge.  dom0 serves 1 MiB on its loopback only (busybox httpd on
# 127.0.0.1:8081); the guest leases 10.0.2.15 by DHCP, fetches the file
# from 10.0.2.2:8081 (slirp's host address: dom0's loopback) and serves
# 1 MiB of its own on port 80, which dom0 fetches through the vif's
# hostfwd 127.0.0.1:8082 -> guest:80; checksums compared at both ends.
# A bad net= value is refused naming the key.
SLOG=/var/log/xen/console/guest-ours-slirp.log
sh_step ours-slirp-refused 30 "$OXL create /etc/xen/$GUEST.cfg 'name=\"ours-bad\"' 'disk=[]' \
	'vif=[\"net=slirp\"]' >/tmp/slirp-refused 2>&1; rc=\$?; cat /tmp/slirp-refused; [ \$rc != 0 ] &&
	grep -q 'key \"vif\": entry 1 (\"net=slirp\"): invalid net \"slirp\"' /tmp/slirp-refused && ! $XEN/xl domid ours-bad 2>/dev/null"
step ours-slirp-httpd 30 $NET httpd
if step ours-slirp-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'name="ours-slirp"' 'disk=[]' \
	'vif=["net=user,hostfwd=tcp:127.0.0.1:8082-:80"]' 'extra="console=hvc0 quiet slirp=1"'; then
	step ours-slirp-dhcp 300 $NET slirp-dhcp $SLOG
	sh_step ours-slirp-backend 30 "id=\$($OXL domid ours-slirp); xenstore-ls -fp /local/domain/0/backend/qnic/\$id;
		ls /sys/class/net; [ ! -e /sys/class/net/vif\$id.0 ]"
	step ours-slirp-get 300 $NET slirp-get $SLOG
	step ours-slirp-fwd 300 $NET slirp-fwd $SLOG
	step ours-slirp-destroy 60 "$OXL" destroy ours-slirp
	sh_step ours-slirp-dm-gone 30 "for i in \$(seq 60); do pidof bastion-dm >/dev/null || exit 0; sleep 0.5; done;
		echo bastion-dm still runs; exit 1"
	step ours-slirp-fwd-closed 30 $NET port-closed 8082
	sh_step ours-slirp-dm-log 10 "cat /var/log/xen/bastion-dm-ours-slirp.log"
else
	skip ours-slirp-dhcp ours-slirp-backend ours-slirp-get ours-slirp-fwd ours-slirp-destroy ours-slirp-dm-gone \
		ours-slirp-fwd-closed ours-slirp-dm-log
fi
# Online resize: the guest's raw disk (8 MiB) grows to 16 MiB in dom0
# (qemu-img resize); SIGHUP makes bastion-dm re-read its size, write the
# backend's sectors and state again, and the guest's xen-blkfront sees
# /sys/block/xvda/size go from 16384 to 32768 sectors.
RZ=/var/lib/xen/ours-resize
RLOG=/var/log/xen/console/guest-ours-resize.log
# (the pid of the bastion-dm serving domain $1)
dm_pid() { echo "for p in /proc/[0-9]*; do tr '\\0' ' ' 2>/dev/null <\$p/cmdline | grep -q \"^bastion-dm --domid $1 \" && echo \${p#/proc/}; done"; }
sh_step ours-resize-image 30 "mkdir -p $RZ && truncate -s 8M $RZ/disk.img && ls -l $RZ"
if step ours-resize-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'name="ours-resize"' \
	"disk=[\"format=raw,vdev=xvda,access=rw,target=$RZ/disk.img\"]" 'extra="console=hvc0 quiet blkwatch=1"'; then
	sh_step ours-resize-seen-8m 300 "for i in \$(seq 560); do grep -q 'DOMU-BLKSIZE: xvda=16384' $RLOG 2>/dev/null && exit 0;
		sleep 0.5; done; tail -n 20 $RLOG; exit 1"
	sh_step ours-resize-grow 30 "id=\$($OXL domid ours-resize); pid=\$($(dm_pid \$id)); echo bastion-dm pid \$pid;
		qemu-img resize -f raw $RZ/disk.img 16M && [ -n \"\$pid\" ] && kill -HUP \$pid"
	sh_step ours-resize-seen-16m 120 "for i in \$(seq 200); do grep -q 'DOMU-BLKSIZE: xvda=32768' $RLOG && break; sleep 0.5; done;
		grep DOMU-BLKSIZE $RLOG; id=\$($OXL domid ours-resize);
		xenstore-read /local/domain/0/backend/qdisk/\$id/51712/sectors; grep -q 'DOMU-BLKSIZE: xvda=32768' $RLOG"
	step ours-resize-destroy 60 "$OXL" destroy ours-resize
	sh_step ours-resize-dm-log 30 "for i in \$(seq 60); do pidof bastion-dm >/dev/null || break; sleep 0.5; done;
		cat /var/log/xen/bastion-dm-ours-resize.log; grep -q 'resized: 16384 -> 32768 sectors' /var/log/xen/bastion-dm-ours-resize.log"
else
	skip ours-resize-seen-8m ours-resize-grow ours-resize-seen-16m ours-resize-destroy ours-resize-dm-log
fi
# The hostile frontend (ours_hostile, above).
ours_hostile

# kill -9 of bastion-dm while the guest writes 64 KiB blocks ("kill9-block-N"
# repeated, each fsync'd: a write then a flush) to a fresh qcow2 with 4 KiB
# clusters (so nearly every write allocates clusters, L2 tables and refcount
# blocks), and a second writer streams random data past 32 MiB.  Linux's blkfront has no timeout: the writer blocks for good, it
# sees no error and no data.  xl destroy must still work and clean up; the
# image must pass qemu-img check (exit 0, or 3: leaked clusters only, which
# an allocation cut short leaves), and every block the guest saw fsync'd
# must read back whole.
KD=/var/lib/xen/ours-kill9
KLOG=/var/log/xen/console/guest-ours-kill9.log
sh_step ours-kill9-image 60 "mkdir -p $KD && mount -t tmpfs -o size=192m tmpfs $KD &&
	qemu-img create -q -f qcow2 -o cluster_size=4096 $KD/disk.qcow2 64M && qemu-img info $KD/disk.qcow2"
if step ours-kill9-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'name="ours-kill9"' \
	"disk=[\"format=qcow2,vdev=xvda,access=rw,target=$KD/disk.qcow2\"]" 'extra="console=hvc0 quiet kill9=1"'; then
	sh_step ours-kill9-writing 300 "for i in \$(seq 600); do grep -qE 'DOMU-KILL9: done 60([^0-9]|\$)' $KLOG 2>/dev/null && exit 0;
		grep -q 'DOMU-KILL9: stopped' $KLOG 2>/dev/null && break; sleep 0.5; done; tail -n 20 $KLOG; exit 1"
	sh_step ours-kill9-kill 30 "$OXL domid ours-kill9 >/tmp/kill9.id; pid=\$(pidof bastion-dm); echo dm pid \$pid;
		kill -9 \$pid && sleep 1 && ! kill -0 \$pid 2>/dev/null && grep 'DOMU-KILL9' $KLOG | tail -n 1"
	# What the guest saw, 20 s on: its writer blocked (no line after the
	# kill but the one in flight), or an I/O error; never a "done" of a
	# write the dm did not complete (those are checked in the file below).
	sh_step ours-kill9-guest 60 "sleep 20; grep DOMU-KILL9 $KLOG | tail -n 3; grep -c 'DOMU-KILL9: done' $KLOG"
	step ours-kill9-destroy 60 "$OXL" destroy ours-kill9
	sh_step ours-kill9-gone 90 "$(gone ours-kill9)"
	sh_step ours-kill9-xenstore 30 "id=\$(cat /tmp/kill9.id); left=0; for p in /local/domain/\$id /libxl/\$id \
		/local/domain/0/backend/qdisk/\$id /local/domain/0/device-model/\$id; do
		xenstore-exists \$p && { echo \$p left; left=1; }; done; [ \$left = 0 ] && echo domain \$id left nothing in xenstore"
	sh_step ours-kill9-qcheck 60 "qemu-img check $KD/disk.qcow2; rc=\$?; echo qemu-img check exit \$rc; [ \$rc = 0 ] || [ \$rc = 3 ]"
	sh_step ours-kill9-data 300 "n=\$(grep -c 'DOMU-KILL9: done' $KLOG); qemu-img convert -O raw $KD/disk.qcow2 $KD/flat.raw &&
		for i in \$(seq 0 \$((n - 1))); do yes kill9-block-\$i | head -c 65536; done >$KD/want.raw;
		echo \$n blocks the guest saw written && [ \$n -ge 60 ] && head -c \$((n * 65536)) $KD/flat.raw | cmp - $KD/want.raw"
else
	skip ours-kill9-writing ours-kill9-kill ours-kill9-guest ours-kill9-destroy ours-kill9-gone ours-kill9-xenstore \
		ours-kill9-qcheck ours-kill9-data
fi

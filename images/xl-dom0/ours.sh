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
	sh_step ours-console 60 "{ (sleep 3; echo console-roundtrip; sleep 10) |
		timeout 10 script -qfc '$XLS console $GUEST' /dev/null || true; } | tr -d '\\r' | grep -m 1 'DOMU-ECHO: console-roundtrip'"
	sh_step ours-xl-console 60 "{ (sleep 3; echo our-console-roundtrip; sleep 10) |
		timeout 10 script -qfc '$OXL console $GUEST' /dev/null || true; } | tr -d '\\r' | grep -m 1 'DOMU-ECHO: our-console-roundtrip'"
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
# after); xvdc raw and read-only.
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
	'extra="console=hvc0 quiet blk=1 blkw=1 fs=1"'; then
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
# taps gone with the guest.
NLOG=/var/log/xen/console/guest-ours-net.log
NET="bash /xl-net.sh"
step ours-net-bridge 60 $NET bridge
if step ours-net-create 300 "$OXL" create "/etc/xen/$GUEST.cfg" 'name="ours-net"' 'disk=[]' \
	'vif=["bridge=xenbr0"]' 'extra="console=hvc0 quiet net=1"'; then
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

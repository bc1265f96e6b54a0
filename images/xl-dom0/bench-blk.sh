# xltest=bench-blk, sourced by the xl test dom0's /init (installed as
# /xl-bench-blk.sh) once the toolstack is up; uses its step, sh_step, arg,
# gone, XEN and GUEST.  tests/bench/blk/run.sh reads the XL-BLKBENCH lines.
#
# A PVH guest (the anchor's configuration, its disk replaced) writes, writes
# again and reads 256 MiB of xvda with dd bs=1M O_DIRECT (domu-init,
# blkbench=1) and prints how long each took on its own clock.  The cases,
# in the order of blkcases= on the kernel command line, +-separated
# (default all):
#   deb-raw     Debian's xl, Linux's kernel blkback over a loop device
#   deb-sparse  the same on a sparse raw file
#   ours-raw    our xl (/usr/lib/bastion/xl), bastion-dm's qdisk backend
#               (its raw I/O through io_uring)
#   ours-raw-threads  the same with BASTION_AIO=threads (worker threads)
#   ours-sparse ours-raw on a sparse raw file
#   ours-qcow2  the same over a qcow2 (not preallocated)
# Every image is a file on a tmpfs in dom0.  The raw one is fully written
# with zeros first; the sparse one and the qcow2 are created empty when
# their case comes, so their first write allocates the tmpfs's pages (and
# the qcow2's clusters), their rewrite does not.  One image at a time in
# dom0's 1 GiB: each case removes the others' files.
OXL=/usr/lib/bastion/xl
BB=/var/lib/xen/bench-blk
cases=$(arg blkcases deb-raw+ours-raw+ours-raw-threads+ours-qcow2)

step backend-modules 60 bash -c 'modprobe -v xen-blkback && modprobe -v loop'
sh_step bench-blk-tmpfs 60 "mkdir -p $BB && mount -t tmpfs -o size=300m tmpfs $BB && grep -E 'Mem(Total|Available)' /proc/meminfo"
# raw_img: the raw image, 256 MiB of zeros, unless it is there.
raw_img() {
	sh_step bench-blk-raw 60 "rm -f $BB/sparse.img $BB/disk.qcow2; [ -f $BB/raw.img ] || dd if=/dev/zero of=$BB/raw.img bs=1M count=256 2>/dev/null; grep -E 'Mem(Total|Available)' /proc/meminfo; df -m $BB"
}

# sparse_img: a new sparse raw image of 256 MiB, nothing else.
sparse_img() {
	sh_step bench-blk-sparse 60 "rm -f $BB/raw.img $BB/sparse.img && truncate -s 256M $BB/sparse.img && df -m $BB"
}

# blk_case CASE XL FORMAT FILE: one guest through the case, its lines
# copied as XL-BLKBENCH: CASE ...
blk_case() {
	local c=$1 xl=$2 fmt=$3 file=$4 name=blk-$1 cons
	cons=/var/log/xen/console/guest-blk-$1.log
	if step "blk-$c-create" 300 $xl create "/etc/xen/$GUEST.cfg" "name=\"$name\"" \
		"disk=[\"format=$fmt,vdev=xvda,access=rw,target=$file\"]" 'extra="console=hvc0 quiet blkbench=1"'; then
		sh_step "blk-$c-guest" 900 "for i in \$(seq 1800); do grep -q 'DOMU-BLKBENCH: done' $cons 2>/dev/null && break; sleep 0.5; done;
			grep -E 'DOMU-(UP|BLKBENCH)' $cons; grep -q 'DOMU-BLKBENCH: done' $cons"
		grep 'DOMU-BLKBENCH: op=' "$cons" | tr -d '\r' | sed "s/^.*DOMU-BLKBENCH: /XL-BLKBENCH: case=$c /"
		step "blk-$c-destroy" 120 $xl destroy "$name"
		sh_step "blk-$c-gone" 90 "$(gone "$name")"
	else
		skip "blk-$c-guest" "blk-$c-destroy" "blk-$c-gone"
	fi
	sh_step "blk-$c-after" 30 "losetup -a; pidof bastion-dm; df -m $BB; grep -h 'qdisk' /var/log/xen/bastion-dm-$name.log 2>/dev/null | head -5; true"
}

for c in ${cases//+/ }; do
	case $c in
	deb-raw) raw_img && blk_case deb-raw "$XEN/xl" raw "$BB/raw.img" ;;
	ours-raw) raw_img && blk_case ours-raw "$OXL" raw "$BB/raw.img" ;;
	ours-raw-threads) raw_img && blk_case ours-raw-threads "env BASTION_AIO=threads $OXL" raw "$BB/raw.img" ;;
	deb-sparse) sparse_img && blk_case deb-sparse "$XEN/xl" raw "$BB/sparse.img" ;;
	ours-sparse) sparse_img && blk_case ours-sparse "$OXL" raw "$BB/sparse.img" ;;
	ours-qcow2)
		# (only one image at a time in the tmpfs: dom0 has 1 GiB)
		sh_step bench-blk-qcow2 60 "rm -f $BB/raw.img $BB/sparse.img && qemu-img create -q -f qcow2 -o preallocation=off $BB/disk.qcow2 256M &&
			qemu-img info $BB/disk.qcow2 && df -m $BB"
		blk_case ours-qcow2 "$OXL" qcow2 "$BB/disk.qcow2"
		sh_step bench-blk-qcow2-check 60 "qemu-img check $BB/disk.qcow2; qemu-img info $BB/disk.qcow2 | grep 'disk size'; rm -f $BB/disk.qcow2"
		;;
	*) echo "XL-BLKBENCH: unknown case $c" ;;
	esac
done

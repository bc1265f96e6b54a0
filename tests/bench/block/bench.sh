#!/bin/sh
# bastion-img bench against qemu-img bench, same qcow2 file, same pattern,
# one run each (qcow2, then raw), ratio reported (qemu-img time / bastion-img time: above 1
# means bastion-img is faster).  Both go through the page cache.
#  1. sequential 64 KiB reads, queue depth 16, over a 128 MiB qcow2 full of
#     data (the same file for both tools);
#  2. 4 KiB writes, queue depth 16, into a fresh empty 128 MiB qcow2 (a
#     fresh copy of the same file for each tool), scattered: qemu-img bench
#     has no random mode, so both walk the image with a stride of 4099
#     blocks (offset += 16396 KiB, mod 128 MiB), which visits every 4 KiB
#     block once in a non-sequential order and allocates a cluster on
#     most early writes.  bastion-img's --random run is reported alone.
# Usage: bench.sh BASTION_IMG TMPDIR
IMG=$1
T=$2
rm -rf "$T" && mkdir -p "$T" || exit 1
head -c 128M /dev/urandom >"$T/data.raw"
qemu-img convert -f raw -O qcow2 "$T/data.raw" "$T/full.qcow2"
qemu-img create -q -f qcow2 "$T/empty.qcow2" 128M
secs() { sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p' "$1"; }
ratio() { awk -v q="$1" -v b="$2" 'BEGIN { printf "%.2f", q / b }'; }

R="-f qcow2 -c 65536 -d 16 -s 64k"
qemu-img bench $R -t writeback "$T/full.qcow2" >"$T/q1" || exit 1
"$IMG" bench $R "$T/full.qcow2" >"$T/b1" || exit 1
q1=$(secs "$T/q1") b1=$(secs "$T/b1")
echo "bench: sequential 64 KiB reads, QD16, 65536 requests (4 GiB) on a 128 MiB qcow2"
echo "  qemu-img bench $R -t writeback full.qcow2: ${q1} s"
echo "  bastion-img bench $R full.qcow2: ${b1} s ($(sed -n 's/^throughput: //p' "$T/b1"))"
echo "  ratio qemu-img/bastion-img: $(ratio "$q1" "$b1")"

W="-f qcow2 -w -c 32768 -d 16 -s 4k -S 16396k --pattern=171"
cp "$T/empty.qcow2" "$T/wq.qcow2"
cp "$T/empty.qcow2" "$T/wb.qcow2"
qemu-img bench $W -t writeback "$T/wq.qcow2" >"$T/q2" || exit 1
"$IMG" bench $W "$T/wb.qcow2" >"$T/b2" || exit 1
q2=$(secs "$T/q2") b2=$(secs "$T/b2")
echo "bench: scattered 4 KiB writes, QD16, 32768 requests into an empty 128 MiB qcow2"
echo "  qemu-img bench $W -t writeback wq.qcow2: ${q2} s"
echo "  bastion-img bench $W wb.qcow2: ${b2} s ($(sed -n 's/^throughput: //p' "$T/b2"))"
echo "  ratio qemu-img/bastion-img: $(ratio "$q2" "$b2")"
qemu-img check -q "$T/wb.qcow2" && qemu-img compare -q "$T/wq.qcow2" "$T/wb.qcow2" &&
	echo "  (bastion-img's image passes qemu-img check and equals qemu-img's: same pattern, same offsets)"

cp "$T/empty.qcow2" "$T/wr.qcow2"
"$IMG" bench -f qcow2 -w -c 32768 -d 16 -s 4k --random "$T/wr.qcow2" >"$T/b3" || exit 1
echo "bench: random 4 KiB writes, QD16, 32768 requests (bastion-img only; qemu-img bench has no random mode)"
echo "  bastion-img bench -f qcow2 -w -c 32768 -d 16 -s 4k --random: $(secs "$T/b3") s ($(sed -n 's/^throughput: //p' "$T/b3"))"

# 3. raw: 4 KiB reads then writes, QD16, both tools on io_uring (qemu-img
#    -i io_uring; bastion-img where the kernel has it) and on threads.
X="-f raw -c 200000 -d 16 -s 4k"
for w in "" "-w"; do
	op=reads; [ -n "$w" ] && op=writes
	echo "bench: 4 KiB $op, QD16, 200000 requests on a 128 MiB raw file"
	for eng in io_uring threads; do
		qemu-img bench $X $w -t writeback -i $eng "$T/data.raw" >"$T/qr" || exit 1
		BASTION_AIO=$eng "$IMG" bench $X $w "$T/data.raw" >"$T/br" || exit 1
		echo "  $eng: qemu-img $(secs "$T/qr") s, bastion-img $(secs "$T/br") s ($(sed -n 's/^throughput: //p' "$T/br")), ratio qemu-img/bastion-img $(ratio "$(secs "$T/qr")" "$(secs "$T/br")")"
	done
done

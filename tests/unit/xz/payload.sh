#!/bin/sh
# Copies the compressed payload of bzImage IN to OUT with dd, using the
# setup header fields of the x86 boot protocol: setup_sects (u8, 0x1F1),
# payload_offset (u32, 0x248), payload_length (u32, 0x24C).
# Usage: payload.sh IN OUT
in=$1 out=$2
sects=$(od -An -tu1 -j$((0x1F1)) -N1 "$in" | tr -d ' ')
[ "$sects" = 0 ] && sects=4
poff=$(od -An -tu4 -j$((0x248)) -N4 "$in" | tr -d ' ')
plen=$(od -An -tu4 -j$((0x24C)) -N4 "$in" | tr -d ' ')
dd if="$in" of="$out" bs=64K iflag=skip_bytes,count_bytes \
	skip=$(((sects + 1) * 512 + poff)) count="$plen" status=none

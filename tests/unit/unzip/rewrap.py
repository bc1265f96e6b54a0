#!/usr/bin/env python3
"""Writes a bzImage whose payload is DATA instead of IN's own: IN's bytes
up to its payload (setup header fields of the x86 boot protocol:
setup_sects u8 at 0x1F1, payload_offset u32 at 0x248, payload_length u32
at 0x24C), then DATA, with payload_length patched.  Stands for a kernel
built with another compression (the hv only reads the payload).
Usage: rewrap.py IN DATA OUT"""
import struct
import sys

src, data_path, dst = sys.argv[1:4]
img = bytearray(open(src, 'rb').read())
data = open(data_path, 'rb').read()
sects = img[0x1F1] or 4
start = (sects + 1) * 512 + struct.unpack_from('<I', img, 0x248)[0]
img = img[:start] + data
struct.pack_into('<I', img, 0x24C, len(data))
open(dst, 'wb').write(img)

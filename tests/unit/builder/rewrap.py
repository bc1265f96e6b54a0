#!/usr/bin/env python3
"""Re-wraps a compressed vmlinux into a copy of a real bzImage.

rewrap.py BZIMAGE STREAM OUT [MODE]: OUT is BZIMAGE with its payload
replaced by STREAM (plus Linux's 4-byte size trailer, which gzip carries
itself) and payload_length (0x24C) patched; every other header byte
stays.  MODE "truncate" keeps half the stream, "flip" inverts its middle
byte -- damaged images the loader must refuse.
"""
import struct
import sys


def main():
    bz, stream_path, out = sys.argv[1:4]
    mode = sys.argv[4] if len(sys.argv) > 4 else ""
    img = bytearray(open(bz, "rb").read())
    stream = bytearray(open(stream_path, "rb").read())
    size = int(sys.argv[5]) if len(sys.argv) > 5 else None
    sects = img[0x1F1] or 4
    start = (sects + 1) * 512 + struct.unpack_from("<I", img, 0x248)[0]
    old_len = struct.unpack_from("<I", img, 0x24C)[0]
    if mode == "truncate":
        stream = stream[: len(stream) // 2]
    elif mode == "flip":
        stream[len(stream) // 2] ^= 0xFF
    payload = bytes(stream)
    if size is not None:
        payload += struct.pack("<I", size)
    new = img[:start] + payload + img[start + old_len:]
    struct.pack_into("<I", new, 0x24C, len(payload))
    open(out, "wb").write(new)


main()

#!/usr/bin/env python3
"""Seeds for fuzz_pvh_image: a tiny PVH ELF64 and ELF32 kernel, and the
ELF64 one inside a minimal bzImage with each compression Linux uses
(gzip/bzip2/xz/lzma from Python, lzop/lz4/zstd through Debian's tools).
Usage: gen_seeds.py DIR"""
import bz2, gzip, lzma, os, struct, subprocess, sys


def note(ntype, desc):
    return struct.pack("<III", 4, len(desc), ntype) + b"Xen\0" + desc + b"\0" * (-len(desc) % 4)


def elf(wide):
    notes = note(18, struct.pack("<Q", 0x1000040)) + note(17, struct.pack("<I", 1 << 15)) + note(6, b"linux\0")
    f = bytearray(0x300)
    f[0:7] = b"\x7fELF" + bytes([2 if wide else 1, 1, 1])
    struct.pack_into("<HH", f, 16, 2, 62 if wide else 3)
    if wide:
        struct.pack_into("<Q", f, 32, 64)
        struct.pack_into("<HH", f, 54, 56, 2)
        struct.pack_into("<IIQQQQQQ", f, 64, 1, 0, 0x200, 0, 0x1000000, 0x100, 0x2000, 0)
        struct.pack_into("<IIQQQQQQ", f, 120, 4, 0, 0x100, 0, 0, len(notes), len(notes), 0)
    else:
        struct.pack_into("<I", f, 28, 52)
        struct.pack_into("<HH", f, 42, 32, 2)
        struct.pack_into("<IIIIIIII", f, 52, 1, 0x200, 0, 0x1000000, 0x100, 0x2000, 0, 0)
        struct.pack_into("<IIIIIIII", f, 84, 4, 0x100, 0, 0, len(notes), len(notes), 0, 0)
    f[0x100:0x100 + len(notes)] = notes
    f[0x200:0x300] = b"\xa5" * 0x100
    return bytes(f)


def tool(args, data):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def bzimage(payload):
    h = bytearray(1024)
    h[0x1F1] = 1
    struct.pack_into("<H", h, 0x1FE, 0xAA55)
    h[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", h, 0x206, 0x020F)
    struct.pack_into("<II", h, 0x248, 0, len(payload))
    return bytes(h) + payload


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    k = elf(True)
    size = struct.pack("<I", len(k))
    streams = {
        "gzip": gzip.compress(k, mtime=0),
        "bzip2": bz2.compress(k) + size,
        "xz": lzma.compress(k, check=lzma.CHECK_CRC32) + size,
        "lzma": lzma.compress(k, format=lzma.FORMAT_ALONE) + size,
        "lzo": tool(["lzop", "-9"], k) + size,
        "lz4": tool(["lz4", "-q", "-l", "-9", "-", "-"], k) + size,
        "zstd": tool(["zstd", "-q", "-19"], k) + size,
    }
    open(os.path.join(out, "elf64"), "wb").write(k)
    open(os.path.join(out, "elf32"), "wb").write(elf(False))
    for name, s in streams.items():
        open(os.path.join(out, "bz-" + name), "wb").write(bzimage(s))


main()

#!/usr/bin/env python3
"""Hostile and corrupt images against bastion-img.

Each case starts from an image qemu-img made, breaks one field (bad header,
L1/L2 pointing past the end or into metadata, refcount overflow, looping or
too-deep backing chain, absurd sizes, bad VHD footer/BAT...), then runs
bastion-img over it: reading (convert), checking, and writing (bench -w,
which opens read-write).  Every run must end with an ordinary exit status
(no signal, no sanitizer report), a refusal must name the problem, and no
file other than the image under attack may change -- not the backing file,
not a bystander file.  Usage: hostile.py BASTION_IMG TMPDIR
"""
import hashlib
import os
import shutil
import struct
import subprocess
import sys

IMG, TMP = sys.argv[1], sys.argv[2]
failures = 0


def report(ok, what, why=""):
    global failures
    if ok:
        print("PASS: " + what)
    else:
        failures += 1
        print("FAIL: %s - %s" % (what, why))
    sys.stdout.flush()


def run(*args):
    p = subprocess.run([IMG] + list(args), capture_output=True, text=True,
                       timeout=60)
    return p.returncode, (p.stderr + p.stdout).strip()


def qemu(*args):
    subprocess.run(list(args), check=True, capture_output=True)


def digest_dir(skip):
    out = {}
    for name in sorted(os.listdir(TMP)):
        path = os.path.join(TMP, name)
        if os.path.isfile(path) and name not in skip:
            out[name] = hashlib.sha256(open(path, "rb").read()).hexdigest()
    return out


def patch(path, offset, fmt, value):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(struct.pack(fmt, value))


def read(path, offset, fmt):
    with open(path, "rb") as f:
        f.seek(offset)
        return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]


def fresh_qcow2(name, size="4M", opts=None, data=True):
    path = os.path.join(TMP, name)
    cmd = ["qemu-img", "create", "-f", "qcow2"]
    if opts:
        cmd += ["-o", opts]
    qemu(*(cmd + [path, size]))
    if data:
        qemu("qemu-io", "-c", "write -P 1 0 128k", path)
    return path


def vhd_checksum(buf, at):
    b = bytearray(buf)
    b[at:at + 4] = b"\0\0\0\0"
    return (~sum(b)) & 0xffffffff


def fix_vhd_footer(path):
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.seek(size - 512)
        foot = f.read(512)
        f.seek(size - 512 + 64)
        f.write(struct.pack(">I", vhd_checksum(foot, 64)))


def fix_vhd_header(path):
    with open(path, "r+b") as f:
        f.seek(512)
        h = f.read(1024)
        f.seek(512 + 36)
        f.write(struct.pack(">I", vhd_checksum(h, 36)))


def attack(what, path, words, fmt="qcow2", must_refuse=True):
    """Runs read, check and write over `path`; checks the rules."""
    skip = {os.path.basename(path), "out.raw"}
    before = digest_dir(skip)
    results = []
    for args in (["convert", "-f", fmt, "-O", "raw", path,
                  os.path.join(TMP, "out.raw")],
                 ["check", "-f", fmt, path],
                 ["bench", "-f", fmt, "-w", "-c", "64", "-d", "4", "-s", "4k",
                  "-S", "60k", path]):
        rc, msg = run(*args)
        results.append((args[0], rc, msg))
    after = digest_dir(skip)
    crashed = [r for r in results if r[1] < 0 or r[1] > 3 or
               "Sanitizer" in r[2]]
    if crashed:
        report(False, what, "%s ended with status %d: %s" % crashed[0])
        return
    if before != after:
        changed = [k for k in after if before.get(k) != after[k]]
        report(False, what, "files outside the image changed: %s" % changed)
        return
    refusals = [r for r in results if r[1] != 0]
    if must_refuse and not refusals:
        report(False, what, "every command accepted the image")
        return
    named = [r for r in refusals
             if any(w.lower() in r[2].lower() for w in words)]
    if refusals and not named:
        report(False, what, "message does not name %s: %s" %
               (words, refusals[0][2]))
        return
    msg = named[0][2].splitlines()[0] if named else "accepted, harmless"
    report(True, "%s: refused, nothing else touched (%s)" % (what, msg))


def qcow2_cases():
    # layout of a fresh 4M qemu-img image with 128k written: header 0,
    # refcount table 0x10000, refcount block 0x20000, L1 0x30000,
    # L2 0x40000, data 0x50000 and 0x60000
    p = fresh_qcow2("magic.qcow2")
    patch(p, 0, ">I", 0x12345678)
    attack("qcow2 bad magic", p, ["bad magic"])
    p = fresh_qcow2("version.qcow2")
    patch(p, 4, ">I", 4)
    attack("qcow2 version 4", p, ["version 4"])
    p = fresh_qcow2("cbits.qcow2")
    patch(p, 20, ">I", 31)
    attack("qcow2 cluster_bits 31", p, ["cluster_bits"])
    p = fresh_qcow2("size.qcow2")
    patch(p, 24, ">Q", 1 << 62)
    attack("qcow2 absurd virtual size 2^62", p, ["absurd"])
    p = fresh_qcow2("l1small.qcow2", size="4G", data=False)
    patch(p, 36, ">I", 1)
    attack("qcow2 L1 too small for the virtual size", p, ["L1 table size"])
    p = fresh_qcow2("l1huge.qcow2")
    patch(p, 36, ">I", 0x7fffffff)
    attack("qcow2 absurd L1 size", p, ["L1 table size"])
    p = fresh_qcow2("l1eof.qcow2")
    patch(p, 40, ">Q", 0x7000000000)
    attack("qcow2 L1 table past end of file", p, ["outside the file"])
    p = fresh_qcow2("l1align.qcow2")
    patch(p, 40, ">Q", 0x30200)
    attack("qcow2 L1 table unaligned", p, ["not cluster aligned"])
    p = fresh_qcow2("l1onrt.qcow2")
    patch(p, 40, ">Q", 0x10000)
    attack("qcow2 L1 table on top of the refcount table", p, ["overlaps"])
    p = fresh_qcow2("rteof.qcow2")
    patch(p, 48, ">Q", 0x100000000)
    attack("qcow2 refcount table past end of file", p, ["outside the file"])
    p = fresh_qcow2("rthuge.qcow2")
    patch(p, 56, ">I", 0x40000000)
    attack("qcow2 absurd refcount table size", p, ["absurd"])
    p = fresh_qcow2("rorder.qcow2")
    patch(p, 96, ">I", 7)
    attack("qcow2 refcount_order 7", p, ["refcount_order"])
    p = fresh_qcow2("rbonl1.qcow2")
    patch(p, 0x10000, ">Q", 0x30000)
    attack("qcow2 refcount block on top of the L1 table", p, ["overlaps"])
    p = fresh_qcow2("l2eof.qcow2")
    patch(p, 0x30000, ">Q", (1 << 63) | 0x10000000)
    attack("qcow2 L1 entry -> L2 table past end of file", p, ["outside the file"])
    p = fresh_qcow2("l2meta.qcow2")
    patch(p, 0x30000, ">Q", (1 << 63) | 0x20000)
    attack("qcow2 L1 entry -> L2 table inside a refcount block", p, ["overlaps"])
    p = fresh_qcow2("l1resv.qcow2")
    patch(p, 0x30000, ">Q", (1 << 63) | 0x40000 | 0x3)
    attack("qcow2 L1 entry with reserved bits", p, ["reserved bits"])
    p = fresh_qcow2("deof.qcow2")
    patch(p, 0x40000, ">Q", (1 << 63) | 0x40000000)
    attack("qcow2 L2 entry -> data past end of file", p, ["beyond the end"])
    p = fresh_qcow2("dmeta.qcow2")
    patch(p, 0x40000, ">Q", (1 << 63) | 0x10000)
    attack("qcow2 L2 entry -> data inside the refcount table", p, ["into metadata"])
    p = fresh_qcow2("dl1.qcow2")
    patch(p, 0x40008, ">Q", (1 << 63) | 0x30000)
    attack("qcow2 L2 entry -> data inside the L1 table (write target)", p,
           ["into metadata"])
    p = fresh_qcow2("dalign.qcow2")
    patch(p, 0x40000, ">Q", (1 << 63) | 0x50200)
    attack("qcow2 L2 entry unaligned", p, ["not cluster aligned"])
    p = fresh_qcow2("ceof.qcow2")
    patch(p, 0x40000, ">Q", (1 << 62) | 0x3fffffffff00)
    attack("qcow2 compressed cluster past end of file", p, ["outside the file"])
    p = fresh_qcow2("cgarbage.qcow2")
    patch(p, 0x40000, ">Q", (1 << 62) | (3 << 54) | 0x60000)
    attack("qcow2 compressed cluster that does not inflate", p, ["inflate"])
    p = fresh_qcow2("rcover.qcow2", opts="refcount_bits=1")
    patch(p, 0x40008, ">Q", (1 << 63) | 0x50000)  # second reference
    attack("qcow2 refcount overflow (2 references, 1-bit refcounts)", p,
           ["overflow"])
    p = fresh_qcow2("hlen.qcow2")
    patch(p, 100, ">I", 50)
    attack("qcow2 header_length 50", p, ["header_length"])
    p = fresh_qcow2("incompat.qcow2")
    patch(p, 72, ">Q", 1 << 40)
    attack("qcow2 unknown incompatible feature", p, ["incompatible"])
    p = fresh_qcow2("crypt.qcow2")
    patch(p, 32, ">I", 1)
    attack("qcow2 encrypted", p, ["encryption"])
    p = fresh_qcow2("datafile.qcow2")
    patch(p, 72, ">Q", 1 << 2)
    attack("qcow2 external data file", p, ["external data file"])
    p = fresh_qcow2("dirty.qcow2")
    patch(p, 72, ">Q", 1)
    attack("qcow2 dirty bit (write refused, read allowed)", p, ["dirty"])
    p = fresh_qcow2("corruptbit.qcow2")
    patch(p, 72, ">Q", 2)
    attack("qcow2 corrupt bit (write refused)", p, ["corrupt"])
    p = os.path.join(TMP, "short.qcow2")
    open(p, "wb").write(open(fresh_qcow2("short0.qcow2"), "rb").read(40))
    attack("qcow2 truncated header", p, ["truncated"])
    p = fresh_qcow2("ext.qcow2")
    patch(p, 112, ">I", 0xe2792aca)
    patch(p, 116, ">I", 0x7fffffff)
    attack("qcow2 header extension overrunning the cluster", p, ["overruns"])
    p = fresh_qcow2("snapl1.qcow2")
    qemu("qemu-img", "snapshot", "-c", "s1", p)
    patch(p, read(p, 64, ">Q"), ">Q", 0x7000000000)
    attack("qcow2 snapshot whose L1 table lies past end of file", p,
           ["outside the file"])
    p = fresh_qcow2("snapn.qcow2")
    qemu("qemu-img", "snapshot", "-c", "s1", p)
    patch(p, 60, ">I", 5000)
    attack("qcow2 snapshot count larger than the table", p,
           ["runs past the snapshot table"])
    p = fresh_qcow2("snapmany.qcow2")
    qemu("qemu-img", "snapshot", "-c", "s1", p)
    patch(p, 60, ">I", 0x7fffffff)
    attack("qcow2 absurd snapshot count", p, ["snapshots (at most"])
    p = fresh_qcow2("bname.qcow2")
    patch(p, 8, ">Q", 0xfff0)
    patch(p, 16, ">I", 1000)
    attack("qcow2 backing name outside the header cluster", p, ["backing file name"])


def chain_cases():
    victim = os.path.join(TMP, "victim.raw")
    open(victim, "wb").write(os.urandom(1 << 20))
    a, b = os.path.join(TMP, "loop-a.qcow2"), os.path.join(TMP, "loop-b.qcow2")
    qemu("qemu-img", "create", "-f", "qcow2", "-b", "victim.raw", "-F", "raw", a)
    qemu("qemu-img", "create", "-f", "qcow2", "-b", "loop-a.qcow2", "-F", "qcow2", b)
    # rewrite a's backing name "victim.raw" -> "loop-b.qcow" + "2" needs a
    # longer name: put the new name where the old one was and fix its length
    off, n = read(a, 8, ">Q"), read(a, 16, ">I")
    patch(a, off, "12s", b"loop-b.qcow2")
    patch(a, 16, ">I", 12)
    patch(a, 16, ">I", 12)
    attack("backing chain loop a -> b -> a", b, ["loops"])
    s = os.path.join(TMP, "self.qcow2")
    qemu("qemu-img", "create", "-f", "qcow2", "-b", "victim.raw", "-F", "raw", s)
    off = read(s, 8, ">Q")
    patch(s, off, "10s", b"self.qcow2")
    attack("backing file that is itself", s, ["loops"])
    prev = "victim.raw"
    for i in range(20):
        name = "deep%02d.qcow2" % i
        qemu("qemu-img", "create", "-f", "qcow2", "-b", prev, "-F",
             "raw" if i == 0 else "qcow2", "-u", os.path.join(TMP, name), "1M")
        prev = name
    attack("backing chain 20 images deep", os.path.join(TMP, prev), ["deeper"])
    ok = os.path.join(TMP, "deep14.qcow2")
    rc, msg = run("convert", "-O", "raw", ok, os.path.join(TMP, "out.raw"))
    report(rc == 0, "a 15-deep chain (within the limit) still opens", msg)


def vhd_cases():
    def fresh(name, fixed=False):
        path = os.path.join(TMP, name)
        cmd = ["qemu-img", "create", "-f", "vpc"]
        if fixed:
            cmd += ["-o", "subformat=fixed"]
        qemu(*(cmd + [path, "8M"]))
        qemu("qemu-io", "-f", "vpc", "-c", "write -P 2 0 64k", path)
        return path
    p = fresh("csum.vhd")
    patch(p, os.path.getsize(p) - 512 + 64, ">I", 1)
    attack("VHD footer checksum wrong", p, ["checksum"], "vpc")
    p = fresh("dtype.vhd")
    patch(p, os.path.getsize(p) - 512 + 60, ">I", 9)
    fix_vhd_footer(p)
    attack("VHD disk type 9", p, ["disk type"], "vpc")
    p = fresh("diff.vhd")
    patch(p, os.path.getsize(p) - 512 + 60, ">I", 4)
    fix_vhd_footer(p)
    attack("VHD differencing disk", p, ["differencing"], "vpc")
    p = fresh("vsize.vhd")
    end = os.path.getsize(p) - 512
    patch(p, end + 28, "4s", b"win ")
    patch(p, end + 48, ">Q", 1 << 60)
    fix_vhd_footer(p)
    attack("VHD absurd current size 2^60", p, ["absurd"], "vpc")
    p = fresh("hdroff.vhd")
    patch(p, os.path.getsize(p) - 512 + 16, ">Q", 1 << 40)
    fix_vhd_footer(p)
    attack("VHD dynamic header past end of file", p, ["dynamic header offset"], "vpc")
    p = fresh("bsize.vhd")
    patch(p, 512 + 32, ">I", 3 << 20)
    fix_vhd_header(p)
    attack("VHD block size 3 MiB", p, ["block size"], "vpc")
    p = fresh("bateof.vhd")
    patch(p, 1536, ">I", 0x7ffffff0)
    attack("VHD BAT entry past end of file", p, ["outside the data area"], "vpc")
    p = fresh("batmeta.vhd")
    patch(p, 1536, ">I", 3)  # sector 3: inside the dynamic header
    attack("VHD BAT entry into the headers", p, ["outside the data area"], "vpc")
    p = fresh("batdup.vhd")
    patch(p, 1540, ">I", read(p, 1536, ">I"))
    attack("VHD two BAT entries sharing a block", p, ["overlap"], "vpc")
    p = fresh("batn.vhd")
    patch(p, 512 + 28, ">I", 0x40000000)
    fix_vhd_header(p)
    attack("VHD absurd BAT entry count", p, ["BAT"], "vpc")
    p = fresh("fixtrunc.vhd", fixed=True)
    end = os.path.getsize(p) - 512
    patch(p, end + 28, "4s", b"win ")
    patch(p, end + 48, ">Q", 64 << 20)
    fix_vhd_footer(p)
    attack("fixed VHD claiming more than the file holds", p, ["truncated"], "vpc")


os.makedirs(TMP, exist_ok=True)
shutil.rmtree(TMP)
os.makedirs(TMP)
open(os.path.join(TMP, "bystander.raw"), "wb").write(os.urandom(1 << 20))
qcow2_cases()
chain_cases()
vhd_cases()
sys.exit(1 if failures else 0)

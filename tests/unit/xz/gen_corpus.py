#!/usr/bin/env python3
"""Writes the deterministic inputs of the XZ round-trip tests into DIR:
text (word salad, compressible), random bytes, a mix, tiny files, and
copies of x86-64 ELF binaries and dense branch opcodes for the BCJ filter.  Usage: gen_corpus.py DIR"""
import os
import random
import shutil
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(20261121)
words = [''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(rng.randint(1, 9)))
         for _ in range(3000)]


def text(n):
    parts, size = [], 0
    while size < n:
        line = ' '.join(rng.choice(words) for _ in range(rng.randint(3, 14))) + '\n'
        parts.append(line)
        size += len(line)
    return ''.join(parts).encode()[:n]


def put(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)


put('empty.raw', b'')
put('one.raw', b'x')
put('small.raw', text(3000))
put('text.raw', text(700_000))
put('random.raw', rng.randbytes(1_000_000))
mix = bytearray()
while len(mix) < 2_500_000:
    mix += text(rng.randint(1, 60000)) if rng.random() < 0.6 else rng.randbytes(rng.randint(1, 40000))
put('mix.raw', bytes(mix))
put('repeats.raw', b'abc' * 100000 + bytes(200000) + b'\xff' * 70000)
# dense E8/E9 opcodes and 0x00/0xFF operand bytes: every path of the
# x86 BCJ filter, including runs of candidates within 4 bytes of each other
alphabet = [0xE8, 0xE9, 0x00, 0xFF, 0x12, 0x80, 0x7F, 0x01]
put('bcj.raw', bytes(rng.choice(alphabet) if rng.random() < 0.9 else rng.randrange(256)
                     for _ in range(300_000)))
with open('/bin/bash', 'rb') as f:
    put('medium.raw', f.read(40000) + text(24000))
for name, path in (('elf_bash.raw', '/bin/bash'), ('elf_libc.raw', '/lib/x86_64-linux-gnu/libc.so.6')):
    shutil.copyfile(os.path.realpath(path), os.path.join(out, name))

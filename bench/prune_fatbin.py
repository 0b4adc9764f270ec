#!/usr/bin/env python3
"""Zeroes the CUDA machine code for every GPU architecture but one in a shared library's
.nv_fatbin section, so that an offline bundle of libtorch's CUDA build compresses to a third
(libtorch_cuda.so: 504 MB, 262 MB of it code for other architectures). Headers stay intact; the
CUDA runtime picks the entry matching the GPU and never reads the zeroed ones.

usage: prune_fatbin.py LIB ARCH OUT   (ARCH: 90 for H100/H200, 80 for A100, ...)
"""
import collections
import struct
import subprocess
import sys

lib, keep, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sections = subprocess.run(['readelf', '-S', '-W', lib], capture_output=True, text=True, check=True).stdout
row = next(line for line in sections.splitlines() if '.nv_fatbin' in line).split()
start, size = int(row[row.index('PROGBITS') + 2], 16), int(row[row.index('PROGBITS') + 3], 16)
data = bytearray(open(lib, 'rb').read())
pos, end = start, start + size
sizes, zeroed = collections.Counter(), 0
while pos < end:
    magic, _, header, body = struct.unpack_from('<IHHQ', data, pos)
    if magic != 0xBA55ED50:  # padding between containers
        pos += 8
        continue
    entry, stop = pos + header, pos + header + body
    while entry < stop:
        kind, _, ehead, payload = struct.unpack_from('<HHIQ', data, entry)
        arch = struct.unpack_from('<I', data, entry + 28)[0]
        if kind not in (1, 2) or ehead < 64 or entry + ehead + payload > stop:
            sys.exit(f'{lib}: unexpected fatbin entry at {entry:#x}; nothing written')
        sizes[('ptx' if kind == 1 else 'sm', arch)] += payload
        if kind == 2 and arch != keep:  # ELF for another architecture; PTX is kept
            data[entry + ehead:entry + ehead + payload] = bytes(payload)
            zeroed += payload
        entry += ehead + payload
    pos = stop
if not sizes[('sm', keep)]:
    sys.exit(f'{lib}: no machine code for sm_{keep}; nothing written')
for (kind, arch), n in sorted(sizes.items()):
    print(f'{kind}_{arch}: {n / 2**20:.0f} MB')
print(f'zeroed {zeroed / 2**20:.0f} MB')
open(out, 'wb').write(data)

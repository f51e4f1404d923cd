#!/usr/bin/env python3
"""Zero the GPU code of every architecture but one in a CUDA library's fatbins, so the library compresses small.

ONNX Runtime's CUDA provider (libonnxruntime_providers_cuda.so, 284 MB) carries each kernel as machine code for
sm_75, 80, 86, 89, 90 and 120: 208 MB of fatbin. The CUDA runtime loads only the entry that matches the GPU, so on an
H200 (sm_90) the other entries are never read. Zeroing them (headers kept, sizes unchanged) leaves a library that
behaves the same on that GPU and compresses to about 52 MB instead of 185 MB. Fatbins with no entry for the kept
architecture are left whole (the runtime may need their PTX or a compatible cubin).

Fatbin layout (as CUDA writes it, little-endian): a header {u32 magic 0xBA55ED50, u16 version, u16 header size,
u64 size of the entries}, then entries {u16 kind (1 PTX, 2 cubin), u16, u32 header size, u64 payload size, u32, u32,
u16 minor, u16 major, u32 sm, ...} each followed by its payload.

usage: keep-one-sm.py INPUT.so OUTPUT.so [SM=90]
"""
import re
import struct
import subprocess
import sys

FATBIN_MAGIC = 0xBA55ED50


def fatbin_section(path):
    sections = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True, check=True).stdout
    for line in sections.splitlines():
        match = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if match and match.group(1) == ".nv_fatbin":
            return int(match.group(2), 16), int(match.group(3), 16)
    raise SystemExit(f"{path} has no .nv_fatbin section")


def fatbins(data, start, end):
    """Yields the entries (kind, sm, payload offset, payload size) of each fatbin in [start, end)."""
    pos = start
    while pos < end:
        magic, _, header_size, size = struct.unpack_from("<IHHQ", data, pos)
        if magic != FATBIN_MAGIC:
            pos += 8  # fatbins are 8-byte aligned; skip padding
            continue
        entries, entry, stop = [], pos + header_size, pos + header_size + size
        while entry < stop:
            kind, _, entry_header, payload = struct.unpack_from("<HHIQ", data, entry)
            sm = struct.unpack_from("<I", data, entry + 28)[0]
            entries.append((kind, sm, entry + entry_header, payload))
            entry += entry_header + payload
        yield entries
        pos = stop


def main():
    source, target = sys.argv[1], sys.argv[2]
    keep = int(sys.argv[3]) if len(sys.argv) > 3 else 90
    data = bytearray(open(source, "rb").read())
    start, size = fatbin_section(source)
    zeroed = kept_whole = count = 0
    for entries in fatbins(data, start, start + size):
        count += 1
        if not any(kind == 2 and sm == keep for kind, sm, _, _ in entries):
            kept_whole += 1
            continue
        for kind, sm, offset, payload in entries:
            if sm != keep:
                data[offset:offset + payload] = bytes(payload)
                zeroed += payload
    open(target, "wb").write(data)
    print(f"{count} fatbins, sm_{keep} kept, {zeroed / 1e6:.1f} MB of other architectures zeroed, {kept_whole} fatbins without sm_{keep} left whole")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Exits 0 when a PNG screenshot shows a page, 1 when it looks blank: decodes the PNG with zlib
(8-bit RGB or RGBA, non-interlaced, as Chromium writes them), then counts distinct colours and the
share of pixels that are not the background colour."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise SystemExit(f"{path}: unsupported PNG (depth {depth}, colour {colour})")
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * step
    previous = bytearray(stride)
    rows = []
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up = previous[x]
            corner = previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, step, rows


def main():
    width, height, step, rows = pixels(sys.argv[1])
    counts = {}
    for line in rows[::4]:
        for x in range(0, len(line), step * 4):
            colour = line[x:x + 3]
            counts[colour] = counts.get(colour, 0) + 1
    total = sum(counts.values())
    background = max(counts.values())
    drawn = 1 - background / total
    print(f"{sys.argv[1]}: {width}x{height}, {len(counts)} colours, {drawn:.1%} not background")
    return 0 if len(counts) >= 16 and drawn >= 0.03 else 1


if __name__ == "__main__":
    sys.exit(main())

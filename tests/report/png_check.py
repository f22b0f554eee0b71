#!/usr/bin/env python3
"""Check that a PNG screenshot of report.html really shows the charts.

Usage: png_check.py FILE.png
Decodes the PNG with the standard library only (zlib), then checks that
the image is not blank and that each of the five score colours of the
stacked bars, and the bar colour of the means chart, covers some pixels.
Exit status 0 when all checks pass, 1 otherwise.
"""
import struct
import sys
import zlib

# score 1..5 fills and the means-chart bar colour, as in lib/report/html.c
COLOURS = {
    "score 1": (0x1A, 0x98, 0x50),
    "score 2": (0x91, 0xCF, 0x60),
    "score 3": (0xFE, 0xE0, 0x8B),
    "score 4": (0xFC, 0x8D, 0x59),
    "score 5": (0xD7, 0x30, 0x27),
    "mean bars": (0x9A, 0xB8, 0xD8),
}


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, width = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ValueError("unsupported PNG layout (depth %d, colour type %d)" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    width, height, bpp, rows = decode(sys.argv[1])
    counts = {}
    for line in rows:
        for x in range(0, width * bpp, bpp):
            px = line[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    total = width * height
    white = counts.get(b"\xff\xff\xff", 0)
    fail = []
    if width < 400 or height < 400:
        fail.append("image too small: %dx%d" % (width, height))
    if total - white < total * 0.05:
        fail.append("image is (almost) blank: %d of %d pixels not white" % (total - white, total))
    if len(counts) < 20:
        fail.append("only %d distinct colours" % len(counts))
    for name, rgb in COLOURS.items():
        n = sum(v for px, v in counts.items()
                if all(abs(px[i] - rgb[i]) <= 3 for i in range(3)))
        if n < 50:
            fail.append("%s colour #%02x%02x%02x covers only %d pixels" % ((name,) + rgb + (n,)))
    print("%dx%d, %d colours, %.1f%% non-white" % (width, height, len(counts),
          100.0 * (total - white) / total))
    for f in fail:
        print("FAIL: " + f)
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())

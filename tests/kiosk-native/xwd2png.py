#!/usr/bin/env python3
"""tests/kiosk-native/xwd2png.py — turns an X window dump (`xwd -root`, 24/32 bits per
pixel TrueColor, as Xvfb gives) into a PNG with the standard library only (no
ImageMagick here).

    python3 tests/kiosk-native/xwd2png.py in.xwd out.png
    from xwd2png import convert; convert('in.xwd', 'out.png')
"""
import struct
import sys
import zlib


def _shift(mask):
    s = 0
    while mask and not mask & 1:
        mask >>= 1
        s += 1
    return s


def convert(xwd_path, png_path):
    data = open(xwd_path, 'rb').read()
    (header_size, _version, _fmt, _depth, width, height, _xoff, byte_order, _unit, _bit_order, _pad, bpp,
     bytes_per_line, _visual, rmask, gmask, bmask, _bits_rgb, _cmap_entries, ncolors) = struct.unpack('>20I', data[:80])
    if bpp not in (24, 32):
        raise ValueError(f'{bpp} bits per pixel: only 24/32-bit TrueColor dumps are supported')
    pixels = data[header_size + ncolors * 12:]
    step = bpp // 8
    end = '<' if byte_order == 0 else '>'
    rs, gs, bs = _shift(rmask), _shift(gmask), _shift(bmask)
    rows = bytearray()
    for y in range(height):
        line = pixels[y * bytes_per_line:y * bytes_per_line + width * step]
        rows.append(0)  # PNG filter: none
        if step == 4:
            vals = struct.unpack(f'{end}{width}I', line)
        else:
            vals = [int.from_bytes(line[i:i + 3], 'little' if byte_order == 0 else 'big') for i in range(0, len(line), 3)]
        for v in vals:
            rows += bytes(((v & rmask) >> rs, (v & gmask) >> gs, (v & bmask) >> bs))

    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xFFFFFFFF)

    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(bytes(rows), 6)) + chunk(b'IEND', b'')
    with open(png_path, 'wb') as f:
        f.write(png)


if __name__ == '__main__':
    convert(sys.argv[1], sys.argv[2])

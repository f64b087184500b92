"""A small deterministic PNG writer (8-bit grey, RGB or RGBA), so that numpy images can be written
without Pillow. Rows are stored with filter 0; zlib level 6."""
import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(pixels) -> bytes:
    """Encode an ``H x W`` (grey), ``H x W x 3`` (RGB) or ``H x W x 4`` (RGBA) uint8 array as PNG."""
    a = np.asarray(pixels)
    if a.dtype != np.uint8:
        if np.issubdtype(a.dtype, np.floating) and a.size and np.nanmin(a) >= 0.0 and np.nanmax(a) <= 1.0:
            a = np.round(np.nan_to_num(a) * 255.0).astype(np.uint8)
        else:
            raise ValueError(f"image array has dtype {a.dtype}; expected uint8 (or floats in [0, 1])")
    if a.ndim == 2:
        colour = 0
        a = a[:, :, None]
    elif a.ndim == 3 and a.shape[2] in (1, 3, 4):
        colour = {1: 0, 3: 2, 4: 6}[a.shape[2]]
    else:
        raise ValueError(f"image array has shape {a.shape}; expected (H, W), (H, W, 3) or (H, W, 4)")
    h, w = a.shape[0], a.shape[1]
    if h < 1 or w < 1:
        raise ValueError(f"image array has shape {a.shape}; it must be at least 1 x 1")
    rows = np.ascontiguousarray(a).reshape(h, w * a.shape[2])
    raw = np.zeros((h, rows.shape[1] + 1), dtype=np.uint8)
    raw[:, 1:] = rows
    header = struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + _chunk(b"IEND", b"")

"""PNG bytes of a palette image, compressed band by band (no Pillow plugin).

Contract: ``encode_palette_png(image, dpi, level)`` returns the PNG file of a palette
("P") image: IHDR, PLTE (the entries the image's palette holds), pHYs, one IDAT, IEND;
every row with filter 0 (none). The IDAT's zlib stream is one header, then the rows
cut in horizontal bands of ``BAND_ROWS`` rows, each compressed by a fresh raw deflate
stream ended with a sync flush (so each band's compressed bytes depend only on its
own bytes, the level and ``zlib``), an empty final block, and the Adler-32 of all the
rows (combined from the bands'). A band whose bytes equal the same band of the last
image of the same size and level reuses its compressed bytes (``BANDS``, one entry per
band position, bounded in entries and bytes): bands that do not change from one city to the next (the
slogan, the hashtag) are not compressed again. The file's bytes never depend on what
is cached. ``forget_bands()`` empties the cache.

Why bands: besides the reuse, a band (≤ 64 KB) fits deflate's window, so zlib never
slides it (sliding its hash tables cost as much as compressing these flat images);
each band's own Huffman tables also make files ≈ 3 % smaller than one stream.
"""

from __future__ import annotations

import struct
import zlib

from PIL import Image as PILImage

BAND_ROWS = 60  # 60 rows of 1,081 bytes: 64,860 bytes, under deflate's 65,274 before a slide
_MAX_BAND_BYTES = 65_000  # wider images get fewer rows per band
_ADLER_BASE = 65521
_FINAL_BLOCK = b"\x03\x00"  # an empty final block (fixed Huffman codes, end of block)

# (width, height, level, band index) -> (raw bytes, compressed bytes, adler32 of raw)
BANDS: dict[tuple[int, int, int, int], tuple[bytes, bytes, int]] = {}
_BANDS_MAX = 512
_BANDS_BYTES_MAX = 8_000_000  # raw bytes kept (about 7 square visuals)
_kept = [0]  # raw bytes in BANDS


def forget_bands() -> None:
    BANDS.clear()
    _kept[0] = 0


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """Adler-32 of a + b from adler32(a), adler32(b) and len(b) (as zlib's own)."""
    a1, b1 = first & 0xFFFF, first >> 16
    a2, b2 = second & 0xFFFF, second >> 16
    a = (a1 + a2 - 1) % _ADLER_BASE
    b = (b1 + b2 + second_length * (a1 - 1)) % _ADLER_BASE
    return (b << 16) | a


def band_rows(row_bytes: int) -> int:
    """Rows per band for rows of ``row_bytes`` bytes (filter byte included)."""
    return max(1, min(BAND_ROWS, _MAX_BAND_BYTES // row_bytes))


def compress_rows(data: bytes, row_bytes: int, height: int, level: int) -> bytes:
    """The zlib stream of ``data`` (``height`` rows of ``row_bytes``), band by band."""
    step = band_rows(row_bytes) * row_bytes
    parts = [_zlib_header(level)]
    adler = 1
    for index, start in enumerate(range(0, len(data), step)):
        band = data[start:start + step]
        key = (row_bytes, height, level, index)
        found = BANDS.get(key)
        if found is not None and found[0] == band:
            packed, band_adler = found[1], found[2]
        else:
            packer = zlib.compressobj(level, zlib.DEFLATED, -15)
            packed = packer.compress(band) + packer.flush(zlib.Z_SYNC_FLUSH)
            band_adler = zlib.adler32(band)
            if found is not None:  # replaced below
                _kept[0] -= len(found[0])
                del BANDS[key]
            if len(BANDS) >= _BANDS_MAX or _kept[0] + len(band) > _BANDS_BYTES_MAX:
                forget_bands()
            BANDS[key] = (band, packed, band_adler)
            _kept[0] += len(band)
        parts.append(packed)
        adler = adler32_combine(adler, band_adler, len(band))
    parts.append(_FINAL_BLOCK)
    parts.append(struct.pack(">I", adler))
    return b"".join(parts)


def _zlib_header(level: int) -> bytes:
    """The two bytes zlib writes before a stream at ``level`` (window 32 KB)."""
    return zlib.compress(b"", level)[:2]


def encode_palette_png(image: PILImage.Image, dpi: float, level: int) -> bytes:
    """A palette image as PNG bytes (see module docstring)."""
    width, height = image.size
    palette = bytes(image.getpalette() or [])  # the entries the painter allocated
    # Each PNG row starts with its filter byte (0, none): the image is pasted one pixel
    # to the right of a column of zeros, and its bytes are the rows as PNG wants them.
    rows = PILImage.new("P", (width + 1, height), 0)
    rows.paste(image, (1, 0))
    per_metre = int(dpi / 0.0254 + 0.5)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
        _chunk(b"PLTE", palette),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", compress_rows(rows.tobytes(), width + 1, height, level)),
        _chunk(b"IEND", b""),
    ))

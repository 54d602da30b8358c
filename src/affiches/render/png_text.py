"""Text lines as 8-bit coverage masks for the PNG paths, and their bounded caches.

Contract: ``line_mask(item, scale)`` returns the coverage mask of one ``TextLine`` at
``scale`` pixels per point and the pixel position of its top-left corner: what
``ImageDraw.text(xy, run, anchor="ls")`` draws glyph by glyph in white on black (same
FreeType calls through ``pil_font``, same integer positions). Rendered lines (keyed by
font, size, text, positions and sub-pixel offset) and single glyphs (keyed by font,
size, character and the class of sub-pixel offset Pillow's rasteriser distinguishes:
see ``_glyph``) are kept in LRU caches bounded in pixels, so what does not change from
one city to the next is rasterised once per process. ``mapped_line(mask, ramp)`` maps a
cached mask to palette indices, itself cached. ``forget_text_caches()`` empties all.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageFont

from affiches.scene import TextLine

LINE_CACHE_PIXELS = 8_000_000  # bound of the rendered-line cache (8-bit pixels)
GLYPH_CACHE_PIXELS = 4_000_000  # bound of the single-glyph cache
MAPPED_CACHE_PIXELS = 4_000_000  # bound of the cache of lines mapped to palette indices


@lru_cache(maxsize=32)  # a batch sets city names at many sizes: keep memory flat
def pil_font(path: Path, size_px: float) -> ImageFont.FreeTypeFont:
    """The Pillow font both PNG paths draw with (basic layout: positions come from the scene)."""
    return ImageFont.truetype(str(path), size=size_px, layout_engine=ImageFont.Layout.BASIC)


class _LineCache:
    """LRU of rendered text lines (coverage mask + offset), bounded in pixels."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[tuple[object, ...], tuple[PILImage.Image, int, int]] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> tuple[PILImage.Image, int, int] | None:
        found = self.items.get(key)
        if found is not None:
            self.items.move_to_end(key)
        return found

    def put(self, key: tuple[object, ...], value: tuple[PILImage.Image, int, int]) -> None:
        size = value[0].width * value[0].height
        if size > self.budget:
            return
        self.items[key] = value
        self.used += size
        while self.used > self.budget:
            _key, (old, _x, _y) = self.items.popitem(last=False)
            self.used -= old.width * old.height

    def clear(self) -> None:
        self.items.clear()
        self.used = 0


LINES = _LineCache(LINE_CACHE_PIXELS)
GLYPHS = _LineCache(GLYPH_CACHE_PIXELS)


def map_indices(image: PILImage.Image, table: Sequence[int]) -> PILImage.Image:
    """``image.point(table)`` for an 8-bit table, without Pillow re-rounding the table."""
    return image._new(image.im.point(list(table), None))


def _glyph_runs(item: TextLine) -> list[tuple[float, str]]:
    if item.positions:
        return [(dx, ch) for dx, ch in zip(item.positions, item.text, strict=True) if not ch.isspace()]
    return list(item.chunks)


_EDGE_MARGIN = 0.02  # in 1/64 pixel: float32 rounding of offsets up to ~1,000 pixels


def _classifiable(fraction: float) -> bool:
    """0, or clearly inside (0, 1) once Pillow has made it a 32-bit float."""
    return fraction == 0 or 1e-30 < fraction < 1 - 1e-4


def _glyph(path: Path, size_px: float, font: ImageFont.FreeTypeFont, run: str, fx: float,
           fy: float) -> tuple[PILImage.Image, int, int]:
    """``font.getmask2(run, "L", anchor="ls", start=(fx, fy))`` as an image and its offset.

    For one character, Pillow renders the glyph at a whole-pixel origin (FreeType gets no
    sub-pixel shift): the start offset only decides, through ``round(… * 64)`` and
    ``ceil``, whether the bitmap lands one pixel further right or down and the mask
    grows by one pixel. Glyphs are cached by that class of offset; offsets too close to
    a rounding edge to classify, runs of several characters and negative offsets are
    rendered every time. (Pillow computes in 32-bit floats: tiny offsets may become 0,
    offsets near 1 become 1, and the pixel edges blur by the glyph's size: margins.)"""
    tx, ty = fx * 64, fy * 64
    cacheable = (len(run) == 1 and _classifiable(fx) and _classifiable(fy)
                 and abs(tx - 31.5) > _EDGE_MARGIN and abs(ty - 32.5) > _EDGE_MARGIN)
    if cacheable:
        key = (path, size_px, run, fx > 0, tx > 31.5, fy > 0, ty > 32.5)
        found = GLYPHS.get(key)
        if found is not None:
            return found
    core, offset = font.getmask2(run, "L", anchor="ls", start=(fx, fy))
    glyph = (PILImage.Image()._new(core), offset[0], offset[1])  # wraps the core, no copy
    if cacheable:
        GLYPHS.put(key, glyph)
    return glyph


def line_mask(item: TextLine, scale: float) -> tuple[PILImage.Image, int, int]:
    """Coverage mask of one text line and the pixel position of its top-left corner.

    Each glyph run is rasterised exactly as ``ImageDraw.text(xy, run, anchor="ls")``
    does (integer part of the position, fractional part given to FreeType), so the
    mask is what the general path would draw in white on black."""
    x0, y0 = item.x * scale, item.baseline * scale
    ix, iy = math.floor(x0), math.floor(y0)
    key = (item.font_path, item.size * scale, item.text, item.positions, item.chunks,
           x0 - ix, y0 - iy)
    found = LINES.get(key)
    if found is not None:
        mask, left, top = found
        return mask, left + ix, top + iy
    size_px = item.size * scale
    font = pil_font(item.font_path, size_px)
    pieces = []
    for dx, run in _glyph_runs(item):
        x = x0 + dx * scale
        y = y0
        core, ox, oy = _glyph(item.font_path, size_px, font, run, math.modf(x)[0], math.modf(y)[0])
        if core.width == 0 or core.height == 0:
            continue
        pieces.append((int(x) + ox - ix, int(y) + oy - iy, core))
    if not pieces:
        empty = (PILImage.new("L", (1, 1), 0), 0, 0)
        LINES.put(key, empty)
        return empty[0], ix, iy
    left = min(p[0] for p in pieces)
    top = min(p[1] for p in pieces)
    right = max(p[0] + p[2].width for p in pieces)
    bottom = max(p[1] + p[2].height for p in pieces)
    mask = PILImage.new("L", (right - left, bottom - top), 0)
    for px, py, glyph in pieces:
        box = (px - left, py - top, px - left + glyph.width, py - top + glyph.height)
        mask.paste(255, box, glyph)  # "over" blending, as ImageDraw.draw_bitmap
    LINES.put(key, (mask, left, top))
    return mask, left + ix, top + iy


class MappedCache:
    """LRU of line masks mapped through a ramp, bounded in pixels: a line that does not
    change from one city to the next (slogan, hashtag) is mapped once per palette."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[tuple[int, tuple[int, ...]], tuple[PILImage.Image, PILImage.Image]] = OrderedDict()

    def get(self, mask: PILImage.Image, ramp: tuple[int, ...]) -> PILImage.Image:
        key = (id(mask), ramp)
        found = self.items.get(key)
        if found is not None and found[0] is mask:
            self.items.move_to_end(key)
            return found[1]
        mapped = map_indices(mask, ramp)
        size = mask.width * mask.height
        if size <= self.budget:
            # The mask is kept with its mapping: its id cannot be reused meanwhile.
            self.items[key] = (mask, mapped)
            self.used += size
            while self.used > self.budget:
                _key, (old, _mapped) = self.items.popitem(last=False)
                self.used -= old.width * old.height
        return mapped

    def clear(self) -> None:
        self.items.clear()
        self.used = 0


MAPPED = MappedCache(MAPPED_CACHE_PIXELS)


def mapped_line(mask: PILImage.Image, ramp: tuple[int, ...]) -> PILImage.Image:
    return MAPPED.get(mask, ramp)




def forget_text_caches() -> None:
    """Drop the fonts, rendered lines and glyphs, and mapped lines (a font file changed)."""
    pil_font.cache_clear()
    LINES.clear()
    GLYPHS.clear()
    MAPPED.clear()

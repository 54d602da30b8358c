"""Fast PNG path for flat pages: palette indices drawn directly, no quantizer.

Contract: ``render_flat(scene, page, size)`` paints page ``page`` (0-based) of ``scene``
at ``size`` pixels and returns a palette ("P") image, or ``None`` when the page is not
flat and the caller must take the general path (``render.png``: RGB drawing, then a
palette). A page is flat when it holds no picture (``scene.Image``, ``scene.Picture``), every text block
sits on one flat colour, and its colours and text ramps fit in 256 palette entries.

How: shapes and QR codes are drawn with the palette index of their colour (Pillow
draws them without anti-aliasing, as the general path does). The text of each block
(consecutive lines of one block and one colour) is drawn into an 8-bit coverage mask
with the same FreeType calls, positions and sub-pixel offsets ``ImageDraw.text`` uses,
and coverage is mapped to palette indices with ``Image.point``: a ramp of
``RAMP_LEVELS`` colours from the background under the block to the text colour (each
pixel is at most ``MAX_RAMP_ERROR`` levels per channel from the general path's RGB
drawing, before its palette). Rendered lines and QR tiles are kept in bounded caches,
so what does not change from one city to the next (the slogan, the hashtag, the QR
code) is drawn once per process. Output is deterministic: palette entries are
allocated in drawing order (``render.png_encode`` writes such an image as PNG bytes).
``forget_caches()`` drops what is cached (a font changed).
"""

from __future__ import annotations

import math
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageDraw

from affiches.render.png_encode import forget_bands
from affiches.render.png_text import forget_text_caches, line_mask, map_indices, mapped_line, pil_font
from affiches.scene import Image, Line, Picture, QRCode, Rect, Scene, TextLine

RAMP_LEVELS = 16  # colours from background (level 0) to text colour (last level)
MAX_RAMP_ERROR = math.ceil(255 / (RAMP_LEVELS - 1) / 2)  # per channel, against exact blending
_BINARY = [0] + [255] * 255  # coverage -> paste mask (any ink is painted)


__all__ = ["MAX_RAMP_ERROR", "NotFlat", "forget_caches", "line_mask", "pil_font", "render_flat"]


class NotFlat(Exception):
    """The page needs the general path (internal signal, never reaches a user)."""


def forget_caches() -> None:
    """Drop the fonts, rendered lines and QR tiles kept by this process (a font file changed)."""
    forget_text_caches()
    _qr_tile.cache_clear()
    forget_bands()


@lru_cache(maxsize=8)
def _qr_tile(matrix: tuple[tuple[bool, ...], ...], quiet: int, module: int,
             dark: int, light: int) -> PILImage.Image:
    count = len(matrix) + 2 * quiet
    tile = PILImage.new("L", (count, count), light)
    tile.putdata([dark if (0 <= r - quiet < len(matrix) and 0 <= c - quiet < len(matrix)
                           and matrix[r - quiet][c - quiet]) else light
                  for r in range(count) for c in range(count)])
    return tile.resize((count * module, count * module), PILImage.Resampling.NEAREST)


class FlatPainter:
    """Paints one flat page into palette indices (see module docstring)."""

    def __init__(self, scene: Scene, size: tuple[int, int]) -> None:
        self.scale = size[0] / scene.width
        self.colors: list[tuple[int, int, int]] = []
        self.index: dict[tuple[int, int, int], int] = {}
        self.ramps: dict[tuple[int, int], tuple[int, ...]] = {}
        self.background = self.color(scene.background.rgb255())
        self.canvas = PILImage.new("L", size, self.background)
        self.draw = ImageDraw.Draw(self.canvas)
        self.pending: list[TextLine] = []
        # What has been painted where, latest last: (left, top, right, bottom, index), the
        # index of the flat colour that fills the box, or -1 (several colours: text, QR...).
        self.regions: list[tuple[int, int, int, int, int]] = []

    def color(self, rgb: tuple[int, int, int]) -> int:
        found = self.index.get(rgb)
        if found is None:
            if len(self.colors) >= 256:
                raise NotFlat("more than 256 colours")
            found = self.index[rgb] = len(self.colors)
            self.colors.append(rgb)
        return found

    def ramp(self, fg: int, bg: int) -> tuple[int, ...]:
        """Coverage (0–255) -> palette index, from background ``bg`` to text colour ``fg``."""
        found = self.ramps.get((fg, bg))
        if found is None:
            top = RAMP_LEVELS - 1
            if len(self.colors) + top - 1 > 256:
                raise NotFlat("palette full")
            a, b = self.colors[bg], self.colors[fg]
            levels = [bg]
            for level in range(1, top):
                t = level / top
                rgb = tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))
                levels.append(self.index.get(rgb) if rgb in self.index else self._append(rgb))  # type: ignore[arg-type]
            levels.append(fg)
            found = self.ramps[(fg, bg)] = _ramp_table(tuple(levels))
        return found

    def _append(self, rgb: tuple[int, int, int]) -> int:
        # Ramp entries are not looked up as flat colours (a later shape of that exact
        # colour gets its own entry), so each ramp stays contiguous and ordered.
        self.colors.append(rgb)
        return len(self.colors) - 1

    def paint(self, scene: Scene, page: int) -> PILImage.Image:
        for item in scene.pages[page].items:
            kind = type(item)
            if kind is TextLine:
                assert isinstance(item, TextLine)
                if self.pending and (self.pending[-1].block != item.block
                                     or self.pending[-1].color != item.color):
                    self.flush()
                self.pending.append(item)
                continue
            self.flush()
            if kind is Rect:
                self.rect(item)  # type: ignore[arg-type]
            elif kind is Line:
                self.line(item)  # type: ignore[arg-type]
            elif kind is QRCode:
                self.qr(item)  # type: ignore[arg-type]
            else:  # pictures (and anything new) take the general path
                raise NotFlat(kind.__name__)
        self.flush()
        if len(self.colors) > 256:
            raise NotFlat("palette full")
        image = self.canvas
        image.putpalette([channel for rgb in self.colors for channel in rgb])
        return image

    def rect(self, item: Rect) -> None:
        scale = self.scale
        box = [round(item.x * scale), round(item.y * scale),
               round((item.x + item.width) * scale) - 1, round((item.y + item.height) * scale) - 1]
        fill = self.color(item.fill.rgb255()) if item.fill else None
        outline = (self.color(item.stroke.rgb255())
                   if item.stroke and item.stroke_width > 0 else None)
        width = max(1, round(item.stroke_width * scale)) if outline is not None else 0
        if item.ellipse:
            self.draw.ellipse(box, fill=fill, outline=outline, width=width)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=width)
        flat = (fill is not None and not item.ellipse and outline in (None, fill)
                and box[2] >= box[0] and box[3] >= box[1])
        self.painted(box[0] - 1, box[1] - 1, box[2] + 2, box[3] + 2, -1)  # edges: not trusted
        if flat:
            self.painted(box[0], box[1], box[2] + 1, box[3] + 1, fill)  # type: ignore[arg-type]

    def line(self, item: Line) -> None:
        scale = self.scale
        width = max(1, round(item.width * scale))
        self.draw.line([(item.x1 * scale, item.y1 * scale), (item.x2 * scale, item.y2 * scale)],
                       fill=self.color(item.color.rgb255()), width=width)
        xs, ys = (item.x1 * scale, item.x2 * scale), (item.y1 * scale, item.y2 * scale)
        self.painted(math.floor(min(xs)) - width - 2, math.floor(min(ys)) - width - 2,
                     math.ceil(max(xs)) + width + 3, math.ceil(max(ys)) + width + 3, -1)

    def qr(self, item: QRCode) -> None:
        """Modules on whole pixels, the symbol centred in its box (as the general path)."""
        scale = self.scale
        count = len(item.matrix) + 2 * item.quiet_zone
        module = max(1, int(item.size * scale / count + 1e-6))
        side = module * count
        x0 = round(item.x * scale + (item.size * scale - side) / 2)
        y0 = round(item.y * scale + (item.size * scale - side) / 2)
        tile = _qr_tile(item.matrix, item.quiet_zone, module, self.color(item.dark.rgb255()),
                        self.color(item.light.rgb255()))
        self.canvas.paste(tile, (x0, y0))
        self.painted(x0, y0, x0 + tile.width, y0 + tile.height, -1)

    def painted(self, left: int, top: int, right: int, bottom: int, index: int) -> None:
        self.regions.append((left, top, right, bottom, index))

    def flat_under(self, left: int, top: int, right: int, bottom: int) -> int:
        """The one colour under the box if the painting history proves it, else -1."""
        for r_left, r_top, r_right, r_bottom, index in reversed(self.regions):
            if r_left >= right or r_right <= left or r_top >= bottom or r_bottom <= top:
                continue  # not touching the box
            if index >= 0 and r_left <= left and r_top <= top and r_right >= right and r_bottom >= bottom:
                return index  # a flat fill covering the whole box, nothing painted over it since
            return -1
        return self.background

    def flush(self) -> None:
        """Draw the pending text block: coverage masks mapped through one ramp, pasted."""
        lines, self.pending = self.pending, []
        if not lines:
            return
        scale = self.scale
        placed = [line_mask(item, scale) for item in lines]
        placed = [p for p in placed if p[0].width > 1 or p[0].getpixel((0, 0))]
        if not placed:
            return
        left = min(x for _m, x, _y in placed)
        top = min(y for _m, _x, y in placed)
        right = max(x + m.width for m, x, _y in placed)
        bottom = max(y + m.height for m, _x, y in placed)
        width, height = self.canvas.size
        if left >= 0 and top >= 0 and right <= width and bottom <= height:
            under = self.flat_under(left, top, right, bottom)
            if under >= 0 and _apart(placed):
                # One known colour under the block and lines that do not overlap: each
                # line's mapped mask pasted whole is what the block's would give.
                ramp = self.ramp(self.color(lines[0].color.rgb255()), under)
                for mask, x, y in placed:
                    self.canvas.paste(mapped_line(mask, ramp), (x, y))
                self.painted(left, top, right, bottom, -1)
                return
        self._flush_block(lines, placed, left, top, right, bottom)

    def _flush_block(self, lines: list[TextLine], placed: list[tuple[PILImage.Image, int, int]],
                     left: int, top: int, right: int, bottom: int) -> None:
        """The general case: one mask for the block, clipped, the colours under it read."""
        if len(placed) == 1:
            block = placed[0][0]
        else:
            block = PILImage.new("L", (right - left, bottom - top), 0)
            for mask, x, y in placed:
                block.paste(255, (x - left, y - top, x - left + mask.width, y - top + mask.height), mask)
        # Clip to the page.
        width, height = self.canvas.size
        if left < 0 or top < 0 or right > width or bottom > height:
            cl, ct = max(0, left), max(0, top)
            cr, cb = min(width, right), min(height, bottom)
            if cr <= cl or cb <= ct:
                return
            block = block.crop((cl - left, ct - top, cr - left, cb - top))
            left, top, right, bottom = cl, ct, cr, cb
        box = (left, top, right, bottom)
        self.painted(left, top, right, bottom, -1)
        fg = self.color(lines[0].color.rgb255())
        low, high = self.canvas.crop(box).getextrema()
        if low == high:  # one flat colour under the whole box: coverage 0 maps to it
            self.canvas.paste(map_indices(block, self.ramp(fg, int(low))), box)  # type: ignore[arg-type]
            return
        ink = map_indices(block, _BINARY)
        under = self.canvas.crop(box).histogram(mask=ink)
        backgrounds = [index for index, count in enumerate(under) if count]
        if len(backgrounds) != 1:  # text across two colours, or over other text
            raise NotFlat("text over several colours")
        self.canvas.paste(map_indices(block, self.ramp(fg, backgrounds[0])), box, ink)


def _apart(placed: list[tuple[PILImage.Image, int, int]]) -> bool:
    """Whether no two line masks overlap (each line then pastes alone)."""
    boxes = [(x, y, x + m.width, y + m.height) for m, x, y in placed]
    return all(a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
               for i, a in enumerate(boxes) for b in boxes[i + 1:])


@lru_cache(maxsize=64)
def _ramp_table(levels: tuple[int, ...]) -> tuple[int, ...]:
    """Coverage (0–255) -> one of ``levels`` (palette indices, background first)."""
    top = len(levels) - 1
    return tuple(levels[(c * top + 127) // 255] for c in range(256))


def render_flat(scene: Scene, page: int, size: tuple[int, int]) -> PILImage.Image | None:
    """Page ``page`` of ``scene`` as a palette image, or None if it is not flat."""
    if any(type(item) in (Image, Picture) for item in scene.pages[page].items):
        return None  # photos and logos: the general path
    try:
        return FlatPainter(scene, size).paint(scene, page)
    except NotFlat:
        return None

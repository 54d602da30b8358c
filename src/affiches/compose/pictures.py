"""Composition of users' pictures: logos in their slot, the photo behind the text.

Contract (pure: pixels in, pixels out, no file access). The block composers
``compose_logos`` and ``compose_photo`` (registered in ``compose.COMPOSERS``) call:
- ``logo_pictures(box, logos, gap, align)``: every logo at one common height, side by
  side with ``gap`` points between them, as large as the slot allows, never distorted,
  centred vertically and aligned horizontally as the block says.
- ``photo_picture(box, pixels, photo, focus, block)``: the photo cropped around the
  focal point to the box's proportions and resized to ``pixels`` (the output's own
  pixels for a screen layout; ``PHOTO_DPI`` for print).
- ``darken_photos(items, tints, name)``: for each photo of a page, the smallest
  opacity of the layout's tint (from its minimum to its maximum) for which every text
  line drawn over it reaches the WCAG contrast (4.5:1; 3:1 for large text), measured
  on the real pixels behind the line's ink (``ink_boxes``: each glyph's box from the
  font's glyph bounds, with a small halo): the tinted photo with every shape the page
  draws over it before that line. Raises ``ImageError`` naming the block when the maximum is
  not enough. Returns the page's items with the photo replaced by its tinted pixels.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageDraw

from affiches.gabarits import Layout, LogoBlock, PhotoBlock
from affiches.images.artwork import NO_PICTURES, Artwork, UserPictures, side_by_side
from affiches.images.load import open_raster
from affiches.images.photo import TextCheck, crop_fill, darken_until
from affiches.scene import Picture, Primitive, Rect, TextLine
from affiches.text.fonts import FontMetrics

PHOTO_DPI = 150  # a photo behind a printed poster: more would only weigh
HALO = 0.04  # em around each glyph's box: its anti-aliased edge
BOLD_NAMES = ("Bold", "Black", "Heavy", "ExtraBold", "SemiBold")


@dataclass(frozen=True)
class Tint:
    """How a layout darkens its photo: the colour laid over it, opacity bounds."""

    color: tuple[int, int, int] = (0, 0, 0)
    minimum: float = 0.2
    maximum: float = 0.8


def _png(image: PILImage.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def logo_pictures(box: tuple[float, float, float, float], logos: Sequence[Artwork], gap: float,
                  align: str, block: str = "") -> list[Primitive]:
    """The logos as ``Picture`` primitives, side by side (``artwork.side_by_side``)."""
    boxes = side_by_side(box, [logo.aspect for logo in logos], gap, align)
    return [Picture(x, y, w, h, logo.kind, logo.data, logo.name, logo.digest, logo.opaque, "logo", block)
            for logo, (x, y, w, h) in zip(logos, boxes, strict=True)]


@lru_cache(maxsize=8)  # a batch crops the same photo for every city: once per format
def _cropped(photo: Artwork, pixels: tuple[int, int], focus: tuple[float, float]) -> bytes:
    return _png(crop_fill(open_raster(photo), pixels, focus))


def photo_picture(box: tuple[float, float, float, float], pixels: tuple[int, int], photo: Artwork,
                  focus: tuple[float, float], block: str = "") -> Picture:
    data = _cropped(photo, pixels, focus)
    return Picture(*box, kind="raster", data=data, name=photo.name,
                   digest=f"{photo.digest}:{pixels[0]}x{pixels[1]}:{focus[0]:.3f},{focus[1]:.3f}",
                   opaque=True, role="photo", block=block)


def print_pixels(width_pt: float, height_pt: float) -> tuple[int, int]:
    return (max(1, round(width_pt / 72 * PHOTO_DPI)), max(1, round(height_pt / 72 * PHOTO_DPI)))


def is_large(line: TextLine) -> bool:
    """WCAG large text: 18 pt, or 14 pt bold."""
    bold = any(word in line.font_name for word in BOLD_NAMES)
    return line.size >= 18 - 1e-6 or (bold and line.size >= 14 - 1e-6)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _draw_shapes(image: PILImage.Image, shapes: Sequence[Rect], origin: tuple[float, float],
                 scale: float) -> PILImage.Image:
    if not shapes:
        return image
    image = image.copy()
    draw = ImageDraw.Draw(image)
    for shape in shapes:
        if shape.fill is None:
            continue
        box = [round((shape.x - origin[0]) * scale), round((shape.y - origin[1]) * scale),
               round((shape.x + shape.width - origin[0]) * scale) - 1,
               round((shape.y + shape.height - origin[1]) * scale) - 1]
        if shape.ellipse:
            draw.ellipse(box, fill=shape.fill.rgb255())
        else:
            draw.rectangle(box, fill=shape.fill.rgb255())
    return image


def ink_boxes(line: TextLine) -> list[tuple[float, float, float, float]]:
    """Where a line's ink is, in points: one box per inked glyph, from its origin to its
    advance and from its highest to its lowest point (the font's own glyph bounds),
    widened by ``HALO`` em on every side for the anti-aliased edge."""
    metrics = FontMetrics.load(line.font_path)  # already loaded with the layout: no file read
    scale = line.size / metrics.units_per_em
    halo = HALO * line.size
    positions = line.positions or tuple(units * scale for units in metrics.positions(line.text))
    boxes = []
    for char, dx in zip(line.text, positions, strict=False):
        glyph = metrics.cmap.get(ord(char))
        if glyph is None or char.isspace():
            continue
        top, bottom = metrics.glyph_tops.get(glyph, 0), metrics.glyph_bottoms.get(glyph, 0)
        if top <= bottom:
            continue
        left = line.x + dx
        width = metrics.char_width(char) * scale
        boxes.append((left - halo, line.baseline - top * scale - halo,
                      left + width + halo, line.baseline - bottom * scale + halo))
    return boxes


def darken_photos(items: Sequence[Primitive], tints: Mapping[str, Tint]) -> list[Primitive]:
    result = list(items)
    for index, item in enumerate(items):
        if not isinstance(item, Picture) or item.role != "photo":
            continue
        tint = tints.get(item.block, Tint())
        with PILImage.open(io.BytesIO(item.data), formats=["PNG"]) as source:
            photo = source.convert("RGB")
        scale = photo.width / item.width  # pixels per point
        area = (item.x, item.y, item.x + item.width, item.y + item.height)
        shapes: list[Rect] = []
        layers: list[list[Rect]] = [[]]
        checks: list[TextCheck] = []
        for later in items[index + 1:]:
            if isinstance(later, Rect):
                shapes.append(later)
                layers.append(list(shapes))
            elif isinstance(later, TextLine):
                boxes = tuple(
                    (round((x0 - item.x) * scale), round((y0 - item.y) * scale),
                     round((x1 - item.x) * scale), round((y1 - item.y) * scale))
                    for x0, y0, x1, y1 in ink_boxes(later) if _overlaps((x0, y0, x1, y1), area)
                )
                if boxes:
                    checks.append(TextCheck(later.block, boxes, later.color.luminance(),
                                            3.0 if is_large(later) else 4.5, len(layers) - 1))
        if not checks:
            continue

        def backdrop(candidate: PILImage.Image, layer: int, _layers: list[list[Rect]] = layers,
                     _origin: tuple[float, float] = (item.x, item.y), _scale: float = scale) -> PILImage.Image:
            return _draw_shapes(candidate, _layers[layer], _origin, _scale)

        darkened, _opacity, _measured = darken_until(photo, tint.color, checks, backdrop,
                                                     tint.minimum, tint.maximum, item.name)
        result[index] = replace(item, data=_png(darkened), digest=f"{item.digest}:{_opacity:.2f}")
    return result


def compose_logos(block: LogoBlock, layout: Layout, variables: Mapping[str, str],
                  pictures: UserPictures = NO_PICTURES) -> list[Primitive]:
    box = block.box.scaled(layout.to_pt)
    gap = (block.gap if block.gap is not None else 0.05 * block.box.width) * layout.to_pt
    return logo_pictures((box.x, box.y, box.width, box.height), pictures.logos, gap, block.align, block.name)


def compose_photo(block: PhotoBlock, layout: Layout, variables: Mapping[str, str],
                  pictures: UserPictures = NO_PICTURES) -> list[Primitive]:
    if pictures.photo is None:
        return []
    box = block.box.scaled(layout.to_pt)
    if layout.unit == "px":
        pixels = (max(1, round(block.box.width)), max(1, round(block.box.height)))
    else:
        pixels = print_pixels(box.width, box.height)
    return [photo_picture((box.x, box.y, box.width, box.height), pixels, pictures.photo,
                          pictures.focus, block.name)]


def layout_tints(layout: Layout) -> dict[str, Tint]:
    return {b.name: Tint(b.tint.rgb255(), b.minimum, b.maximum)
            for b in layout.blocks if isinstance(b, PhotoBlock)}

"""PNG writer (Pillow): exact pixel size, anti-aliased text, crisp QR codes.

Contract: ``PngWriter`` (the registry's ``"png"`` writer) and
``write_png(scene, target, options=None)`` rasterise one page of the scene
(``PngOptions.page``, first by default) to ``target`` (path or binary stream). Screen
scenes come out at their exact ``pixel_size``; print scenes at ``PngOptions.dpi``.
Text is drawn chunk by chunk at the positions composition measured (Pillow's basic
layout engine, so no second shaping changes them); QR modules land on whole pixels.
The image is stored as an adaptive palette (fast octree, flat colours kept exact:
``to_palette``) for small files at a low encoding cost; output is deterministic.
``PngPainter`` draws the primitives (the one walk of ``render.painter``);
``render_image`` returns the RGB page before the palette (previews use it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageDraw

from affiches.printing.modes import PrintOptions
from affiches.render.painter import Painter, Target, Writer
from affiches.render.png_encode import encode_palette_png
from affiches.render.png_flat import render_flat
from affiches.render.png_text import line_mask
from affiches.scene import Image, Line, Picture, QRCode, Rect, Scene, TextLine

SNAP = 6  # palette entries this close to a frequent exact colour become that colour


@dataclass(frozen=True)
class PngOptions:
    page: int = 1
    dpi: float = 150.0  # for print scenes only
    palette_colors: int = 64  # 0: keep full RGB
    compress_level: int = 3  # zlib: 6 and 9 cost 3x and 25x the time for 15-30 % less


def raster_size(scene: Scene, options: PngOptions) -> tuple[int, int]:
    if scene.pixel_size is not None:
        return scene.pixel_size
    scale = options.dpi / 72
    return (round(scene.width * scale), round(scene.height * scale))


class PngPainter(Painter):
    """Rasterises scene pages with Pillow; ``paint`` returns the last page's RGB image."""

    def __init__(self, options: PngOptions | None = None) -> None:
        self.options = options or PngOptions()

    def begin_page(self, scene: Scene, index: int) -> None:
        width, height = raster_size(scene, self.options)
        self.scale = width / scene.width
        self.picture = PILImage.new("RGB", (width, height), scene.background.rgb255())
        self.draw = ImageDraw.Draw(self.picture)

    def end_document(self, scene: Scene) -> PILImage.Image:
        return self.picture

    def rect(self, item: Rect) -> None:
        scale = self.scale
        box = [
            round(item.x * scale),
            round(item.y * scale),
            round((item.x + item.width) * scale) - 1,
            round((item.y + item.height) * scale) - 1,
        ]
        fill = item.fill.rgb255() if item.fill else None
        outline = item.stroke.rgb255() if item.stroke and item.stroke_width > 0 else None
        line_width = max(1, round(item.stroke_width * scale)) if outline else 0
        if item.ellipse:
            self.draw.ellipse(box, fill=fill, outline=outline, width=line_width)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=line_width)

    def text(self, item: TextLine) -> None:
        """The line's coverage mask (``png_flat.line_mask``: what ``ImageDraw.text`` draws
        glyph by glyph, rendered once and cached) blended in the text colour."""
        mask, x, y = line_mask(item, self.scale)
        self.picture.paste(item.color.rgb255(), (x, y, x + mask.width, y + mask.height), mask)

    def qr(self, item: QRCode) -> None:
        """Modules on whole pixels, the symbol centred in its box."""
        draw, scale = self.draw, self.scale
        count = len(item.matrix) + 2 * item.quiet_zone
        module = max(1, int(item.size * scale / count + 1e-6))
        side = module * count
        x0 = round(item.x * scale + (item.size * scale - side) / 2)
        y0 = round(item.y * scale + (item.size * scale - side) / 2)
        draw.rectangle([x0, y0, x0 + side - 1, y0 + side - 1], fill=item.light.rgb255())
        dark = item.dark.rgb255()
        q = item.quiet_zone
        for r, start, end in item.dark_runs():
            draw.rectangle(
                [x0 + (q + start) * module, y0 + (q + r) * module,
                 x0 + (q + end) * module - 1, y0 + (q + r + 1) * module - 1],
                fill=dark,
            )

    def line(self, item: Line) -> None:
        scale = self.scale
        self.draw.line(
            [(item.x1 * scale, item.y1 * scale), (item.x2 * scale, item.y2 * scale)],
            fill=item.color.rgb255(),
            width=max(1, round(item.width * scale)),
        )

    def image(self, item: Image) -> None:
        scale = self.scale
        with PILImage.open(item.path) as source:
            picture = source.convert("RGBA")
            box_w, box_h = round(item.width * scale), round(item.height * scale)
            picture.thumbnail((box_w, box_h), PILImage.Resampling.LANCZOS)
            ox = round(item.x * scale) + (box_w - picture.width) // 2
            oy = round(item.y * scale) + (box_h - picture.height) // 2
            self.picture.paste(picture, (ox, oy), picture)

    def artwork(self, item: Picture) -> None:
        """A user's logo or photo, resized to its box's whole pixels."""
        from affiches.render.pictures import raster_picture

        scale = self.scale
        left, top = round(item.x * scale), round(item.y * scale)
        right, bottom = round((item.x + item.width) * scale), round((item.y + item.height) * scale)
        pixels = raster_picture(item, right - left, bottom - top)
        self.picture.paste(pixels, (left, top), pixels)


def render_image(scene: Scene, options: PngOptions | None = None) -> PILImage.Image:
    """Page ``options.page`` of ``scene`` as an RGB image (no palette)."""
    options = options or PngOptions()
    image: PILImage.Image = PngPainter(options).paint(scene, [options.page - 1])
    return image


def to_palette(image: PILImage.Image, colors: int,
               flat: Sequence[tuple[int, int, int]] | None = None) -> PILImage.Image:
    """Palette image, visually lossless: fast octree, then flat colours made exact.

    Octree leaves average the colours they gather, so a large flat area (the layout's
    yellow) would come out one or two levels off. Each palette entry within ``SNAP`` (max
    channel gap) of a flat colour is set to it: ``flat`` lists them (the scene's
    background, fills and text colours, first wins); without it the image's most
    frequent exact colours are used (one more pass over the pixels).
    """
    quantized = image.quantize(colors=colors, method=PILImage.Quantize.FASTOCTREE,
                               dither=PILImage.Dither.NONE)
    if flat is None:
        exact = image.getcolors(maxcolors=1 << 16) or []
        flat = [color for _count, color in sorted(exact, key=lambda c: (-c[0], c[1]))[:colors]]  # type: ignore[misc]
    if flat:
        palette = quantized.getpalette() or []
        snapped = list(palette)
        for index in range(len(palette) // 3):
            r, g, b = palette[3 * index: 3 * index + 3]
            for color in flat:  # in order: a flat area wins over its edges
                if max(abs(color[0] - r), abs(color[1] - g), abs(color[2] - b)) <= SNAP:
                    snapped[3 * index: 3 * index + 3] = color
                    break
        if snapped != palette:
            quantized.putpalette(snapped)
    return quantized


class _FlatColors(Painter):
    """Collects the flat colours a page is drawn with, and whether it holds pictures."""

    def begin_document(self, scene: Scene) -> None:
        self.found: dict[tuple[int, int, int], None] = {scene.background.rgb255(): None}
        self.pictures = False

    def end_document(self, scene: Scene) -> list[tuple[int, int, int]]:
        return list(self.found)

    def rect(self, item: Rect) -> None:
        for color in (item.fill, item.stroke):
            if color is not None:
                self.found.setdefault(color.rgb255())

    def line(self, item: Line) -> None:
        self.found.setdefault(item.color.rgb255())

    def text(self, item: TextLine) -> None:
        self.found.setdefault(item.color.rgb255())

    def qr(self, item: QRCode) -> None:
        self.found.setdefault(item.dark.rgb255())
        self.found.setdefault(item.light.rgb255())

    def image(self, item: Image) -> None:
        self.pictures = True

    def artwork(self, item: Picture) -> None:
        self.pictures = True


def scene_colors(scene: Scene, page: int = 1) -> list[tuple[int, int, int]]:
    """The flat colours a page is drawn with: background, fills, strokes, texts, QR codes."""
    colors: list[tuple[int, int, int]] = _FlatColors().paint(scene, [page - 1])
    return colors


class PngWriter(Writer):
    """The ``"png"`` writer: one page (``PngOptions.page``) as a palette PNG. Print options
    do not apply to screen images."""

    def __init__(self, printing: PrintOptions | None = None, *,
                 options: PngOptions | None = None) -> None:
        super().__init__(printing)
        self.options = options or PngOptions()

    def write(self, scene: Scene, target: Target) -> None:
        options = self.options
        size = raster_size(scene, options)
        dpi = 72 * size[0] / scene.width if scene.pixel_size is None else 72
        flat = render_flat(scene, options.page - 1, size) if options.palette_colors else None
        if flat is not None:  # flat pages: palette indices drawn directly
            data = encode_palette_png(flat, dpi, options.compress_level)
            if isinstance(target, (str, Path)):
                Path(target).write_bytes(data)
            else:
                target.write(data)
            return
        image = self.general(scene)
        image.save(target, format="PNG", compress_level=options.compress_level, dpi=(dpi, dpi))

    def general(self, scene: Scene) -> PILImage.Image:
        """Any page (pictures, many colours): RGB drawing, then an adaptive palette."""
        options = self.options
        image = render_image(scene, options)
        if options.palette_colors:
            colors = _FlatColors()
            found = colors.paint(scene, [options.page - 1])
            image = to_palette(image, options.palette_colors, None if colors.pictures else found)
        return image


def write_png(scene: Scene, target: Target, options: PngOptions | None = None) -> None:
    """``scene`` as a PNG with explicit ``PngOptions`` (the registry's ``"png"`` writer)."""
    PngWriter(options=options).write(scene, target)

"""PDF writer (reportlab): vector, real text, embedded subset fonts.

Contract: ``write_pdf(scene, target, options=None)`` writes every page of the scene to
``target`` (path or binary stream). Fonts are TrueType, embedded and subset; text
stays text (extractable, accents included); QR codes are vector rectangles; the
document's title, subject, author and keywords come from the scene. Output is
deterministic (reportlab's invariant mode). ``PdfOptions`` carries print settings
(colour mode, bleed, crop marks) used by the print profiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from affiches.layout import Color
from affiches.scene import Image, Line, QRCode, Rect, Scene, TextLine

MM = 72 / 25.4
_registered: dict[Path, str] = {}


@dataclass(frozen=True)
class PdfOptions:
    cmyk: bool = False  # write CMYK colour operators (rich black avoided: black is K only)
    bleed: float = 0.0  # points of bleed around the trim box
    crop_marks: bool = False


def _font_name(path: Path, name: str) -> str:
    registered = _registered.get(path)
    if registered is None:
        registered = name
        # Two different files with the same stem get distinct names.
        while registered in _registered.values():
            registered += "_"
        pdfmetrics.registerFont(TTFont(registered, str(path)))
        _registered[path] = registered
    return registered


def rgb_to_cmyk(color: Color) -> tuple[float, float, float, float]:
    """The layout's CMYK if it gives one; else a plain conversion, black as K only."""
    if color.cmyk is not None:
        return color.cmyk
    r, g, b = color.rgb
    k = 1 - max(r, g, b)
    if k >= 1 - 1e-9:
        return (0.0, 0.0, 0.0, 1.0)
    c = (1 - r - k) / (1 - k)
    m = (1 - g - k) / (1 - k)
    y = (1 - b - k) / (1 - k)
    # Neutral greys print with black ink alone.
    if max(c, m, y) - min(c, m, y) < 1e-3:
        c = m = y = 0.0
    return (round(c, 4), round(m, 4), round(y, 4), round(k, 4))


class _Painter:
    def __init__(self, canvas: Canvas, scene: Scene, options: PdfOptions):
        self.c = canvas
        self.height = scene.height
        self.options = options
        self.bleed = options.bleed
        self.scene = scene

    def fill(self, color: Color) -> None:
        if self.options.cmyk:
            self.c.setFillColorCMYK(*rgb_to_cmyk(color))
        else:
            self.c.setFillColorRGB(*color.rgb)

    def stroke(self, color: Color) -> None:
        if self.options.cmyk:
            self.c.setStrokeColorCMYK(*rgb_to_cmyk(color))
        else:
            self.c.setStrokeColorRGB(*color.rgb)

    def y(self, y: float) -> float:
        """Scene y (down from the trim top) to PDF y (up from the media bottom)."""
        return self.height + self.bleed - y

    def x(self, x: float) -> float:
        return x + self.bleed

    def page(self, items: tuple) -> None:  # type: ignore[type-arg]
        b = self.bleed
        self.fill(self.scene.background)
        self.c.rect(0, 0, self.scene.width + 2 * b, self.scene.height + 2 * b, stroke=0, fill=1)
        for item in items:
            if isinstance(item, Rect):
                self.rect(item)
            elif isinstance(item, TextLine):
                self.text(item)
            elif isinstance(item, QRCode):
                self.qr(item)
            elif isinstance(item, Line):
                self.stroke(item.color)
                self.c.setLineWidth(item.width)
                self.c.line(self.x(item.x1), self.y(item.y1), self.x(item.x2), self.y(item.y2))
            elif isinstance(item, Image):
                self.c.drawImage(
                    str(item.path), self.x(item.x), self.y(item.y + item.height), item.width,
                    item.height, mask="auto", preserveAspectRatio=True,
                )
        if self.options.crop_marks and b > 0:
            self.crop_marks()

    def rect(self, item: Rect) -> None:
        x, y, w, h = item.x, item.y, item.width, item.height
        b = self.bleed
        left, top, right, bottom = item.bleeds
        if b:
            if left:
                x, w = x - b, w + b
            if right:
                w += b
            if top:
                y, h = y - b, h + b
            if bottom:
                h += b
        if item.fill is not None:
            self.fill(item.fill)
        if item.stroke is not None and item.stroke_width > 0:
            self.stroke(item.stroke)
            self.c.setLineWidth(item.stroke_width)
        stroke = int(item.stroke is not None and item.stroke_width > 0)
        fill = int(item.fill is not None)
        if item.ellipse:
            self.c.ellipse(self.x(x), self.y(y + h), self.x(x + w), self.y(y), stroke=stroke, fill=fill)
        else:
            self.c.rect(self.x(x), self.y(y + h), w, h, stroke=stroke, fill=fill)

    def text(self, item: TextLine) -> None:
        name = _font_name(item.font_path, item.font_name)
        text = self.c.beginText()
        text.setFont(name, item.size)
        if self.options.cmyk:
            text.setFillColorCMYK(*rgb_to_cmyk(item.color))
        else:
            text.setFillColorRGB(*item.color.rgb)
        for dx, chunk in item.chunks:
            text.setTextOrigin(self.x(item.x + dx), self.y(item.baseline))
            text.textOut(chunk)
        self.c.drawText(text)

    def qr(self, item: QRCode) -> None:
        self.fill(item.light)
        self.c.rect(self.x(item.x), self.y(item.y + item.size), item.size, item.size, stroke=0, fill=1)
        self.fill(item.dark)
        module = item.module
        origin_x = item.x + item.quiet_zone * module
        origin_y = item.y + item.quiet_zone * module
        path = self.c.beginPath()
        for row_index, row in enumerate(item.matrix):
            col = 0
            n = len(row)
            while col < n:
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < n and row[col]:
                    col += 1
                top = origin_y + row_index * module
                path.rect(
                    self.x(origin_x + start * module),
                    self.y(top + module),
                    (col - start) * module,
                    module,
                )
        self.c.drawPath(path, stroke=0, fill=1)

    def crop_marks(self) -> None:
        """Crop marks in the bleed zone's outer margin, registration black."""
        b = self.bleed
        w, h = self.scene.width, self.scene.height
        length = b  # marks run from the media edge to the bleed edge... offset from trim
        gap = 3 * MM if b >= 6 * MM else b / 2
        self.c.setLineWidth(0.25)
        if self.options.cmyk:
            self.c.setStrokeColorCMYK(1, 1, 1, 1)
        else:
            self.c.setStrokeColorRGB(0, 0, 0)
        for tx in (b, b + w):
            for ty in (b, b + h):
                dx = -1 if tx == b else 1
                dy = -1 if ty == b else 1
                self.c.line(tx + dx * gap, ty, tx + dx * (gap + length), ty)
                self.c.line(tx, ty + dy * gap, tx, ty + dy * (gap + length))


def write_pdf(scene: Scene, target: str | Path | BinaryIO, options: PdfOptions | None = None) -> None:
    options = options or PdfOptions()
    media = (scene.width + 2 * options.bleed, scene.height + 2 * options.bleed)
    canvas = Canvas(
        target if not isinstance(target, Path) else str(target),
        pagesize=media,
        invariant=True,
        pageCompression=1,
    )
    canvas.setTitle(scene.title)
    canvas.setSubject(scene.subject)
    canvas.setAuthor(scene.author)
    canvas.setKeywords(scene.keywords)
    canvas.setCreator("affiches — Pas de VSA dans ma ville")
    canvas.setProducer("affiches (reportlab)")
    painter = _Painter(canvas, scene, options)
    for page in scene.pages:
        if options.bleed:
            b = options.bleed
            canvas.setCropBox((0, 0, media[0], media[1]))
            canvas.setBleedBox((0, 0, media[0], media[1]))
            canvas.setTrimBox((b, b, b + scene.width, b + scene.height))
        painter.page(page.items)
        canvas.showPage()
    canvas.save()

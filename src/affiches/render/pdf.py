"""PDF writer (reportlab): vector, real text, embedded subset fonts, print profiles.

Contract: ``PdfWriter`` (the registry's ``"pdf"`` writer, mode ``"page"``) and
``write_pdf(scene, target, options=None)`` write every page of the scene to
``target`` (path or binary stream). Fonts are TrueType, embedded and subset; text
stays text (extractable, accents included; fonts and kerning in ``render.pdf_text``);
QR codes are vector rectangles, one path per code built once per process; the
document's title, subject, author and keywords come from the scene. Output is
deterministic (reportlab's invariant mode).

``PdfOptions`` carries the print-shop settings:
- ``bleed`` (points): the background and every rectangle that touches a trim edge
  (``Rect.bleeds``) extend that far beyond the trim; everything is clipped to the
  bleed box. Each page gets a TrimBox (the finished size), a BleedBox (trim + bleed)
  and a MediaBox/CropBox large enough for the crop marks.
- ``crop_marks``: hairline marks (0.25 pt, black ink only) at the four corners,
  outside the bleed (offset ``max(bleed, 3 mm)`` from the trim, 5 mm long).
- ``cmyk``: every colour is written with CMYK operators (``k``/``K``), using the
  layout's CMYK value when it gives one; otherwise a conversion in which black and
  neutral greys print with black ink alone (no rich black). Images are converted to
  DeviceCMYK and flattened (no soft mask), so the file carries no transparency.

``PdfPainter`` draws the primitives (the one walk of ``render.painter``); ``new_canvas``
and ``crop_marks`` are shared with ``render.pdf_sheets``, whose writers paint each page
once with the same painter and place it on other sheets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.pathobject import PDFPathObject

from affiches.campaign import LABEL_FONT_REGULAR
from affiches.color import Color
from affiches.printing.modes import PrintOptions
from affiches.render.painter import Painter, Target, Writer
from affiches.render.pdf_fonts import font_name
from affiches.render.pdf_text import kerned_show, prime_subsets, text_object
from affiches.scene import MM, Image, Line, Picture, QRCode, Rect, Scene, TextLine

# Binary (Flate only) streams: ASCII85 on top of Flate would add a quarter to every page.
rl_config.useA85 = 0

MARK_LENGTH = 5 * MM
MARK_MIN_OFFSET = 3 * MM
MARK_WIDTH = 0.25  # points


@dataclass(frozen=True)
class PdfOptions:
    cmyk: bool = False  # write CMYK colour operators (rich black avoided: black is K only)
    bleed: float = 0.0  # points of bleed around the trim box
    crop_marks: bool = False

    @classmethod
    def for_printing(cls, printing: PrintOptions) -> PdfOptions:
        """The page-mode settings of the user's print options (bleed given in mm)."""
        return cls(cmyk=printing.cmyk, bleed=printing.bleed_mm * MM,
                   crop_marks=printing.crop_marks)

    @property
    def mark_offset(self) -> float:
        """Distance from the trim to the start of a crop mark (never inside the bleed)."""
        return max(self.bleed, MARK_MIN_OFFSET)

    @property
    def pad(self) -> float:
        """Distance from the media edge to the trim edge."""
        if self.crop_marks:
            return self.mark_offset + MARK_LENGTH
        return self.bleed


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


def set_black_stroke(canvas: Canvas, cmyk: bool) -> None:
    """Marks: black ink only in CMYK mode."""
    if cmyk:
        canvas.setStrokeColorCMYK(0, 0, 0, 1)
    else:
        canvas.setStrokeColorRGB(0, 0, 0)


def set_black_fill(canvas: Canvas, cmyk: bool) -> None:
    if cmyk:
        canvas.setFillColorCMYK(0, 0, 0, 1)
    else:
        canvas.setFillColorRGB(0, 0, 0)


class PdfPainter(Painter):
    """Draws scene pages on a reportlab canvas, trim corner at (pad, pad) of the current space.

    Subclasses set ``canvas``, ``cmyk``, ``bleed`` and ``pad`` before each page
    (``begin_page`` here clips to the bleed box when ``pad`` > 0 and paints the
    background; ``end_page`` lifts the clip) and decide what a page becomes.
    """

    canvas: Canvas
    cmyk: bool = False
    bleed: float = 0.0
    pad: float = 0.0

    def begin_page(self, scene: Scene, index: int) -> None:
        self.background = scene.background
        self.height = scene.height
        b, p, c = self.bleed, self.pad, self.canvas
        width, height = scene.width + 2 * b, scene.height + 2 * b
        if p > 0:
            c.saveState()
            path = c.beginPath()
            path.rect(p - b, p - b, width, height)
            c.clipPath(path, stroke=0, fill=0)
        self.fill(scene.background)
        c.rect(p - b, p - b, width, height, stroke=0, fill=1)

    def end_page(self, scene: Scene, index: int) -> None:
        if self.pad > 0:
            self.canvas.restoreState()

    def fill(self, color: Color) -> None:
        if self.cmyk:
            self.canvas.setFillColorCMYK(*rgb_to_cmyk(color))
        else:
            self.canvas.setFillColorRGB(*color.rgb)

    def stroke(self, color: Color) -> None:
        if self.cmyk:
            self.canvas.setStrokeColorCMYK(*rgb_to_cmyk(color))
        else:
            self.canvas.setStrokeColorRGB(*color.rgb)

    def y(self, y: float) -> float:
        """Scene y (down from the trim top) to PDF y (up from the media bottom)."""
        return self.height + self.pad - y

    def x(self, x: float) -> float:
        return x + self.pad

    def line(self, item: Line) -> None:
        self.stroke(item.color)
        self.canvas.setLineWidth(item.width)
        self.canvas.line(self.x(item.x1), self.y(item.y1), self.x(item.x2), self.y(item.y2))

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
            self.canvas.setLineWidth(item.stroke_width)
        stroke = int(item.stroke is not None and item.stroke_width > 0)
        fill = int(item.fill is not None)
        if item.ellipse:
            self.canvas.ellipse(self.x(x), self.y(y + h), self.x(x + w), self.y(y),
                                stroke=stroke, fill=fill)
        else:
            self.canvas.rect(self.x(x), self.y(y + h), w, h, stroke=stroke, fill=fill)

    def text(self, item: TextLine) -> None:
        name = font_name(item.font_path, item.font_name)
        canvas = self.canvas
        if canvas.bottomup and getattr(canvas, "_enforceColorSpace", None) is None:
            # The bytes reportlab's text object would write, without building one.
            fill = _fill_operator(item.color, self.cmyk)
            canvas._code.append(text_object(canvas, name, item, fill, self.x(item.x),
                                            self.y(item.baseline)))
            return
        text = canvas.beginText()
        text.setFont(name, item.size)
        if self.cmyk:
            text.setFillColorCMYK(*rgb_to_cmyk(item.color))
        else:
            text.setFillColorRGB(*item.color.rgb)
        text.setTextOrigin(self.x(item.x), self.y(item.baseline))
        text._code.append(kerned_show(self.canvas, name, item))
        self.canvas.drawText(text)

    def image(self, item: Image) -> None:
        if not self.cmyk:
            self.canvas.drawImage(
                str(item.path), self.x(item.x), self.y(item.y + item.height), item.width,
                item.height, mask="auto", preserveAspectRatio=True,
            )
            return
        from PIL import Image as PILImage
        from reportlab.lib.utils import ImageReader

        with PILImage.open(item.path) as source:
            picture = source.convert("RGBA")
        # No transparency in CMYK mode: flatten over the page background.
        flat = PILImage.new("RGBA", picture.size, self.background.rgb255() + (255,))
        flat.alpha_composite(picture)
        self.canvas.drawImage(
            ImageReader(flat.convert("CMYK")), self.x(item.x), self.y(item.y + item.height),
            item.width, item.height, preserveAspectRatio=True,
        )

    def artwork(self, item: Picture) -> None:
        """A user's logo (SVG: vector paths) or photo (one image), see render.pictures."""
        from affiches.render.pictures import pdf_picture

        pdf_picture(self.canvas, item, self.x(item.x), self.y(item.y + item.height), cmyk=self.cmyk,
                    background=self.background, convert=rgb_to_cmyk)

    def qr(self, item: QRCode) -> None:
        self.fill(item.light)
        self.canvas.rect(self.x(item.x), self.y(item.y + item.size), item.size, item.size,
                         stroke=0, fill=1)
        self.fill(item.dark)
        self.canvas.drawPath(_qr_path(item, self.pad, self.height), stroke=0, fill=1)


@lru_cache(maxsize=256)
def _fill_operator(color: Color, cmyk: bool) -> str:
    """The fill operator reportlab writes for ``color`` (``setFillColorRGB`` / ``CMYK``)."""
    if cmyk:
        return f"{fp_str(rgb_to_cmyk(color))} k"
    return f"{fp_str(color.rgb)} rg"


@lru_cache(maxsize=16)
def _qr_path(item: QRCode, pad: float, height: float) -> PDFPathObject:
    """The dark modules of a QR code as one path (one rectangle per run of modules),
    built once per code and position: a batch with one URL computes it once."""
    module = item.module
    origin_x = item.x + item.quiet_zone * module + pad
    origin_y = item.y + item.quiet_zone * module
    path = PDFPathObject()
    for row_index, start, end in item.dark_runs():
        top = origin_y + row_index * module
        path.rect(origin_x + start * module, height + pad - (top + module), (end - start) * module, module)
    return path


def crop_marks(canvas: Canvas, x0: float, y0: float, x1: float, y1: float, *, offset: float,
               length: float, cmyk: bool,
               edges: tuple[bool, bool, bool, bool] = (True,) * 4) -> None:
    """Corner marks around the trim rectangle (x0, y0)–(x1, y1) in PDF coordinates.

    Each mark lies on the extension of a trim edge, from ``offset`` to ``offset + length``
    beyond the trim. ``edges`` (left, bottom, right, top) says which trim edges get marks.
    """
    left, bottom, right, top = edges
    canvas.saveState()
    canvas.setLineWidth(MARK_WIDTH)
    set_black_stroke(canvas, cmyk)
    for x, wanted in ((x0, left), (x1, right)):
        if wanted:  # vertical marks above and below
            canvas.line(x, y1 + offset, x, y1 + offset + length)
            canvas.line(x, y0 - offset, x, y0 - offset - length)
    for y, wanted in ((y0, bottom), (y1, top)):
        if wanted:  # horizontal marks left and right
            canvas.line(x0 - offset, y, x0 - offset - length, y)
            canvas.line(x1 + offset, y, x1 + offset + length, y)
    canvas.restoreState()


def new_canvas(target: Target, scene: Scene,
               pagesize: tuple[float, float]) -> Canvas:
    """A deterministic canvas carrying the scene's document metadata.

    Its initial font is one of the scene's TrueType fonts, so reportlab does not put
    an unembedded Helvetica into every page's resources."""
    texts = scene.texts()
    if texts:
        initial = font_name(texts[0].font_path, texts[0].font_name)
    else:
        from affiches.text.fonts import find_font

        initial = font_name(find_font(LABEL_FONT_REGULAR), LABEL_FONT_REGULAR)
    canvas = Canvas(
        target if not isinstance(target, Path) else str(target),
        pagesize=pagesize,
        invariant=True,
        pageCompression=1,
        initialFontName=initial,
    )
    canvas.setTitle(scene.title)
    canvas.setSubject(scene.subject)
    canvas.setAuthor(scene.author)
    canvas.setKeywords(scene.keywords)
    canvas.setCreator("affiches — Pas de VSA dans ma ville")
    canvas.setProducer("affiches (reportlab)")
    prime_subsets(canvas, texts)
    return canvas


class PdfWriter(PdfPainter, Writer):
    """The ``"pdf"`` writer: every page of the scene on its own page, at 100 %, with the
    bleed, crop marks and CMYK of ``PdfOptions`` (from the user's ``PrintOptions``)."""

    def __init__(self, printing: PrintOptions | None = None, *,
                 options: PdfOptions | None = None) -> None:
        super().__init__(printing)
        self.options = options or PdfOptions.for_printing(self.printing)

    def write(self, scene: Scene, target: Target) -> None:
        self.target = target
        self.paint(scene)

    def begin_document(self, scene: Scene) -> None:
        options = self.options
        self.cmyk, self.bleed, self.pad = options.cmyk, options.bleed, options.pad
        self.media = (scene.width + 2 * self.pad, scene.height + 2 * self.pad)
        self.canvas = new_canvas(self.target, scene, self.media)

    def begin_page(self, scene: Scene, index: int) -> None:
        pad, bleed = self.pad, self.bleed
        if pad:
            self.canvas.setCropBox((0, 0, self.media[0], self.media[1]))
            self.canvas.setBleedBox((pad - bleed, pad - bleed, pad + scene.width + bleed,
                                     pad + scene.height + bleed))
            self.canvas.setTrimBox((pad, pad, pad + scene.width, pad + scene.height))
            self.canvas.setArtBox((pad, pad, pad + scene.width, pad + scene.height))
        super().begin_page(scene, index)

    def end_page(self, scene: Scene, index: int) -> None:
        super().end_page(scene, index)
        pad = self.pad
        if self.options.crop_marks:
            crop_marks(self.canvas, pad, pad, pad + scene.width, pad + scene.height,
                       offset=self.options.mark_offset, length=MARK_LENGTH, cmyk=self.cmyk)
        self.canvas.showPage()

    def end_document(self, scene: Scene) -> None:
        self.canvas.save()


def write_pdf(scene: Scene, target: Target, options: PdfOptions | None = None) -> None:
    """``scene`` as a PDF with explicit ``PdfOptions`` (the registry's ``"pdf"`` writer)."""
    PdfWriter(options=options or PdfOptions()).write(scene, target)

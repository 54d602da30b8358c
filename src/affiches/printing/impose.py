"""Home and office printing: a composed scene placed on standard sheets.

Contract: the page geometry is planned by pure functions (no reportlab), so tests can
check it mathematically; the ``write_*`` functions paint each scene page once as a PDF
form XObject (``render.pdf.page_form``) and place it on the sheets with a transform
and a clip. Composition happens once, upstream; nothing here measures or re-lays text.
All sizes are PostScript points, rectangles are (x, y, width, height) with the origin
at the top-left corner and y growing downwards (like ``Scene``).

- ``plan_tiles``: a poster at 100 % cut into a grid of sheets (A4 or A3). Every
  piece stays at least ``PRINTER_MARGIN`` + ``TILE_MARK_SPACE`` inside its sheet, so
  the marks and the "1/4" label print on any office printer. Neighbouring pieces
  overlap by ``GLUE`` on the right and bottom sides (the glue band, hidden under the
  next sheet once assembled). The orientation giving the fewest sheets wins.
- ``plan_fit``: each page reduced (never enlarged) to fit one sheet's printable area.
- ``plan_nup``: N copies of a flyer on one sheet (2 A5 or 4 A6 on A4), scaled to fit
  the printable area with a small bleed and cut marks; verso copies are placed so
  that double-sided printing lines up for the chosen flip ("long" or "court" edge of
  the paper), checked by ``verso_transform``'s definition: the back of a flyer point
  lies exactly behind it once the sheet is turned over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from affiches.campaign import LABEL_FONT_BOLD, LABEL_FONT_REGULAR
from affiches.errors import ImposeError
from affiches.scene import MM, Scene

SHEETS_MM = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}
PRINTER_MARGIN = 5 * MM  # what office printers cannot print, on every side
GLUE = 10 * MM  # overlap between neighbouring tiles
TILE_MARK_SPACE = 8 * MM  # kept free around a tile for cut marks and its label
TILE_MARK_OFFSET = 1 * MM
TILE_MARK_LENGTH = 5 * MM
NUP_BLEED = 2 * MM  # each imposed copy bleeds this far into the gutter
NUP_MARK_OFFSET = 2.5 * MM
NUP_MARK_LENGTH = 3 * MM
NUP_MIN_SCALE = 0.85
DUPLEX_MODES = ("long", "court")




@dataclass(frozen=True)
class Rectangle:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Affine:
    """(u, v) -> (a·u + c·v + e, b·u + d·v + f), top-left coordinates."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def __call__(self, u: float, v: float) -> tuple[float, float]:
        return (self.a * u + self.c * v + self.e, self.b * u + self.d * v + self.f)

    def then(self, other: Affine) -> Affine:
        """``other`` applied after ``self``."""
        return Affine(
            a=other.a * self.a + other.c * self.b,
            b=other.b * self.a + other.d * self.b,
            c=other.a * self.c + other.c * self.d,
            d=other.b * self.c + other.d * self.d,
            e=other.a * self.e + other.c * self.f + other.e,
            f=other.b * self.e + other.d * self.f + other.f,
        )

    def rect(self, r: Rectangle) -> Rectangle:
        """Image of an axis-aligned rectangle (the transforms here keep axes aligned)."""
        xs, ys = zip(*(self(x, y) for x in (r.x, r.right) for y in (r.y, r.bottom)), strict=True)
        return Rectangle(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def sheet_size(name: str, landscape: bool = False) -> tuple[float, float]:
    try:
        w, h = SHEETS_MM[name]
    except KeyError:
        raise ImposeError(
            f"format de feuille « {name} » inconnu ; choisissez parmi {', '.join(SHEETS_MM)}"
        ) from None
    w, h = w * MM, h * MM
    return (h, w) if landscape else (w, h)


# ------------------------------------------------------------------ tiling


@dataclass(frozen=True)
class Tile:
    number: int  # 1-based, row by row
    row: int
    col: int
    source: Rectangle  # the part of the poster this sheet carries
    sheet: tuple[float, float]
    origin: tuple[float, float]  # where the source's top-left corner lands on the sheet
    glue_right: bool  # the next sheet to the right is glued over this one's right band
    glue_bottom: bool

    @property
    def placed(self) -> Rectangle:
        return Rectangle(self.origin[0], self.origin[1], self.source.width, self.source.height)

    @property
    def transform(self) -> Affine:
        return Affine(e=self.origin[0] - self.source.x, f=self.origin[1] - self.source.y)


@dataclass(frozen=True)
class TilePlan:
    tiles: tuple[Tile, ...]
    rows: int
    cols: int
    sheet_name: str
    landscape: bool
    overlap: float


def _count(length: float, room: float, overlap: float) -> int | None:
    for n in range(1, 50):
        if length / n + (overlap if n > 1 else 0) <= room + 1e-6:
            return n
    return None


def plan_tiles(width: float, height: float, sheet: str = "a4", *, margin: float = PRINTER_MARGIN,
               overlap: float = GLUE, mark_space: float = TILE_MARK_SPACE) -> TilePlan:
    """Cut a ``width`` × ``height`` poster into sheets at 100 % (see module docstring)."""
    best: tuple[int, bool, int, int] | None = None
    for landscape in (False, True):
        sw, sh = sheet_size(sheet, landscape)
        cols = _count(width, sw - 2 * (margin + mark_space), overlap)
        rows = _count(height, sh - 2 * (margin + mark_space), overlap)
        if cols and rows and (best is None or cols * rows < best[0]):
            best = (cols * rows, landscape, rows, cols)
    if best is None:
        raise ImposeError(f"feuilles {sheet.upper()} trop petites pour découper cette page")
    _total, landscape, rows, cols = best
    sw, sh = sheet_size(sheet, landscape)
    cell_w, cell_h = width / cols, height / rows
    tiles: list[Tile] = []
    for row in range(rows):
        for col in range(cols):
            glue_right, glue_bottom = col < cols - 1, row < rows - 1
            x0, y0 = col * cell_w, row * cell_h
            x1 = width if not glue_right else (col + 1) * cell_w + overlap
            y1 = height if not glue_bottom else (row + 1) * cell_h + overlap
            source = Rectangle(x0, y0, x1 - x0, y1 - y0)
            origin = ((sw - source.width) / 2, (sh - source.height) / 2)
            tiles.append(Tile(len(tiles) + 1, row, col, source, (sw, sh), origin,
                              glue_right, glue_bottom))
    return TilePlan(tuple(tiles), rows, cols, sheet, landscape, overlap)


# ------------------------------------------------------------ reduce to fit


@dataclass(frozen=True)
class FitPlan:
    sheet: tuple[float, float]
    scale: float
    transform: Affine  # scene page -> sheet
    landscape: bool


def plan_fit(width: float, height: float, sheet: str = "a4", *,
             margin: float = PRINTER_MARGIN) -> FitPlan:
    """One page on one sheet, reduced to its printable area when needed, centred."""
    options = []
    for landscape in (False, True):
        sw, sh = sheet_size(sheet, landscape)
        scale = min(1.0, (sw - 2 * margin) / width, (sh - 2 * margin) / height)
        options.append((scale, landscape, sw, sh))
    scale, landscape, sw, sh = max(options, key=lambda o: (round(o[0], 6), not o[1]))
    transform = Affine(a=scale, d=scale, e=(sw - width * scale) / 2, f=(sh - height * scale) / 2)
    return FitPlan((sw, sh), scale, transform, landscape)


# --------------------------------------------------------------- n-up


@dataclass(frozen=True)
class NupPlan:
    sheet: tuple[float, float]
    landscape: bool
    cols: int
    rows: int
    scale: float
    slots: tuple[Rectangle, ...]  # trimmed copies on the sheet, row by row
    page_size: tuple[float, float]  # the flyer's own size (points)
    duplex: str
    bleed: float  # on the sheet

    @property
    def count(self) -> int:
        return len(self.slots)

    def recto_transform(self, slot: int) -> Affine:
        r = self.slots[slot]
        return Affine(a=self.scale, d=self.scale, e=r.x, f=r.y)

    def flip(self) -> Affine:
        """How turning the sheet over maps a verso point to the recto point behind it.

        The paper turns about an axis parallel to its long edges ("long") or to its
        short edges ("court"). On a landscape sheet the long edges are horizontal."""
        sw, sh = self.sheet
        long_edges_horizontal = sw > sh
        about_horizontal = long_edges_horizontal == (self.duplex == "long")
        if about_horizontal:
            return Affine(d=-1, f=sh)  # top and bottom swap
        return Affine(a=-1, e=sw)  # left and right swap

    def verso_transform(self, slot: int) -> Affine:
        """Verso page -> sheet, so that the verso point (u, v) lies behind the recto point
        (width - u, v): a cut flyer turns over like a book page."""
        width = self.page_size[0]
        book = Affine(a=-1, e=width)
        return book.then(self.recto_transform(slot)).then(self.flip())

    def marks(self) -> list[tuple[float, float, float, float]]:
        """Cut marks as line segments (x1, y1, x2, y2) on the sheet, outside every copy."""
        xs = sorted({round(v, 4) for s in self.slots for v in (s.x, s.right)})
        ys = sorted({round(v, 4) for s in self.slots for v in (s.y, s.bottom)})
        top, bottom = min(ys), max(ys)
        left, right = min(xs), max(xs)
        o, n = NUP_MARK_OFFSET, NUP_MARK_LENGTH
        segments = []
        for x in xs:
            segments.append((x, top - o, x, top - o - n))
            segments.append((x, bottom + o, x, bottom + o + n))
        for y in ys:
            segments.append((left - o, y, left - o - n, y))
            segments.append((right + o, y, right + o + n, y))
        return segments


def _grids(count: int) -> list[tuple[int, int]]:
    return [(c, count // c) for c in range(1, count + 1) if count % c == 0]


def plan_nup(width: float, height: float, count: int, sheet: str = "a4", *,
             duplex: str = "long", margin: float = PRINTER_MARGIN) -> NupPlan | None:
    """``count`` copies of a page on one sheet, as large as fits (never above 100 %)."""
    if duplex not in DUPLEX_MODES:
        raise ImposeError(f"recto verso « {duplex} » inconnu ; choisissez long ou court")
    gutter = 2 * NUP_BLEED
    reserve = NUP_MARK_OFFSET + NUP_MARK_LENGTH
    best = None
    for landscape in (False, True):
        sw, sh = sheet_size(sheet, landscape)
        for cols, rows in _grids(count):
            room_w = sw - 2 * (margin + reserve) - (cols - 1) * gutter
            room_h = sh - 2 * (margin + reserve) - (rows - 1) * gutter
            scale = min(1.0, room_w / (cols * width), room_h / (rows * height))
            key = (round(scale, 6), not landscape)
            if best is None or key > best[0]:
                best = (key, scale, landscape, cols, rows, sw, sh)
    assert best is not None
    _key, scale, landscape, cols, rows, sw, sh = best
    if scale <= 0:
        return None
    w, h = width * scale, height * scale
    grid_w, grid_h = cols * w + (cols - 1) * gutter, rows * h + (rows - 1) * gutter
    ox, oy = (sw - grid_w) / 2, (sh - grid_h) / 2
    slots = tuple(
        Rectangle(ox + c * (w + gutter), oy + r * (h + gutter), w, h)
        for r in range(rows)
        for c in range(cols)
    )
    return NupPlan((sw, sh), landscape, cols, rows, scale, slots, (width, height), duplex,
                   NUP_BLEED)


def choose_nup(width: float, height: float, sheet: str = "a4", *, duplex: str = "long",
               margin: float = PRINTER_MARGIN) -> NupPlan:
    """The most copies per sheet (8, 4 or 2) that keep the flyer at 85 % or more."""
    for count in (8, 4, 2):
        plan = plan_nup(width, height, count, sheet, duplex=duplex, margin=margin)
        if plan is not None and plan.scale >= NUP_MIN_SCALE - 1e-9:
            return plan
    raise ImposeError(
        f"page de {width / MM:.0f} × {height / MM:.0f} mm trop grande pour en mettre deux par "
        f"feuille {sheet.upper()} ; l’imposition est faite pour les tracts A5 et A6"
    )


# --------------------------------------------------------------- drawing


def _place(canvas, name: str, transform: Affine, sheet_h: float, scene: Scene,  # type: ignore[no-untyped-def]
           form_bleed: float, clip: Rectangle) -> None:
    """Draw form ``name`` (a page painted with ``form_bleed``) through ``transform``,
    clipped to ``clip`` (sheet rectangle, top-left coordinates)."""
    t = transform
    b0, height = form_bleed, scene.height
    canvas.saveState()
    path = canvas.beginPath()
    path.rect(clip.x, sheet_h - clip.bottom, clip.width, clip.height)
    canvas.clipPath(path, stroke=0, fill=0)
    canvas.transform(
        t.a, -t.b, -t.c, t.d,
        t.e - t.a * b0 + t.c * (height + b0),
        sheet_h + t.b * b0 - t.d * (height + b0) - t.f,
    )
    canvas.doForm(name)
    canvas.restoreState()


def _segment(canvas, sheet_h: float, x1: float, y1: float, x2: float, y2: float) -> None:  # type: ignore[no-untyped-def]
    canvas.line(x1, sheet_h - y1, x2, sheet_h - y2)


def _label_fonts() -> tuple[str, str]:
    from affiches.render.pdf import font_name
    from affiches.text.fonts import find_font

    return (font_name(find_font(LABEL_FONT_BOLD), LABEL_FONT_BOLD),
            font_name(find_font(LABEL_FONT_REGULAR), LABEL_FONT_REGULAR))


def tile_label(tile: Tile, plan: TilePlan) -> tuple[str, list[str]]:
    """The sheet's number ("1/4") and its assembly notes, most important first."""
    total = len(plan.tiles)
    if plan.rows > 1 and plan.cols > 1:
        where = f"rangée {tile.row + 1}, colonne {tile.col + 1}"
    else:
        where = f"rangée {tile.row + 1}" if plan.rows > 1 else f"colonne {tile.col + 1}"
    notes = [where, "coupez sur les traits"]
    glue = []
    if tile.glue_right:
        glue.append(f"la feuille {tile.number + 1} à droite")
    if tile.glue_bottom:
        glue.append(f"la feuille {tile.number + plan.cols} en bas")
    if glue:
        notes.append("collez " + " et ".join(glue) + ", bord sur les triangles")
    return f"{tile.number}/{total}", notes


def write_tiles(scene: Scene, target: str | Path | BinaryIO, sheet: str = "a4", *,
                cmyk: bool = False) -> TilePlan:
    """Every page of ``scene`` cut into sheets at 100 % (see ``plan_tiles``)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from affiches.render.pdf import (
        MARK_WIDTH,
        crop_marks,
        new_canvas,
        page_form,
        set_black_fill,
        set_black_stroke,
    )

    plan = plan_tiles(scene.width, scene.height, sheet)
    canvas = new_canvas(target, scene, plan.tiles[0].sheet)
    bold, regular = _label_fonts()
    for index in range(len(scene.pages)):
        form = page_form(canvas, scene, index, cmyk=cmyk)
        for tile in plan.tiles:
            sw, sh = tile.sheet
            canvas.setPageSize((sw, sh))
            _place(canvas, form, tile.transform, sh, scene, 0.0, tile.placed)
            p = tile.placed
            last_col, last_row = not tile.glue_right, not tile.glue_bottom
            crop_marks(canvas, p.x, sh - p.bottom, p.right, sh - p.y, offset=TILE_MARK_OFFSET,
                       length=TILE_MARK_LENGTH, cmyk=cmyk,
                       edges=(True, last_row, last_col, True))
            canvas.saveState()
            set_black_fill(canvas, cmyk)
            set_black_stroke(canvas, cmyk)
            canvas.setLineWidth(MARK_WIDTH)
            size = 2.2 * MM
            if tile.glue_right:  # triangles pointing at the seam, above and below
                seam = p.right - plan.overlap
                o = TILE_MARK_OFFSET
                for base, tip in ((p.y - o - size, p.y - o), (p.bottom + o + size, p.bottom + o)):
                    path = canvas.beginPath()
                    path.moveTo(seam, sh - tip)
                    path.lineTo(seam + size / 2, sh - base)
                    path.lineTo(seam - size / 2, sh - base)
                    path.close()
                    canvas.drawPath(path, stroke=0, fill=1)
            if tile.glue_bottom:
                seam = p.bottom - plan.overlap
                o = TILE_MARK_OFFSET
                for base, tip in ((p.x - o - size, p.x - o), (p.right + o + size, p.right + o)):
                    path = canvas.beginPath()
                    path.moveTo(tip, sh - seam)
                    path.lineTo(base, sh - seam - size / 2)
                    path.lineTo(base, sh - seam + size / 2)
                    path.close()
                    canvas.drawPath(path, stroke=0, fill=1)
            # The label, in the free band above the piece.
            text = canvas.beginText()
            text.setTextOrigin(p.x + 2 * MM, sh - p.y + 3 * MM)
            number, notes = tile_label(tile, plan)
            room = p.width - (plan.overlap if tile.glue_right else 0) - 6 * MM
            room -= stringWidth(number + "  ", bold, 9)
            while notes and stringWidth(" — ".join(notes), regular, 6) > room:
                notes.pop()
            text.setFont(bold, 9)
            text.textOut(number + "  ")
            text.setFont(regular, 6)
            text.textOut(" — ".join(notes))
            canvas.drawText(text)
            canvas.restoreState()
            canvas.showPage()
    canvas.save()
    return plan


def write_fitted(scene: Scene, target: str | Path | BinaryIO, sheet: str = "a4", *,
                 cmyk: bool = False) -> FitPlan:
    """Every page of ``scene`` alone on a sheet, reduced to fit (see ``plan_fit``)."""
    from affiches.render.pdf import new_canvas, page_form

    plan = plan_fit(scene.width, scene.height, sheet)
    canvas = new_canvas(target, scene, plan.sheet)
    page = Rectangle(0, 0, scene.width, scene.height)
    for index in range(len(scene.pages)):
        form = page_form(canvas, scene, index, cmyk=cmyk)
        _place(canvas, form, plan.transform, plan.sheet[1], scene, 0.0, plan.transform.rect(page))
        canvas.showPage()
    canvas.save()
    return plan


def write_nup(scene: Scene, target: str | Path | BinaryIO, sheet: str = "a4", *,
              duplex: str = "long", cmyk: bool = False) -> NupPlan:
    """Copies of each page side by side; pages 1, 2 are a sheet's recto and verso, then
    3, 4 the next sheet's… (see ``plan_nup``)."""
    from affiches.render.pdf import MARK_WIDTH, new_canvas, page_form, set_black_stroke

    plan = choose_nup(scene.width, scene.height, sheet, duplex=duplex)
    sw, sh = plan.sheet
    canvas = new_canvas(target, scene, plan.sheet)
    form_bleed = plan.bleed / plan.scale
    bled = Rectangle(-form_bleed, -form_bleed, scene.width + 2 * form_bleed,
                     scene.height + 2 * form_bleed)
    for index in range(len(scene.pages)):
        form = page_form(canvas, scene, index, cmyk=cmyk, bleed=form_bleed)
        verso = index % 2 == 1
        for slot in range(plan.count):
            transform = plan.verso_transform(slot) if verso else plan.recto_transform(slot)
            _place(canvas, form, transform, sh, scene, form_bleed, transform.rect(bled))
        canvas.saveState()
        canvas.setLineWidth(MARK_WIDTH)
        set_black_stroke(canvas, cmyk)
        for segment in plan.marks():
            _segment(canvas, sh, *segment)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return plan


def printed_scale(mode: str, scene: Scene, sheet: str = "a4") -> float:
    """How much the page is scaled on paper for a print mode."""
    if mode == "a4":
        return plan_fit(scene.width, scene.height, "a4").scale
    if mode == "imposer":
        return choose_nup(scene.width, scene.height, "a4").scale
    return 1.0


__all__ = [
    "Affine", "FitPlan", "ImposeError", "NupPlan", "Rectangle", "Tile", "TilePlan",
    "choose_nup", "plan_fit", "plan_nup", "plan_tiles", "printed_scale", "write_fitted",
    "write_nup", "write_tiles",
]

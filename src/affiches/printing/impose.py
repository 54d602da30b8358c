"""Home and office printing: a composed scene placed on standard sheets.

Contract: the page geometry is planned by pure functions (no reportlab, no drawing),
so tests can check it mathematically; ``affiches.render.pdf_sheets`` draws the plans.
Composition happens once, upstream; nothing here measures or re-lays text.
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
- ``tile_label``: the number ("1/4") and assembly notes printed on a tile.
"""

from __future__ import annotations

from dataclasses import dataclass

from affiches.errors import ImposeError
from affiches.printing.sheets import DUPLEX_MODES, SHEETS_MM
from affiches.scene import MM, Scene

PRINTER_MARGIN = 5 * MM  # what office printers cannot print, on every side
GLUE = 10 * MM  # overlap between neighbouring tiles
TILE_MARK_SPACE = 8 * MM  # kept free around a tile for cut marks and its label
TILE_MARK_OFFSET = 1 * MM
TILE_MARK_LENGTH = 5 * MM
NUP_BLEED = 2 * MM  # each imposed copy bleeds this far into the gutter
NUP_MARK_OFFSET = 2.5 * MM
NUP_MARK_LENGTH = 3 * MM
NUP_MIN_SCALE = 0.85




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


# --------------------------------------------------------------- labels


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


def printed_scale(mode: str, scene: Scene) -> float:
    """How much the page is scaled on paper for a print mode."""
    if mode == "a4":
        return plan_fit(scene.width, scene.height, "a4").scale
    if mode == "imposer":
        return choose_nup(scene.width, scene.height, "a4").scale
    return 1.0


__all__ = [
    "Affine", "FitPlan", "ImposeError", "NupPlan", "Rectangle", "Tile", "TilePlan",
    "choose_nup", "plan_fit", "plan_nup", "plan_tiles", "printed_scale", "tile_label",
]

"""Office print writers (reportlab): a scene's pages placed on standard sheets.

Contract: the writers of modes ``"tuiles"`` (``TilesWriter``: a poster at 100 % cut
into A4 or A3 sheets, with cut marks, glue triangles and a numbered label),
``"a4"`` (``FitWriter``: each page reduced to fit one A4 sheet) and ``"imposer"``
(``NupWriter``: 2 A5 or 4 A6 flyers per A4 sheet, cut marks, verso lined up for the
chosen duplex flip). The geometry comes from the pure plans of
``affiches.printing.impose``; this module only draws them. Each scene page is painted
once, by ``render.pdf.PdfPainter`` (the one primitive walk), into a PDF form XObject
whose bounding box is its bleed box, then placed on every sheet that shows it with a
transform and a clip. Output is deterministic; CMYK follows ``PrintOptions.cmyk``.
``write_tiles``, ``write_fitted`` and ``write_nup`` are the same writers as functions
that also return the plan used.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

from affiches.campaign import LABEL_FONT_BOLD, LABEL_FONT_REGULAR
from affiches.printing.impose import (
    TILE_MARK_LENGTH,
    TILE_MARK_OFFSET,
    Affine,
    FitPlan,
    NupPlan,
    Rectangle,
    TilePlan,
    choose_nup,
    plan_fit,
    plan_tiles,
    tile_label,
)
from affiches.printing.modes import PrintOptions
from affiches.render.painter import Target, Writer
from affiches.render.pdf import (
    MARK_WIDTH,
    PdfPainter,
    crop_marks,
    font_name,
    new_canvas,
    set_black_fill,
    set_black_stroke,
)
from affiches.scene import MM, Scene
from affiches.text.fonts import find_font

GLUE_TRIANGLE = 2.2 * MM  # side of the triangles pointing at a glue seam


class _SheetWriter(PdfPainter, Writer):
    """Paints each page once into a form, then ``place`` puts it on the sheets."""

    form_bleed = 0.0  # how far the form extends beyond the trim (scene points)

    def write(self, scene: Scene, target: Target) -> None:
        self.target = target
        self.paint(scene)

    def begin_document(self, scene: Scene) -> None:
        self.cmyk = self.printing.cmyk
        self.bleed = self.pad = self.form_bleed
        self.canvas = new_canvas(self.target, scene, self.sheet_size())

    def sheet_size(self) -> tuple[float, float]:
        raise NotImplementedError

    def begin_page(self, scene: Scene, index: int) -> None:
        b = self.form_bleed
        self.form = f"page{index + 1}b{round(b * 100)}"
        self.canvas.beginForm(self.form, 0, 0, scene.width + 2 * b, scene.height + 2 * b)
        super().begin_page(scene, index)

    def end_page(self, scene: Scene, index: int) -> None:
        super().end_page(scene, index)
        self.canvas.endForm()
        self.place(scene, index)

    def place(self, scene: Scene, index: int) -> None:
        raise NotImplementedError

    def end_document(self, scene: Scene) -> None:
        self.canvas.save()

    def put_form(self, transform: Affine, sheet_h: float, scene: Scene, clip: Rectangle) -> None:
        """Draw the current page's form through ``transform`` (page -> sheet, top-left
        coordinates), clipped to ``clip`` (sheet rectangle, top-left coordinates)."""
        t, c = transform, self.canvas
        b0, height = self.form_bleed, scene.height
        c.saveState()
        path = c.beginPath()
        path.rect(clip.x, sheet_h - clip.bottom, clip.width, clip.height)
        c.clipPath(path, stroke=0, fill=0)
        c.transform(
            t.a, -t.b, -t.c, t.d,
            t.e - t.a * b0 + t.c * (height + b0),
            sheet_h + t.b * b0 - t.d * (height + b0) - t.f,
        )
        c.doForm(self.form)
        c.restoreState()


class TilesWriter(_SheetWriter):
    """Mode ``"tuiles"``: every page cut into sheets at 100 % (``plan_tiles``)."""

    def begin_document(self, scene: Scene) -> None:
        self.plan: TilePlan = plan_tiles(scene.width, scene.height, self.printing.tile_sheet)
        super().begin_document(scene)
        self.bold = font_name(find_font(LABEL_FONT_BOLD), LABEL_FONT_BOLD)
        self.regular = font_name(find_font(LABEL_FONT_REGULAR), LABEL_FONT_REGULAR)

    def sheet_size(self) -> tuple[float, float]:
        return self.plan.tiles[0].sheet

    def place(self, scene: Scene, index: int) -> None:
        c, plan, cmyk = self.canvas, self.plan, self.cmyk
        for tile in plan.tiles:
            sw, sh = tile.sheet
            c.setPageSize((sw, sh))
            self.put_form(tile.transform, sh, scene, tile.placed)
            p = tile.placed
            last_col, last_row = not tile.glue_right, not tile.glue_bottom
            crop_marks(c, p.x, sh - p.bottom, p.right, sh - p.y, offset=TILE_MARK_OFFSET,
                       length=TILE_MARK_LENGTH, cmyk=cmyk,
                       edges=(True, last_row, last_col, True))
            c.saveState()
            set_black_fill(c, cmyk)
            set_black_stroke(c, cmyk)
            c.setLineWidth(MARK_WIDTH)
            size, o = GLUE_TRIANGLE, TILE_MARK_OFFSET
            if tile.glue_right:  # triangles pointing at the seam, above and below
                seam = p.right - plan.overlap
                for base, tip in ((p.y - o - size, p.y - o), (p.bottom + o + size, p.bottom + o)):
                    self._triangle((seam, sh - tip), (seam + size / 2, sh - base),
                                   (seam - size / 2, sh - base))
            if tile.glue_bottom:
                seam = p.bottom - plan.overlap
                for base, tip in ((p.x - o - size, p.x - o), (p.right + o + size, p.right + o)):
                    self._triangle((tip, sh - seam), (base, sh - seam - size / 2),
                                   (base, sh - seam + size / 2))
            self._label(sh, tile.placed, *tile_label(tile, plan),
                        room=p.width - (plan.overlap if tile.glue_right else 0) - 6 * MM)
            c.restoreState()
            c.showPage()

    def _triangle(self, *corners: tuple[float, float]) -> None:
        """A filled triangle; corners in PDF coordinates."""
        path = self.canvas.beginPath()
        (x, y), *rest = corners
        path.moveTo(x, y)
        for x, y in rest:
            path.lineTo(x, y)
        path.close()
        self.canvas.drawPath(path, stroke=0, fill=1)

    def _label(self, sheet_h: float, placed: Rectangle, number: str, notes: list[str], *,
               room: float) -> None:
        """The sheet's number and as many notes as fit, in the free band above the piece."""
        text = self.canvas.beginText()
        text.setTextOrigin(placed.x + 2 * MM, sheet_h - placed.y + 3 * MM)
        room -= stringWidth(number + "  ", self.bold, 9)
        while notes and stringWidth(" — ".join(notes), self.regular, 6) > room:
            notes.pop()
        text.setFont(self.bold, 9)
        text.textOut(number + "  ")
        text.setFont(self.regular, 6)
        text.textOut(" — ".join(notes))
        self.canvas.drawText(text)


class FitWriter(_SheetWriter):
    """Mode ``"a4"``: every page alone on an A4 sheet, reduced to fit (``plan_fit``)."""

    def begin_document(self, scene: Scene) -> None:
        self.plan: FitPlan = plan_fit(scene.width, scene.height, "a4")
        super().begin_document(scene)

    def sheet_size(self) -> tuple[float, float]:
        return self.plan.sheet

    def place(self, scene: Scene, index: int) -> None:
        page = Rectangle(0, 0, scene.width, scene.height)
        transform = self.plan.transform
        self.put_form(transform, self.plan.sheet[1], scene, transform.rect(page))
        self.canvas.showPage()


class NupWriter(_SheetWriter):
    """Mode ``"imposer"``: copies of each page side by side on A4 (``choose_nup``); pages
    1, 2 are a sheet's recto and verso, then 3, 4 the next sheet's…"""

    def begin_document(self, scene: Scene) -> None:
        self.plan: NupPlan = choose_nup(scene.width, scene.height, "a4",
                                        duplex=self.printing.duplex)
        self.form_bleed = self.plan.bleed / self.plan.scale
        super().begin_document(scene)

    def sheet_size(self) -> tuple[float, float]:
        return self.plan.sheet

    def place(self, scene: Scene, index: int) -> None:
        plan, c, b = self.plan, self.canvas, self.form_bleed
        sh = plan.sheet[1]
        bled = Rectangle(-b, -b, scene.width + 2 * b, scene.height + 2 * b)
        verso = index % 2 == 1
        for slot in range(plan.count):
            transform = plan.verso_transform(slot) if verso else plan.recto_transform(slot)
            self.put_form(transform, sh, scene, transform.rect(bled))
        c.saveState()
        c.setLineWidth(MARK_WIDTH)
        set_black_stroke(c, self.cmyk)
        for x1, y1, x2, y2 in plan.marks():
            c.line(x1, sh - y1, x2, sh - y2)
        c.restoreState()
        c.showPage()


def write_tiles(scene: Scene, target: Target, sheet: str = "a4", *,
                cmyk: bool = False) -> TilePlan:
    """Every page of ``scene`` cut into sheets at 100 % (see ``plan_tiles``)."""
    writer = TilesWriter(PrintOptions(tiles=True, tile_sheet=sheet, cmyk=cmyk))
    writer.write(scene, target)
    return writer.plan


def write_fitted(scene: Scene, target: Target, *, cmyk: bool = False) -> FitPlan:
    """Every page of ``scene`` alone on an A4 sheet, reduced to fit (see ``plan_fit``)."""
    writer = FitWriter(PrintOptions(fit_a4=True, cmyk=cmyk))
    writer.write(scene, target)
    return writer.plan


def write_nup(scene: Scene, target: Target, *, duplex: str = "long",
              cmyk: bool = False) -> NupPlan:
    """Copies of each page side by side on A4 sheets (see ``choose_nup``)."""
    writer = NupWriter(PrintOptions(impose=True, duplex=duplex, cmyk=cmyk))
    writer.write(scene, target)
    return writer.plan

"""PDF work shared across documents (issue 14) writes reportlab's own bytes.

The PDF writer formats a subset's objects once (render.pdf_objects, render.pdf_fonts),
builds font subsets from tables read once (render.pdf_subset) and writes text lines
without reportlab's text objects (render.pdf_text). Each shortcut is checked against
reportlab doing the work itself: same bytes, in every print mode, whatever the caches
hold.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

from affiches.city.communes import resolve_city
from affiches.compose import compose
from affiches.gabarits import load_layout
from affiches.jobs.kit import KitOptions, template_variables
from affiches.printing.modes import PrintOptions, mode_for
from affiches.render import pdf_fonts, pdf_subset, pdf_text, writer_for
from affiches.render.pdf import PdfPainter, rgb_to_cmyk
from affiches.render.pdf_fonts import font_name
from affiches.scene import Scene, TextLine

FONTS = sorted((Path(__file__).resolve().parents[1] / "assets" / "fonts").glob("*.ttf"))
CITIES = ("Saint-Étienne", "Œting", "L’Haÿ-les-Roses", "Y")
MODES = {
    "page": PrintOptions(),
    "imprimeur": PrintOptions.print_shop(),
    "imposer": PrintOptions(impose=True),
    "tuiles": PrintOptions(tiles=True),
}


def scene_for(layout: str, city: str) -> Scene:
    variables = template_variables(resolve_city(city), KitOptions())
    return compose(load_layout(layout), variables)


def write(scene: Scene, printing: PrintOptions, material: str = "affiche") -> bytes:
    stream = io.BytesIO()
    writer_for("pdf", mode_for(material, "pdf", printing), printing)(scene, stream)
    return stream.getvalue()


def forget_everything() -> None:
    """Empty every cache of the PDF writer (subsets, plans, face tables)."""
    for name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
        if isinstance(font, pdf_fonts._TaggedTTFont):
            font._made.clear()
            font._descriptors.clear()
            font._widths.clear()
    pdf_subset._faces.clear()
    pdf_text._tj_plan.cache_clear()
    pdf_text._numberings.clear()


def reportlab_text(self: PdfPainter, item: TextLine) -> None:
    """A line through reportlab's text object and splitString (what the writer did before)."""
    name = font_name(item.font_path, item.font_name)
    text = self.canvas.beginText()
    text.setFont(name, item.size)
    if self.cmyk:
        text.setFillColorCMYK(*rgb_to_cmyk(item.color))
    else:
        text.setFillColorRGB(*item.color.rgb)
    text.setTextOrigin(self.x(item.x), self.y(item.baseline))
    text._code.append(pdf_text._split_show(self.canvas, name, item))
    self.canvas.drawText(text)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize(("layout", "material"), [("affiche-a3", "affiche"), ("tract-a5", "tract")])
def test_shared_work_writes_reportlabs_bytes(layout: str, material: str, mode: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    printing = MODES[mode]
    scenes = [scene_for(layout, city) for city in CITIES]
    ours = [write(scene, printing, material) for scene in scenes]
    # reportlab's own font objects, subsets and text objects.
    monkeypatch.setattr(pdf_fonts, "usable", lambda document: False)
    monkeypatch.setattr(PdfPainter, "text", reportlab_text)
    forget_everything()
    theirs = [write(scene, printing, material) for scene in scenes]
    assert ours == theirs


@pytest.mark.parametrize("layout", ["affiche-a3", "tract-a5"])
def test_bytes_do_not_depend_on_the_caches(layout: str) -> None:
    """Cold caches, then caches full of other cities: the same bytes, print modes too."""
    scene = scene_for(layout, "Saint-Étienne")
    printing = replace(PrintOptions.print_shop(), bleed_mm=5)
    forget_everything()
    cold = (write(scene, PrintOptions()), write(scene, printing))
    for city in CITIES[1:]:
        write(scene_for(layout, city), PrintOptions())
        write(scene_for(layout, city), printing)
    assert (write(scene, PrintOptions()), write(scene, printing)) == cold


@pytest.mark.parametrize("font", FONTS, ids=lambda path: path.stem)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_subset_program_is_reportlabs(font: Path, data: st.DataObject) -> None:
    face = pdfmetrics.getFont(font_name(font, font.stem)).face
    points = sorted(face.charToGlyph)
    subset = data.draw(st.lists(st.sampled_from(points), min_size=1, max_size=120, unique=True))
    if data.draw(st.booleans()):
        subset.append(0x10FFFD)  # a character the font lacks: glyph 0
    subset.insert(0, 0)  # reportlab's subsets start with .notdef
    assert pdf_subset.make_subset(face, subset) == face.makeSubset(subset)

"""The PDFs still show what they showed before the speed work (issue 14).

Reference renderings: ``tests/golden/ref-<layout>-<slug>-p<N>.png``, each page of the poster and
of the flyer of two communes (a short name, a very long one) rasterised by pdfium at 40 dpi in
grey levels, made from the ``main`` branch of 23 November 2026 before the PDF writer was sped
up, and looked at. Regenerate only after looking at the new pages: ``AFFICHES_REGOLDEN=1``.

Tolerance (same as the visual's reference): mean absolute difference < 2 levels (of 255) and
fewer than 0.5 % of the pixels off by more than 64. A number rounded differently in a content
stream moves nothing visible; a line that breaks elsewhere, a block that moves or a glyph that
changes does not pass (the last test checks that another city fails the comparison).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageChops

from affiches.city.communes import resolve_city
from affiches.compose import compose
from affiches.gabarits import load_layout
from affiches.jobs.kit import KitOptions, template_variables
from affiches.render import writer_for

GOLDEN = Path(__file__).resolve().parent / "golden"
DPI = 40
CITIES = {"saint-etienne": "Saint-Étienne", "long": "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"}
PAGES = {"affiche-a3": 1, "tract-a5": 2}


def pdf_pages(layout: str, city: str) -> list[PILImage.Image]:
    import pypdfium2 as pdfium

    scene = compose(load_layout(layout), template_variables(resolve_city(city), KitOptions()))
    stream = io.BytesIO()
    writer_for("pdf")(scene, stream)
    document = pdfium.PdfDocument(stream.getvalue())
    try:
        return [document[i].render(scale=DPI / 72).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


def far_and_mean(a: PILImage.Image, b: PILImage.Image) -> tuple[float, float]:
    assert a.size == b.size
    histogram = ImageChops.difference(a, b).histogram()
    total = a.size[0] * a.size[1]
    mean = sum(value * count for value, count in enumerate(histogram)) / total
    return sum(histogram[65:]) / total, mean


@pytest.mark.parametrize("slug", sorted(CITIES))
@pytest.mark.parametrize("layout", sorted(PAGES))
def test_pdf_pages_match_reference(layout: str, slug: str) -> None:
    pages = pdf_pages(layout, CITIES[slug])
    assert len(pages) == PAGES[layout]
    for number, page in enumerate(pages, start=1):
        reference = GOLDEN / f"ref-{layout}-{slug}-p{number}.png"
        if os.environ.get("AFFICHES_REGOLDEN") == "1":
            page.save(reference, optimize=True)
        with PILImage.open(reference) as expected:
            far, mean = far_and_mean(page, expected.convert("L"))
        assert mean < 2, f"{reference.name}: mean difference {mean:.2f}"
        assert far < 0.005, f"{reference.name}: {far:.2%} of pixels differ by more than 64"


def test_reference_comparison_catches_another_city() -> None:
    """The tolerance is not so loose that a different name on the poster would pass."""
    page = pdf_pages("affiche-a3", "Lyon")[0]
    with PILImage.open(GOLDEN / "ref-affiche-a3-saint-etienne-p1.png") as expected:
        far, _mean = far_and_mean(page, expected.convert("L"))
    assert far > 0.005

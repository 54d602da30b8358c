"""The painter protocol and the writer registry (affiches.render, issue 8).

The walk is checked with a recording painter on real composed scenes; the registry by
the bytes and page sizes of what each name writes, read back with pypdf.
"""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from affiches.city.communes import resolve_city
from affiches.color import Color
from affiches.compose import compose
from affiches.errors import AffichesError
from affiches.gabarits import load_layout
from affiches.jobs.kit import KitOptions, template_variables
from affiches.printing.impose import choose_nup, plan_fit, plan_tiles
from affiches.printing.modes import PrintOptions
from affiches.render import WRITERS, register, writer_for
from affiches.render.dump import TextDumper
from affiches.render.painter import METHODS, Painter, Writer
from affiches.render.pdf import PdfOptions, PdfPainter, write_pdf
from affiches.render.pdf_sheets import write_fitted, write_nup, write_tiles
from affiches.render.png import PngPainter
from affiches.scene import MM, Image, Line, Page, Picture, QRCode, Rect, Scene, TextLine

A4 = (210 * MM, 297 * MM)


def scene_for(layout: str, city: str = "Saint-Étienne") -> Scene:
    return compose(load_layout(layout), template_variables(resolve_city(city), KitOptions()))


def written(write: Any, scene: Scene, *args: Any, **kwargs: Any) -> bytes:
    stream = io.BytesIO()
    write(scene, stream, *args, **kwargs)
    return stream.getvalue()


class Recorder(Painter):
    """Records every call the walk makes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def begin_document(self, scene: Scene) -> None:
        self.calls.append(("begin_document", None))

    def begin_page(self, scene: Scene, index: int) -> None:
        self.calls.append(("begin_page", index))

    def end_page(self, scene: Scene, index: int) -> None:
        self.calls.append(("end_page", index))

    def end_document(self, scene: Scene) -> str:
        self.calls.append(("end_document", None))
        return "done"

    def rect(self, item: Rect) -> None:
        self.calls.append(("rect", item))

    def line(self, item: Line) -> None:
        self.calls.append(("line", item))

    def text(self, item: TextLine) -> None:
        self.calls.append(("text", item))

    def qr(self, item: QRCode) -> None:
        self.calls.append(("qr", item))

    def image(self, item: Image) -> None:
        self.calls.append(("image", item))

    def artwork(self, item: Picture) -> None:
        self.calls.append(("artwork", item))


EXPECTED_METHOD = {Rect: "rect", Line: "line", TextLine: "text", QRCode: "qr", Image: "image",
                   Picture: "artwork"}


def with_extra_page(scene: Scene, picture: Path) -> Scene:
    """``scene`` plus a page holding what the shipped layouts do not: a line, an image,
    a user's picture."""
    black = Color((0.0, 0.0, 0.0))
    extra = Page((
        Line(10, 20, 200, 20, black, 4),
        Image(10, 40, 100, 60, picture),
        Rect(150, 40, 60, 60, stroke=black, stroke_width=2, ellipse=True),
        Picture(10, 120, 100, 60, "raster", picture.read_bytes(), picture.name, "d", True, "logo", "logos"),
    ))
    return replace(scene, pages=(*scene.pages, extra))


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "logo.png"
    PILImage.new("RGBA", (50, 30), (200, 30, 60, 255)).save(path)
    return path


def test_paint_walks_every_page_in_order_and_dispatches_by_type(picture: Path) -> None:
    scene = with_extra_page(scene_for("tract-a5"), picture)  # rects, texts, QR, line, image
    recorder = Recorder()
    assert recorder.paint(scene) == "done"
    expected: list[tuple[str, Any]] = [("begin_document", None)]
    for index, page in enumerate(scene.pages):
        expected.append(("begin_page", index))
        expected += [(EXPECTED_METHOD[type(item)], item) for item in page.items]
        expected.append(("end_page", index))
    expected.append(("end_document", None))
    assert recorder.calls == expected
    kinds = {name for name, _ in recorder.calls}
    assert set(METHODS.values()) <= kinds


def test_pdf_and_png_paint_lines_images_and_ellipses(picture: Path) -> None:
    """What no shipped layout uses is still drawn where the scene puts it."""
    import pypdfium2 as pdfium

    from affiches.render.png import PngOptions, render_image

    scene = with_extra_page(scene_for("tract-a5"), picture)
    page = len(scene.pages)
    document = pdfium.PdfDocument(written(writer_for("pdf"), scene))
    from_pdf = document[page - 1].render(scale=1).to_pil().convert("RGB")
    document.close()
    from_png = render_image(scene, PngOptions(page=page, dpi=72))
    for image in (from_pdf, from_png):
        background = image.getpixel((300, 300))
        assert image.getpixel((100, 20)) != background  # on the line
        assert image.getpixel((100, 30)) == background  # below it
        assert image.getpixel((60, 70)) == (200, 30, 60)  # inside the image (aspect kept)
        assert image.getpixel((180, 41)) != background  # the ellipse's outline, top
        assert image.getpixel((180, 70)) == background  # its empty middle


def test_paint_selected_pages_only() -> None:
    scene = scene_for("tract-a5")
    recorder = Recorder()
    recorder.paint(scene, [1])
    pages = [value for name, value in recorder.calls if name == "begin_page"]
    items = [value for name, value in recorder.calls if name in EXPECTED_METHOD.values()]
    assert pages == [1]
    assert items == list(scene.pages[1].items)


def test_dispatch_table_covers_every_primitive_and_every_painter_implements_it() -> None:
    assert METHODS == EXPECTED_METHOD
    from affiches.render.png import _FlatColors

    for painter in (PdfPainter, PngPainter, TextDumper, _FlatColors):
        for name in METHODS.values():
            assert getattr(painter, name) is not getattr(Painter, name), (painter, name)


def test_a_painter_lacking_a_method_fails_loudly() -> None:
    class RectsOnly(Painter):
        def rect(self, item: Rect) -> None:
            pass

    scene = scene_for("affiche-a3")
    with pytest.raises(NotImplementedError, match="RectsOnly cannot paint TextLine"):
        RectsOnly().paint(scene)
    empty = Scene(100, 100, (Page(()),), scene.background)
    assert RectsOnly().paint(empty) is None  # hooks are optional


# ------------------------------------------------------------------ registry


@pytest.fixture(scope="module")
def poster() -> Scene:
    return scene_for("affiche-a3")


@pytest.fixture(scope="module")
def flyer() -> Scene:
    return scene_for("tract-a5")


def sizes(data: bytes) -> list[tuple[float, float]]:
    return [(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
            for p in PdfReader(io.BytesIO(data)).pages]


def test_pdf_page_mode_follows_the_print_options(poster: Scene) -> None:
    shop = PrintOptions.print_shop()
    data = written(writer_for("pdf", "page", shop), poster)
    assert data == written(write_pdf, poster, PdfOptions(cmyk=True, bleed=3 * MM, crop_marks=True))
    pad = 3 * MM + 5 * MM  # crop marks start 3 mm out and are 5 mm long
    assert sizes(data) == [(round(poster.width + 2 * pad, 2), round(poster.height + 2 * pad, 2))]
    plain = written(writer_for("pdf"), poster)
    assert plain == written(writer_for("pdf", "page", PrintOptions()), poster)
    assert plain == written(write_pdf, poster)
    assert sizes(plain) == [(round(poster.width, 2), round(poster.height, 2))]


@pytest.mark.parametrize("sheet", ["a4", "a3"])
def test_tiles_by_name(poster: Scene, sheet: str) -> None:
    options = PrintOptions(tiles=True, tile_sheet=sheet)
    data = written(writer_for("pdf", "tuiles", options), poster)
    assert data == written(write_tiles, poster, sheet)
    plan = plan_tiles(poster.width, poster.height, sheet)
    expected = tuple(round(v, 2) for v in plan.tiles[0].sheet)
    assert sizes(data) == [expected] * len(plan.tiles)


def test_fit_by_name(flyer: Scene) -> None:
    data = written(writer_for("pdf", "a4", PrintOptions(fit_a4=True, cmyk=True)), flyer)
    assert data == written(write_fitted, flyer, cmyk=True)
    sheet = tuple(round(v, 2) for v in plan_fit(flyer.width, flyer.height).sheet)
    assert sizes(data) == [sheet, sheet]
    assert sorted(sheet) == sorted(round(v, 2) for v in A4)


@pytest.mark.parametrize("duplex", ["long", "court"])
def test_imposition_by_name(flyer: Scene, duplex: str) -> None:
    data = written(writer_for("pdf", "imposer", PrintOptions(impose=True, duplex=duplex)), flyer)
    assert data == written(write_nup, flyer, duplex=duplex)
    plan = choose_nup(flyer.width, flyer.height, duplex=duplex)
    assert plan.count == 2
    assert sizes(data) == [tuple(round(v, 2) for v in plan.sheet)] * 2


def test_one_writer_serves_many_scenes(poster: Scene, flyer: Scene) -> None:
    """A fresh writer per call: no state leaks from one document to the next."""
    write = writer_for("pdf", "a4", PrintOptions(fit_a4=True))
    first = written(write, flyer)
    written(write, poster)
    assert written(write, flyer) == first


def test_unknown_names_are_french_errors() -> None:
    with pytest.raises(AffichesError) as info:
        writer_for("jpeg")
    assert str(info.value) == (
        "format de sortie inconnu : « jpeg » ; formats disponibles : pdf, png, jpg, odt, eml, txt"
    )
    with pytest.raises(AffichesError) as info:
        writer_for("pdf", "poster")
    assert str(info.value) == (
        "mode d’impression inconnu pour le format pdf : « poster » ; modes disponibles : "
        "page, tuiles, a4, imposer"
    )


class Titles(Writer):
    """A toy output kind: the scene's title, in capitals."""

    def write(self, scene: Scene, target: Any) -> None:
        target.write(scene.title.upper().encode("utf-8"))


def test_adding_an_output_kind_is_one_registration(
    monkeypatch: pytest.MonkeyPatch, poster: Scene
) -> None:
    monkeypatch.setattr("affiches.render.WRITERS", dict(WRITERS))
    register("titre", f"{__name__}:Titles")
    assert written(writer_for("titre"), poster) == poster.title.upper().encode("utf-8")


def test_registry_imports_writers_only_when_used() -> None:
    code = (
        "import sys\n"
        "from affiches.render import formats, writer_for\n"
        "from affiches.errors import AffichesError\n"
        "assert formats() == ['pdf', 'png', 'jpg', 'odt', 'eml', 'txt']\n"
        "try:\n"
        "    writer_for('svg')\n"
        "except AffichesError:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'PIL'))\n"
        "assert not heavy, heavy\n"
        "writer_for('pdf', 'tuiles')\n"
        "assert 'reportlab' in sys.modules and 'affiches.render.pdf_sheets' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr

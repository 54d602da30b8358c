"""Users' pictures in scenes: logos placed without distortion, vector in PDFs, photos
darkened until every text passes on its real pixels, JPEG under budget, same bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader

from affiches.color import Color
from affiches.compose.ownwords import longest_fitting, own_words_error
from affiches.compose.pictures import Tint, darken_photos, ink_boxes, is_large, logo_pictures, photo_picture
from affiches.images.load import load_artwork
from affiches.render.jpeg import JpegOptions, budget, write_jpeg
from affiches.render.pdf import PdfOptions, write_pdf
from affiches.render.png import render_image, write_png
from affiches.scene import Page, Picture, Rect, Scene, TextLine
from affiches.text.fonts import find_font
from imagefixtures import phone_photo, png_logo, svg_logo, worst_contrast_under_ink

WHITE = Color((1, 1, 1))
BLACK = Color((0.08, 0.08, 0.08))


def scene_of(*items: object, size: tuple[float, float] = (300, 200), pixels: bool = True) -> Scene:
    return Scene(width=size[0], height=size[1], pages=(Page(tuple(items)),),  # type: ignore[arg-type]
                 background=Color((1, 0.83, 0)),
                 pixel_size=(round(size[0] / 0.75), round(size[1] / 0.75)) if pixels else None)


def test_two_logos_side_by_side_same_height_no_distortion(tmp_path: Path) -> None:
    wide = load_artwork(svg_logo(tmp_path / "a.svg"))  # 2.5:1
    round_ = load_artwork(png_logo(tmp_path / "b.png"))  # 2:1
    items = logo_pictures((10, 20, 200, 60), [wide, round_], gap=10, align="center", block="logos")
    first, second = items
    assert isinstance(first, Picture) and isinstance(second, Picture)
    assert first.height == pytest.approx(second.height)
    assert first.width / first.height == pytest.approx(wide.aspect)
    assert second.width / second.height == pytest.approx(round_.aspect)
    assert second.x - (first.x + first.width) == pytest.approx(10)
    assert first.x + second.x + second.width == pytest.approx(2 * 10 + 200)  # centred
    assert first.x >= 10 and second.x + second.width <= 210 + 1e-9
    assert first.height <= 60 + 1e-9
    one = logo_pictures((10, 20, 200, 60), [wide], gap=10, align="left")[0]
    assert isinstance(one, Picture)
    assert (one.x, one.height) == (10, 60) and one.width == pytest.approx(150)


def test_svg_logo_is_vector_in_the_pdf(tmp_path: Path) -> None:
    logo = load_artwork(svg_logo(tmp_path / "logo.svg"))
    raster = load_artwork(png_logo(tmp_path / "logo.png"))
    for cmyk in (False, True):
        out = io.BytesIO()
        write_pdf(scene_of(*logo_pictures((20, 20, 200, 80), [logo], 0, "center")), out, PdfOptions(cmyk=cmyk))
        page = PdfReader(io.BytesIO(out.getvalue())).pages[0]
        resources = page["/Resources"]
        assert "/XObject" not in resources or not resources["/XObject"]  # no image: paths
        content = page.get_contents().get_data()  # type: ignore[union-attr]
        assert content.count(b" re") + content.count(b" c\n") + content.count(b" l\n") > 3
        fonts = [str(font.get_object()["/BaseFont"]) for font in resources.get("/Font", {}).values()]
        assert not [name for name in fonts if "Helvetica" in name]  # no unembedded standard font
        if cmyk:
            assert b"rg\n" not in content and b"RG\n" not in content and b" k\n" in content  # all CMYK
    out = io.BytesIO()
    write_pdf(scene_of(*logo_pictures((20, 20, 200, 80), [raster], 0, "center")), out)
    resources = PdfReader(io.BytesIO(out.getvalue())).pages[0]["/Resources"]
    assert len(resources["/XObject"]) == 1  # a PNG logo is one image (with its soft mask)


def test_svg_logo_rendered_the_same_in_png_and_pdf(tmp_path: Path) -> None:
    logo = load_artwork(svg_logo(tmp_path / "logo.svg"))
    scene = scene_of(*logo_pictures((0, 0, 300, 120), [logo], 0, "center"), size=(300, 120))
    png = render_image(scene)
    out = io.BytesIO()
    write_pdf(scene, out)
    page = pdfium.PdfDocument(out.getvalue())[0]
    pdf = page.render(scale=png.width / page.get_width()).to_pil().convert("RGB")
    assert pdf.size == png.size
    assert png.getpixel((80, 80)) == pytest.approx((255, 212, 0), abs=4)  # yellow disc
    for point in [(80, 80), (250, 50), (10, 80), (380, 140)]:
        assert png.getpixel(point) == pytest.approx(pdf.getpixel(point), abs=12)


def _text(block: str, x: float, baseline: float, size: float, color: Color, text: str = "VILLE") -> TextLine:
    font = find_font("RobotoCondensed-Bold")
    return TextLine(x=x, baseline=baseline, font_path=font, font_name="RobotoCondensed-Bold", size=size,
                    color=color, text=text, width=size * 0.5 * len(text), chunks=((0.0, text),), block=block)


def test_photo_darkened_until_texts_pass_on_real_pixels(tmp_path: Path) -> None:
    photo = load_artwork(phone_photo(tmp_path / "photo.jpg"), "photo")
    picture = photo_picture((0, 0, 600, 600), (800, 800), photo, (0.5, 0.5), "fond")
    band = Rect(0, 500, 600, 100, fill=BLACK)  # drawn over the photo, before the hashtag
    title = _text("ville", 20, 120, 80, WHITE)
    small = _text("credit", 20, 480, 12, WHITE, "Photo : Camille")
    tag = _text("hashtag", 20, 560, 30, Color((1, 0.83, 0)))
    items = darken_photos([picture, band, title, small, tag], {"fond": Tint((0, 0, 0), 0.1, 0.9)})
    darkened = items[0]
    assert isinstance(darkened, Picture) and darkened.data != picture.data
    # independent check: the real pixels under each line's ink, rendered by the PNG writer
    scene = scene_of(darkened, band, title, small, tag, size=(600, 600), pixels=False)
    for index, (line, required) in enumerate(((title, 3.0), (small, 4.5), (tag, 3.0)), start=2):
        assert is_large(line) == (required == 3.0)
        assert worst_contrast_under_ink(scene, index) >= required - 0.05, line.block
    # the glyph boxes hug the ink: a capital's box stops near the baseline (no descender)
    (first, *_rest) = ink_boxes(title)
    assert title.baseline - 0.05 * title.size < first[3] < title.baseline + 0.06 * title.size


def test_photo_untouched_without_text_over_it(tmp_path: Path) -> None:
    photo = load_artwork(phone_photo(tmp_path / "photo.jpg"), "photo")
    picture = photo_picture((0, 0, 300, 100), (400, 133), photo, (0.5, 0.0), "fond")
    far = _text("loin", 20, 190, 20, WHITE)
    assert darken_photos([picture, far], {}) == [picture, far]


def test_jpeg_writer_under_budget_and_deterministic(tmp_path: Path) -> None:
    photo = load_artwork(phone_photo(tmp_path / "photo.jpg"), "photo")
    picture = photo_picture((0, 0, 810, 810), (1080, 1080), photo, (0.5, 0.5), "fond")
    scene = scene_of(picture, _text("ville", 40, 300, 120, WHITE), size=(810, 810))
    first, second = io.BytesIO(), io.BytesIO()
    write_jpeg(scene, first)
    write_jpeg(scene, second)
    data = first.getvalue()
    assert data == second.getvalue()
    assert len(data) <= 300_000 == budget(1080, 1080, JpegOptions())
    assert budget(1080, 1920, JpegOptions()) == round(300_000 * 1920 / 1080)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (1080, 1080)
        assert not image.getexif() and "icc_profile" not in image.info
    png = io.BytesIO()
    write_png(scene, png)
    assert b"tIME" not in png.getvalue()


def test_longest_fitting_and_message() -> None:
    fits = lambda text: len(text) <= 20  # noqa: E731
    assert longest_fitting("un deux trois quatre cinq six", fits) == len("un deux trois quatre")
    assert longest_fitting("anticonstitutionnellement", fits) == 0
    error = own_words_error("message", "visuel-carre", "message", "un deux trois quatre cinq six", fits)
    assert str(error) == ("--message : le texte ne tient pas dans le bloc « message » du gabarit visuel-carre "
                          "(29 caractères) ; 20 caractères au plus tiennent ; raccourcissez-le")


def test_photo_in_a_pdf_is_a_jpeg_image(tmp_path: Path) -> None:
    photo = load_artwork(phone_photo(tmp_path / "photo.jpg"), "photo")
    picture = photo_picture((0, 0, 300, 200), (625, 417), photo, (0.5, 0.5), "fond")
    out = io.BytesIO()
    write_pdf(scene_of(picture, pixels=False), out)
    resources = PdfReader(io.BytesIO(out.getvalue())).pages[0]["/Resources"]
    (image,) = [x.get_object() for x in resources["/XObject"].values()]
    assert "/DCTDecode" in image["/Filter"] and (image["/Width"], image["/Height"]) == (625, 417)
    again = io.BytesIO()
    write_pdf(scene_of(picture, pixels=False), again)
    assert again.getvalue() == out.getvalue()

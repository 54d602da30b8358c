"""Print shop and office printing (issue 4): bleed, boxes, CMYK, tiles, imposition, QR size.

Expected values come from paper sizes and the documented constants (3 mm bleed, 5 mm
printer margin, 10 mm glue band), never from the code's own output.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageChops, ImageFilter, ImageOps
from pypdf import PdfReader

from affiches.city.communes import resolve_city
from affiches.cli.main import cli
from affiches.color import Color
from affiches.compose import compose
from affiches.gabarits import load_layout
from affiches.jobs.kit import DEFAULT_URL, KitOptions, template_variables
from affiches.printing.impose import Rectangle, choose_nup, plan_fit, plan_tiles
from affiches.printing.modes import PrintError, PrintOptions, check_printable
from affiches.render.pdf import PdfOptions, rgb_to_cmyk, write_pdf
from affiches.render.pdf_sheets import write_fitted, write_nup, write_tiles

MM = 72 / 25.4
A3 = (297 * MM, 420 * MM)
A2 = (420 * MM, 594 * MM)
A5 = (148 * MM, 210 * MM)
A6 = (105 * MM, 148 * MM)


def scene_for(layout: str | Path, city: str = "Saint-Étienne"):  # type: ignore[no-untyped-def]
    variables = template_variables(resolve_city(city), KitOptions())
    return compose(load_layout(layout), variables)


def pdf(write, scene, *args, **kwargs) -> bytes:  # type: ignore[no-untyped-def]
    stream = io.BytesIO()
    write(scene, stream, *args, **kwargs)
    return stream.getvalue()


def rasterise(data: bytes, dpi: float) -> list[PILImage.Image]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("RGB")
                for i in range(len(document))]
    finally:
        document.close()


def decode_qr(image: PILImage.Image) -> list[str]:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]


def mm(box: list[float]) -> list[float]:
    return [round(v / MM, 2) for v in box]


@pytest.fixture(scope="module")
def poster():  # type: ignore[no-untyped-def]
    return scene_for("affiche-a3")


@pytest.fixture(scope="module")
def flyer():  # type: ignore[no-untyped-def]
    return scene_for("tract-a5")


# ------------------------------------------------------------ print shop


def test_print_shop_boxes_trim_inside_3mm_bleed(poster) -> None:  # type: ignore[no-untyped-def]
    data = pdf(write_pdf, poster, PdfOptions(cmyk=True, bleed=3 * MM, crop_marks=True))
    page = PdfReader(io.BytesIO(data)).pages[0]
    trim, bleed, media = (mm(list(map(float, b))) for b in (page.trimbox, page.bleedbox,
                                                             page.mediabox))
    assert round(trim[2] - trim[0], 1) == 297.0 and round(trim[3] - trim[1], 1) == 420.0
    assert [round(b - t, 1) for b, t in zip(bleed, trim, strict=True)] == [-3, -3, 3, 3]
    # Crop marks need room outside the bleed: the media is larger than the bleed box.
    assert media[0] < bleed[0] and media[1] < bleed[1]
    assert media[2] > bleed[2] and media[3] > bleed[3]


def test_bleed_extends_edge_elements_and_marks_stay_outside(poster) -> None:  # type: ignore[no-untyped-def]
    data = pdf(write_pdf, poster, PdfOptions(bleed=3 * MM, crop_marks=True))
    page = PdfReader(io.BytesIO(data)).pages[0]
    trim_x, trim_top = float(page.trimbox[0]), float(page.mediabox[3]) - float(page.trimbox[3])
    dpi = 72
    image = rasterise(data, dpi)[0]
    def px(x_mm_from_trim: float, y_mm_from_trim: float) -> tuple[int, int, int]:
        return image.getpixel((round(trim_x + x_mm_from_trim * MM),
                               round(trim_top + y_mm_from_trim * MM)))
    dark, yellow = (20, 20, 20), (255, 212, 0)
    # 1.5 mm outside the trim, beside the black top band (0-40 mm) and the yellow body.
    assert max(abs(a - b) for a, b in zip(px(-1.5, 20), dark, strict=True)) < 40
    assert max(abs(a - b) for a, b in zip(px(-1.5, 120), yellow, strict=True)) < 40
    assert max(abs(a - b) for a, b in zip(px(150, -1.5), dark, strict=True)) < 40
    # Beyond the bleed (4.5 mm out) the sheet is blank, marks apart.
    assert px(-4.5, 120) == (255, 255, 255)
    assert px(150, -4.5) == (255, 255, 255)


def _content_streams(data: bytes) -> str:
    """Every content stream of the file (pages and form XObjects), decompressed."""
    reader = PdfReader(io.BytesIO(data))
    texts = []
    for page in reader.pages:
        texts.append(page.get_contents().get_data().decode("latin-1"))
        resources = page["/Resources"]
        xobjects = resources.get("/XObject", {}) if resources else {}
        for ref in xobjects.values():
            texts.append(ref.get_object().get_data().decode("latin-1"))
    return "\n".join(texts)


@pytest.mark.parametrize("mode", ["page", "tiles", "nup"])
def test_cmyk_mode_writes_only_cmyk_operators(poster, flyer, mode: str) -> None:  # type: ignore[no-untyped-def]
    if mode == "page":
        data = pdf(write_pdf, poster, PdfOptions(cmyk=True, bleed=3 * MM, crop_marks=True))
    elif mode == "tiles":
        data = pdf(write_tiles, poster, cmyk=True)
    else:
        data = pdf(write_nup, flyer, cmyk=True)
    content = _content_streams(data)
    assert not re.search(r"(^|\s)[\d.\s]+ (rg|RG)(\s|$)", content)
    fills = re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) k\b", content)
    assert fills
    # The layout's black (cmjn [0, 0, 0, 100]) and yellow (cmjn [0, 14, 100, 0]).
    assert ("0", "0", "0", "1") in fills
    assert ("0", ".14", "1", "0") in fills
    assert "/SMask" not in content and not re.search(r"/(CA|ca) ", content)


def test_cmyk_conversion_prints_black_and_greys_with_black_ink_only() -> None:
    assert rgb_to_cmyk(Color((0.08, 0.08, 0.08))) == (0, 0, 0, 0.92)
    assert rgb_to_cmyk(Color((0, 0, 0))) == (0, 0, 0, 1)
    grey = rgb_to_cmyk(Color((0.5, 0.5, 0.5)))
    assert grey[:3] == (0, 0, 0) and grey[3] == pytest.approx(0.5)
    red = rgb_to_cmyk(Color((1, 0, 0)))
    assert red == (0, 1, 1, 0)
    assert rgb_to_cmyk(Color((1, 1, 1), (0.1, 0.2, 0.3, 0.4))) == (0.1, 0.2, 0.3, 0.4)


BLACK_ONLY = """
nom = "noir-seul"
materiel = "affiche"
unite = "mm"
largeur = 148
hauteur = 210
fond = "#FFFFFF"

[[blocs]]
nom = "ville"
type = "texte"
texte = "{ville_maj}"
police = "RobotoCondensed-Bold"
couleur = "#141414"
boite = [10, 10, 128, 60]
taille_max = 90
taille_min = 20
lignes_max = 2

[[blocs]]
nom = "filet"
type = "rect"
boite = [0, 80, 148, 10]
couleur = "#000000"

[[blocs]]
nom = "qr"
type = "qr"
boite = [40, 110, 68, 68]
couleur = "#141414"
fond = "#FFFFFF"
"""


@pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) absent")
def test_inkcov_black_elements_use_black_ink_alone(tmp_path: Path) -> None:
    layout = tmp_path / "noir-seul.toml"
    layout.write_text(BLACK_ONLY, encoding="utf-8")
    scene = scene_for(layout)
    target = tmp_path / "noir.pdf"
    write_pdf(scene, target, PdfOptions(cmyk=True, bleed=3 * MM, crop_marks=True))
    out = subprocess.run(["gs", "-q", "-o", "-", "-sDEVICE=inkcov", str(target)],
                         capture_output=True, text=True, check=True).stdout
    c, m, y, k = (float(v) for v in out.split()[:4])
    assert (c, m, y) == (0.0, 0.0, 0.0)
    assert k > 0.02
    # The same page in RGB mode goes through a conversion and picks up colour inks.
    rgb = tmp_path / "rgb.pdf"
    write_pdf(scene, rgb)
    out = subprocess.run(["gs", "-q", "-o", "-", "-sDEVICE=inkcov", str(rgb)],
                         capture_output=True, text=True, check=True).stdout
    assert sum(float(v) for v in out.split()[:3]) > 0


def test_every_font_embedded_in_every_print_variant(poster, flyer) -> None:  # type: ignore[no-untyped-def]
    files = [
        pdf(write_pdf, poster),
        pdf(write_pdf, poster, PdfOptions(cmyk=True, bleed=3 * MM, crop_marks=True)),
        pdf(write_tiles, poster),
        pdf(write_fitted, poster),
        pdf(write_nup, flyer),
    ]
    for data in files:
        reader = PdfReader(io.BytesIO(data))
        fonts = {}
        for page in reader.pages:
            for name, ref in page["/Resources"]["/Font"].items():
                fonts[name] = ref.get_object()
        assert fonts
        for font in fonts.values():
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]


# ------------------------------------------------------------------ tiles


def _coverage(tiles, x: float, y: float) -> int:  # type: ignore[no-untyped-def]
    eps = 1e-6
    return sum(t.source.x - eps <= x <= t.source.right + eps
               and t.source.y - eps <= y <= t.source.bottom + eps for t in tiles)


@pytest.mark.parametrize(("size", "sheet", "count"), [(A3, "a4", 4), (A2, "a3", 4), (A2, "a4", 8)])
def test_tiles_cover_the_poster_once_plus_the_glue_bands(size, sheet: str, count: int) -> None:  # type: ignore[no-untyped-def]
    width, height = size
    plan = plan_tiles(width, height, sheet)
    assert len(plan.tiles) == count
    printable_margin = 5 * MM
    for tile in plan.tiles:
        sw, sh = tile.sheet
        placed = tile.placed
        # 100 %: the piece has its size on the poster; it stays clear of the 5 mm margin
        # with room for marks.
        assert placed.width == pytest.approx(tile.source.width)
        clear = printable_margin + 5 * MM
        assert placed.x >= clear and placed.right <= sw - clear
        assert placed.y >= clear and placed.bottom <= sh - clear
    # Seams: equal cells; a 10 mm glue band right of and below each inner seam.
    cell_w, cell_h = width / plan.cols, height / plan.rows
    glue = 10 * MM
    steps = 97
    for i in range(steps + 1):
        for j in range(steps + 1):
            x, y = width * i / steps, height * j / steps
            in_x_band = any(c * cell_w < x < c * cell_w + glue for c in range(1, plan.cols))
            in_y_band = any(r * cell_h < y < r * cell_h + glue for r in range(1, plan.rows))
            on_seam = any(abs(x - c * cell_w) < 1e-6 for c in range(1, plan.cols)) or any(
                abs(y - r * cell_h) < 1e-6 for r in range(1, plan.rows))
            if on_seam:
                continue
            expected = (2 if in_x_band else 1) * (2 if in_y_band else 1)
            assert _coverage(plan.tiles, x, y) == expected, (x / MM, y / MM)
    area = sum(t.source.width * t.source.height for t in plan.tiles)
    expected_area = (width + (plan.cols - 1) * glue) * (height + (plan.rows - 1) * glue)
    assert area == pytest.approx(expected_area)


def test_tiles_reassembled_give_back_the_poster(poster) -> None:  # type: ignore[no-untyped-def]
    dpi = 40
    scale = dpi / 72
    plan = plan_tiles(poster.width, poster.height, "a4")
    sheets = rasterise(pdf(write_tiles, poster), dpi)
    reference = rasterise(pdf(write_pdf, poster), dpi)[0]
    for sheet in sheets:
        # Nothing is printed in the 5 mm an office printer cannot reach.
        margin = round(5 * MM * scale)
        w, h = sheet.size
        for box in ((0, 0, w, margin), (0, h - margin, w, h), (0, 0, margin, h),
                    (w - margin, 0, w, h)):
            assert sheet.crop(box).getextrema() == ((255, 255),) * 3

    def assemble(error_px: float = 0.0) -> PILImage.Image:
        """Row by row, left to right, each sheet laid over the previous glue bands,
        its cut edge on the seam (``error_px``: a gluing error, per column)."""
        assembled = PILImage.new("RGB", reference.size, (255, 0, 255))
        for tile, sheet in zip(plan.tiles, sheets, strict=True):
            p, s = tile.placed, tile.source
            dx = (p.x - s.x) * scale + error_px * tile.col
            dy = (p.y - s.y) * scale
            moved = sheet.transform(reference.size, PILImage.Transform.AFFINE,
                                    (1, 0, dx, 0, 1, dy), resample=PILImage.Resampling.BILINEAR)
            box = (round(s.x * scale), round(s.y * scale),
                   round(s.right * scale), round(s.bottom * scale))
            assembled.paste(moved.crop(box), box[:2])
        return assembled

    def difference(image: PILImage.Image) -> tuple[float, float, int]:
        # A light blur: glyph edges rasterised at other sub-pixel offsets are not errors.
        blur = ImageFilter.GaussianBlur(1.5)
        histogram = ImageChops.difference(image.filter(blur), reference.filter(blur)) \
            .convert("L").histogram()
        total = sum(histogram)
        return (sum(histogram[:32]) / total,
                sum(i * n for i, n in enumerate(histogram)) / total,
                max(i for i, n in enumerate(histogram) if n))

    close, mean, worst = difference(assemble())
    assert close > 0.99 and mean < 3.5 and worst < 100
    # The comparison can fail: a 2 mm gluing error is caught.
    close, mean, worst = difference(assemble(error_px=2 * MM * scale))
    assert not (close > 0.99 and mean < 3.5 and worst < 100)


def test_tiles_carry_their_number(poster) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(io.BytesIO(pdf(write_tiles, poster)))
    labels = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(labels, start=1):
        assert f"{number}/4" in text


def test_fit_reduces_to_the_printable_area(poster, flyer) -> None:  # type: ignore[no-untyped-def]
    plan = plan_fit(poster.width, poster.height)
    # A3 on A4 portrait: limited by the width, (210 - 2 × 5) / 297.
    assert plan.scale == pytest.approx(200 / 297)
    assert plan.sheet == pytest.approx((210 * MM, 297 * MM))
    assert plan_fit(flyer.width, flyer.height).scale == 1.0  # never enlarged
    page = PdfReader(io.BytesIO(pdf(write_fitted, poster))).pages[0]
    assert [round(float(v) / MM) for v in page.mediabox[2:]] == [210, 297]


def test_outputs_are_deterministic(poster, flyer) -> None:  # type: ignore[no-untyped-def]
    assert pdf(write_tiles, poster) == pdf(write_tiles, poster)
    assert pdf(write_nup, flyer) == pdf(write_nup, flyer)


# ------------------------------------------------------------- imposition


def test_two_a5_flyers_per_a4_sheet_and_every_qr_decodes(flyer) -> None:  # type: ignore[no-untyped-def]
    data = pdf(write_nup, flyer)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert [round(float(v) / MM) for v in reader.pages[0].mediabox[2:]] == [297, 210]
    for page in rasterise(data, 150):
        assert decode_qr(page) == [DEFAULT_URL, DEFAULT_URL]


def test_four_a6_flyers_per_a4_sheet_and_every_qr_decodes() -> None:
    scene = scene_for("tract-a6")
    assert (scene.width, scene.height) == pytest.approx(A6)
    plan = choose_nup(scene.width, scene.height)
    assert plan.count == 4
    data = pdf(write_nup, scene)
    for page in rasterise(data, 150):
        assert decode_qr(page) == [DEFAULT_URL] * 4


@pytest.mark.parametrize("size", [A5, A6])
def test_imposed_copies_stay_inside_the_printable_area(size) -> None:  # type: ignore[no-untyped-def]
    plan = choose_nup(*size)
    sw, sh = plan.sheet
    reach = plan.bleed
    for x1, y1, x2, y2 in plan.marks():
        for x, y in ((x1, y1), (x2, y2)):
            assert 5 * MM - 1e-6 <= x <= sw - 5 * MM + 1e-6
            assert 5 * MM - 1e-6 <= y <= sh - 5 * MM + 1e-6
    for slot in plan.slots:
        assert slot.x - reach >= 5 * MM and slot.right + reach <= sw - 5 * MM
        assert slot.y - reach >= 5 * MM and slot.bottom + reach <= sh - 5 * MM
        assert slot.width / slot.height == pytest.approx(size[0] / size[1])
    # Copies never overlap (bleeds meet in the gutter at most).
    for i, a in enumerate(plan.slots):
        for b in plan.slots[i + 1:]:
            assert a.right + 2 * reach <= b.x + 1e-6 or a.bottom + 2 * reach <= b.y + 1e-6


@pytest.mark.parametrize("layout", ["tract-a5", "tract-a6"])
@pytest.mark.parametrize("duplex", ["long", "court"])
def test_verso_lines_up_with_recto_after_duplex_flip(layout: str, duplex: str) -> None:
    scene = scene_for(layout)
    plan = choose_nup(scene.width, scene.height, duplex=duplex)
    dpi = 40
    scale = dpi / 72
    recto, verso = rasterise(pdf(write_nup, scene, duplex=duplex), dpi)
    # Physical model: a point of the verso page at (X, Y) lies behind the recto point
    # F(X, Y), F being the paper's turn; then a cut flyer turns like a book page.
    if (plan.sheet[0] > plan.sheet[1]) == (duplex == "long"):
        behind = verso.transpose(PILImage.Transpose.FLIP_TOP_BOTTOM)  # F: y -> H - y
    else:
        behind = verso.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)  # F: x -> W - x
    page1, page2 = rasterise(pdf(write_pdf, scene), dpi * plan.scale)
    for slot in plan.slots:
        box = (round(slot.x * scale), round(slot.y * scale),
               round(slot.right * scale), round(slot.bottom * scale))
        front = recto.crop(box).resize(page1.size)
        # What is behind this slot, seen from the front, is the back mirrored left-right
        # (the reader turns the flyer about its vertical axis): undo that mirror.
        back = ImageOps.mirror(behind.crop(box).resize(page2.size))
        assert _mean_diff(front, page1) < 12
        assert _mean_diff(back, page2) < 12
        # The test can fail: the back upside down does not match.
        assert _mean_diff(back.rotate(180), page2) > 20


def _mean_diff(a: PILImage.Image, b: PILImage.Image) -> float:
    histogram = ImageChops.difference(a.convert("L"), b.convert("L")).histogram()
    return sum(i * n for i, n in enumerate(histogram)) / sum(histogram)


def test_verso_placement_for_each_duplex_mode(flyer) -> None:  # type: ignore[no-untyped-def]
    page = Rectangle(0, 0, flyer.width, flyer.height)
    long = choose_nup(flyer.width, flyer.height, duplex="long")
    court = choose_nup(flyer.width, flyer.height, duplex="court")
    assert long.sheet[0] > long.sheet[1]  # landscape A4, two A5 side by side
    # Long edge on a landscape sheet: the paper turns top over bottom, so each back sits
    # behind its own front, upside down.
    v = long.verso_transform(0)
    assert (v.a, v.d) == pytest.approx((-long.scale, -long.scale))
    assert v.rect(page).x == pytest.approx(long.slots[0].x)
    # Short edge: the paper turns left over right, backs upright and swapped.
    v = court.verso_transform(0)
    assert (v.a, v.d) == pytest.approx((court.scale, court.scale))
    assert v.rect(page).x == pytest.approx(court.slots[1].x)


# ------------------------------------------------------------------ QR size


SMALL_QR = """
nom = "qr-petit"
materiel = "affiche"
unite = "mm"
largeur = 297
hauteur = 420
fond = "#FFFFFF"

[[blocs]]
nom = "code"
type = "qr"
boite = [20, 20, 22, 22]
marge_modules = {quiet}
"""


def test_qr_too_small_once_reduced_is_an_error_naming_block_and_minimum(tmp_path: Path) -> None:
    layout = tmp_path / "qr-petit.toml"
    layout.write_text(SMALL_QR.format(quiet=4), encoding="utf-8")
    scene = scene_for(layout)
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(DEFAULT_URL)
    modules = len(code.get_matrix())  # symbol and its 4-module quiet zone on each side
    assert 22 / modules >= 0.5  # fine at 100 %
    check_printable(scene, "qr-petit", "page", PrintOptions())
    # Reduced to A4 (× 200/297), the modules drop below 0.5 mm.
    assert 22 / modules * 200 / 297 < 0.5
    with pytest.raises(PrintError) as error:
        check_printable(scene, "qr-petit", "a4", PrintOptions(fit_a4=True))
    message = str(error.value)
    assert "« code »" in message and "qr-petit" in message
    minimum = f"{modules * 0.5:.1f}".replace(".", ",").replace(",0", "")
    assert f"au moins {minimum} mm" in message


def test_qr_quiet_zone_below_four_modules_is_an_error(tmp_path: Path) -> None:
    layout = tmp_path / "qr-petit.toml"
    layout.write_text(SMALL_QR.format(quiet=2).replace("22, 22", "40, 40"), encoding="utf-8")
    with pytest.raises(PrintError, match="au moins 4"):
        check_printable(scene_for(layout), "qr-petit", "page", PrintOptions())


# --------------------------------------------------------------------- CLI


def test_cli_print_variants_and_names(runner, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["affiche", "Saint-Étienne", "--imprimeur"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "output/saint-etienne/affiche-a3-saint-etienne-imprimeur.pdf"
    result = runner.invoke(cli, ["kit", "Lyon", "--tuiles", "--imposer", "--recto-verso", "court"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        "output/lyon/affiche-a3-lyon-a4-tuiles.pdf",
        "output/lyon/tract-a5-lyon-a4-imposition.pdf",
        "output/lyon/visuel-carre-lyon.png",
        "output/lyon/visuel-carre-lyon.txt",
    ]
    result = runner.invoke(cli, ["affiche", "Lyon", "-g", "affiche-a2", "--tuiles",
                                 "--feuille", "a3"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "output/lyon/affiche-a2-lyon-a3-tuiles.pdf"
    assert len(PdfReader("output/lyon/affiche-a2-lyon-a3-tuiles.pdf").pages) == 4


@pytest.mark.parametrize(("args", "expected"), [
    (["affiche", "Lyon", "--imposer"], "Erreur : --imposer place plusieurs tracts par feuille"),
    (["tract", "Lyon", "--tuiles"], "Erreur : --tuiles découpe une affiche"),
    (["tract", "Lyon", "--imprimeur", "--a4"], "Erreur : --fond-perdu et --traits-de-coupe"),
    (["tract", "Lyon", "--fond-perdu", "25"], "Erreur : --fond-perdu : 25 mm n’est pas possible"),
    (["affiche", "Lyon", "--feuille", "a3"], "Erreur : --feuille choisit le papier des --tuiles"),
    (["tract", "Lyon", "--recto-verso", "long"], "Erreur : --recto-verso règle l’ordre"),
    (["affiche", "Lyon", "--tuiles", "--a4"], "Erreur : --a4 réduit la page"),
    (["kit", "Lyon", "--quoi", "visuel", "--cmjn"], "Erreur : les options d’impression"),
])
def test_cli_print_option_errors(runner, in_tmp: Path, args: list[str], expected: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr.startswith(expected)
    assert len(result.stderr.strip().splitlines()) == 1
    assert not Path("output").exists()


def test_visuel_has_no_print_options(runner, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["visuel", "Lyon", "--imprimeur"])
    assert result.exit_code == 2


# ------------------------------------------------------------------ layouts


def test_a2_layout_scales_every_a3_block() -> None:
    a3, a2 = load_layout("affiche-a3"), load_layout("affiche-a2")
    assert (a2.width, a2.height) == (420, 594)
    boxes3 = {b.name: b.box for b in a3.blocks}
    boxes2 = {b.name: b.box for b in a2.blocks}
    assert boxes3.keys() == boxes2.keys()
    for name, box in boxes3.items():
        for v3, v2 in zip((box.x, box.y, box.width, box.height),
                          (boxes2[name].x, boxes2[name].y, boxes2[name].width,
                           boxes2[name].height), strict=True):
            assert v2 == pytest.approx(v3 * 2 ** 0.5, abs=0.3), name


def test_a2_poster_is_composed_for_the_longest_commune_name() -> None:
    scene = scene_for("affiche-a2", "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson")
    assert (scene.width, scene.height) == pytest.approx(A2)
    scene = scene_for("tract-a6", "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson")
    assert len(scene.pages) == 2

"""Writers (affiches.render): PDF structure and fonts, PNG pixels, QR codes read back.

PDFs are inspected with pypdf, rasterised with pypdfium2 and their QR codes decoded
with zxing-cpp: independent tools, not the ones that wrote them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image as PILImage
from PIL import ImageChops
from pypdf import PdfReader

from affiches.city.communes import resolve_city
from affiches.cli.main import cli
from affiches.compose import compose
from affiches.gabarits import load_layout
from affiches.jobs.kit import DEFAULT_URL, KitOptions, template_variables
from affiches.render import writer_for
from affiches.render.pdf import write_pdf
from affiches.render.png import PngOptions, render_image, write_png

GOLDEN_PNG = Path(__file__).resolve().parent / "golden" / "visuel-saint-etienne.png"
A3 = (841.89, 1190.55)
A5 = (419.53, 595.28)
STANDARD_14 = {"Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}


def scene_for(layout: str, city: str = "Saint-Étienne", **options: str):  # type: ignore[no-untyped-def]
    variables = template_variables(resolve_city(city), KitOptions(**options))  # type: ignore[arg-type]
    return compose(load_layout(layout), variables)


def pdf_bytes(scene) -> bytes:  # type: ignore[no-untyped-def]
    stream = io.BytesIO()
    write_pdf(scene, stream)
    return stream.getvalue()


def png_bytes(scene) -> bytes:  # type: ignore[no-untyped-def]
    stream = io.BytesIO()
    write_png(scene, stream)
    return stream.getvalue()


def decode_qr(image: PILImage.Image) -> list[str]:
    import zxingcpp

    found = zxingcpp.read_barcodes(image)
    return [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]


def rasterise(pdf: Path | bytes, dpi: int = 150) -> list[PILImage.Image]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        return [document[i].render(scale=dpi / 72).to_pil() for i in range(len(document))]
    finally:
        document.close()


# ------------------------------------------------------------------- PDF


def test_pdf_page_sizes(saint_etienne_kit: dict[str, Path]) -> None:
    affiche = PdfReader(saint_etienne_kit["affiche"])
    assert len(affiche.pages) == 1
    box = affiche.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A3, abs=0.01)
    tract = PdfReader(saint_etienne_kit["tract"])
    assert len(tract.pages) == 2
    for page in tract.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A5, abs=0.01)


@pytest.mark.parametrize("material", ["affiche", "tract"])
def test_every_font_is_embedded(saint_etienne_kit: dict[str, Path], material: str) -> None:
    reader = PdfReader(saint_etienne_kit[material])
    seen = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            base = str(font["/BaseFont"]).lstrip("/")
            seen.add(base.split("+")[-1])
            assert base.split("+")[-1] not in STANDARD_14, f"unembedded standard font {base}"
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, f"{base} has no font descriptor"
            assert "/FontFile2" in descriptor.get_object(), f"{base} is not embedded"
            # Subset fonts carry a six-letter tag.
            assert "+" in base and len(base.split("+")[0]) == 6
    assert {"RobotoCondensed-Bold", "Manrope-ExtraBold"} <= seen


def test_pdf_metadata(saint_etienne_kit: dict[str, Path]) -> None:
    meta = PdfReader(saint_etienne_kit["affiche"]).metadata
    assert meta is not None
    assert meta.title == "Pas de VSA à Saint-Étienne — affiche"
    assert meta.subject and meta.subject.startswith("Affiche A3")
    assert meta.author == "Technopolice"
    tract = PdfReader(saint_etienne_kit["tract"]).metadata
    assert tract is not None and tract.title == "Pas de VSA à Saint-Étienne — tract"


def test_pdf_author_is_the_collective() -> None:
    scene = scene_for("affiche-a3", collectif="Technopolice Saint-Étienne")
    meta = PdfReader(io.BytesIO(pdf_bytes(scene))).metadata
    assert meta is not None and meta.author == "Technopolice Saint-Étienne"


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_text_extraction_keeps_accents(saint_etienne_kit: dict[str, Path]) -> None:
    affiche = _text(saint_etienne_kit["affiche"])
    assert "SAINT-\nÉTIENNE" in affiche  # the hero name, broken after its hyphen
    assert "Saint-Étienne" in affiche
    assert "#pasdeVSAdansmaville" in affiche
    assert "laquadrature.net/pasdevsadansmaville" in affiche
    tract = " ".join(_text(saint_etienne_kit["tract"]).split())
    assert "à Saint-Étienne" in tract
    assert "vidéosurveillance algorithmique" in tract


def test_qr_is_vector(saint_etienne_kit: dict[str, Path]) -> None:
    for page in PdfReader(saint_etienne_kit["tract"]).pages:
        assert "/XObject" not in page["/Resources"] or not page["/Resources"]["/XObject"]


def test_pdf_is_deterministic() -> None:
    scene = scene_for("tract-a5")
    assert pdf_bytes(scene) == pdf_bytes(scene_for("tract-a5"))


# ------------------------------------------------------------------- QR read back


def test_qr_from_flyer_at_150_dpi(saint_etienne_kit: dict[str, Path]) -> None:
    pages = rasterise(saint_etienne_kit["tract"], 150)
    assert len(pages) == 2
    for image in pages:
        assert decode_qr(image) == [DEFAULT_URL]


def test_qr_from_poster(saint_etienne_kit: dict[str, Path]) -> None:
    (image,) = rasterise(saint_etienne_kit["affiche"], 72)
    assert decode_qr(image) == [DEFAULT_URL]


def test_custom_url_through_cli(in_tmp: Path, runner: CliRunner) -> None:
    url = "https://technopolice.fr/grenoble/?campagne=pasdevsa"
    result = runner.invoke(cli, ["tract", "Grenoble", "--url", url, "-o", "sortie"])
    assert result.exit_code == 0, result.output
    path = Path("sortie/grenoble/tract-a5-grenoble.pdf")
    for image in rasterise(path, 150):
        assert decode_qr(image) == [url]
    # The printed link is the short form of the same address.
    assert "technopolice.fr/grenoble?campagne=pasdevsa" in _text(path)


def test_qr_from_png_of_the_flyer() -> None:
    """The PNG writer draws the QR code crisply too (print scene rasterised at 150 dpi)."""
    scene = scene_for("tract-a5")
    for page in (1, 2):
        image = render_image(scene, PngOptions(page=page, dpi=150))
        assert image.size == (round(A5[0] * 150 / 72), round(A5[1] * 150 / 72))
        assert decode_qr(image) == [DEFAULT_URL]


VISUEL_QR = """\
herite = "visuel-carre"
nom = "visuel-qr"

[[blocs]]
nom = "qr"
type = "qr"
donnees = "{url}"
boite = [840, 30, 200, 200]
couleur = "noir"
fond = "blanc"
"""


@pytest.mark.parametrize("url", [DEFAULT_URL, "https://exemple.org/vsa?ville=lyon"])
def test_qr_from_png_visual(in_tmp: Path, runner: CliRunner, url: str) -> None:
    (in_tmp / "visuel-qr.toml").write_text(VISUEL_QR, encoding="utf-8")
    result = runner.invoke(
        cli, ["visuel", "Lyon", "-g", "visuel-qr.toml", "--url", url, "-o", "sortie"]
    )
    assert result.exit_code == 0, result.output
    with PILImage.open("sortie/lyon/visuel-qr-lyon.png") as image:
        assert image.size == (1080, 1080)
        assert decode_qr(image.convert("RGB")) == [url]


# ------------------------------------------------------------------- PNG


def test_png_exact_size_and_alt_text(saint_etienne_kit: dict[str, Path]) -> None:
    with PILImage.open(saint_etienne_kit["visuel"]) as image:
        assert image.format == "PNG"
        assert image.size == (1080, 1080)
    alt = saint_etienne_kit["alt"].read_text(encoding="utf-8")
    assert alt.endswith("\n") and alt.count("\n") == 1
    assert "Saint-Étienne" in alt and "#pasdeVSAdansmaville" in alt


def test_png_is_deterministic() -> None:
    assert png_bytes(scene_for("visuel-carre")) == png_bytes(scene_for("visuel-carre"))


def test_png_matches_reference() -> None:
    """Layout regressions show; small font-rasteriser differences do not.

    Reference made with ``affiches visuel Saint-Étienne`` and looked at; tolerance:
    mean absolute difference < 2 (of 255) and < 0.5 % of pixels off by more than 64.
    """
    data = png_bytes(scene_for("visuel-carre"))
    if os.environ.get("AFFICHES_REGOLDEN") == "1":
        GOLDEN_PNG.write_bytes(data)
    with PILImage.open(io.BytesIO(data)) as made, \
            PILImage.open(GOLDEN_PNG) as reference:
        a = made.convert("L")
        b = reference.convert("L")
        assert a.size == b.size == (1080, 1080)
        diff = ImageChops.difference(a, b)
        histogram = diff.histogram()
        total = a.size[0] * a.size[1]
        mean = sum(value * count for value, count in enumerate(histogram)) / total
        far = sum(histogram[65:]) / total
        assert mean < 2, f"mean difference {mean:.2f}"
        assert far < 0.005, f"{far:.2%} of pixels differ by more than 64"


def test_reference_comparison_catches_a_layout_change() -> None:
    """The tolerance above is not so loose that another city would pass."""
    with PILImage.open(io.BytesIO(png_bytes(scene_for("visuel-carre", "Lyon")))) as other, \
            PILImage.open(GOLDEN_PNG) as reference:
        diff = ImageChops.difference(other.convert("L"), reference.convert("L"))
        far = sum(diff.histogram()[65:]) / (1080 * 1080)
        assert far > 0.005


def test_png_colours_are_the_layout_colours(saint_etienne_kit: dict[str, Path]) -> None:
    with PILImage.open(saint_etienne_kit["visuel"]) as image:
        rgb = image.convert("RGB")
        assert rgb.getpixel((5, 5)) == (0x14, 0x14, 0x14)  # top band, black
        assert rgb.getpixel((5, 400)) == (0xFF, 0xD4, 0x00)  # yellow background
        assert rgb.getpixel((5, 1075)) == (0x14, 0x14, 0x14)  # bottom band


def test_writer_registry() -> None:
    """Each name gives the writer of its kind; the plain writers are write_pdf/write_png."""
    poster, visual = scene_for("affiche-a3"), scene_for("visuel-carre")
    for fmt, scene, plain in (("pdf", poster, pdf_bytes), ("png", visual, png_bytes)):
        stream = io.BytesIO()
        writer_for(fmt)(scene, stream)
        assert stream.getvalue() == plain(scene)
    from affiches.errors import AffichesError

    with pytest.raises(AffichesError) as info:
        writer_for("svg")
    assert str(info.value) == (
        "format de sortie inconnu : « svg » ; formats disponibles : pdf, png, jpg, odt, eml, txt"
    )
    with pytest.raises(AffichesError) as info:
        writer_for("png", "tuiles")
    assert str(info.value) == (
        "mode d’impression inconnu pour le format png : « tuiles » ; modes disponibles : page"
    )


@pytest.mark.parametrize("city", ["Saint-Étienne", "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"])
@pytest.mark.parametrize(("layout", "limit"), [("affiche-a3", 30_000), ("tract-a5", 30_000)])
def test_pdf_stays_small(layout: str, limit: int, city: str) -> None:
    # Subsets hold only the glyphs used and kerning is written as TJ adjustments.
    assert len(pdf_bytes(scene_for(layout, city))) < limit


def test_pdf_glyph_positions_follow_the_scene() -> None:
    """pdfium's character boxes start where composition placed each glyph (kerning included)."""
    import pypdfium2 as pdfium

    scene = scene_for("affiche-a3")
    line = next(t for t in scene.texts() if t.text == "ÉTIENNE")
    page = pdfium.PdfDocument(pdf_bytes(scene))[0]
    text_page = page.get_textpage()
    full = text_page.get_text_range()
    start = full.index("ÉTIENNE")
    lefts = [text_page.get_charbox(start + i, loose=True)[0] for i in range(len(line.text))]
    expected = [line.x + dx for dx in line.positions]
    assert max(abs(a - b) for a, b in zip(lefts, expected, strict=True)) < 1.0  # points, at 200+ pt


def test_subset_tags_are_distinct() -> None:
    """Each embedded subset has its own six-letter tag (PDF 32000-1, 9.6.4)."""
    import re

    reader = PdfReader(io.BytesIO(pdf_bytes(scene_for("tract-a5"))))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    tags = [name.split("+")[0].lstrip("/") for name in names]
    assert len(names) == 4
    assert all(re.fullmatch(r"[A-Z]{6}", tag) for tag in tags), tags
    assert len(set(tags)) == len(tags), tags


def test_reportlab_uses_its_c_accelerator() -> None:
    """rl_accel is a dependency: reportlab's number formatting runs in C (issue 14)."""
    from reportlab.lib.rl_accel import fp_str

    assert fp_str.__module__ == "_rl_accel"


def test_pdf_bytes_do_not_depend_on_what_was_cached_before() -> None:
    """Subset programs, kerning plans and QR paths are reused across documents: a flyer
    written after others is byte for byte the one written first."""
    first = pdf_bytes(scene_for("tract-a5", "Saint-Étienne"))
    for city in ("Y", "Œting", "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"):
        pdf_bytes(scene_for("tract-a5", city))
    pdf_bytes(scene_for("tract-a5", "Saint-Étienne", url="https://example.org/autre"))
    assert pdf_bytes(scene_for("tract-a5", "Saint-Étienne")) == first


def test_precomputed_qr_matrix_is_qrcodes() -> None:
    """The campaign address's matrix ships precomputed (cold start): it is qrcode's."""
    from affiches.campaign import DEFAULT_URL
    from affiches.text.qr import PRECOMPUTED, compute_matrix, qr_matrix

    assert list(PRECOMPUTED) == [DEFAULT_URL]
    assert qr_matrix(DEFAULT_URL) == compute_matrix(DEFAULT_URL)
    assert qr_matrix("https://example.org/x") == compute_matrix("https://example.org/x")

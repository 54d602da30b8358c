"""A collective's own material through the commands: logo, photo, own words, formats.

The fixtures (an SVG logo, a phone photo stored sideways with an EXIF orientation,
hostile files) are made at test time in the test's folder.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from affiches.city.communes import iter_communes, resolve_city
from affiches.cli.main import cli
from affiches.compose.pictures import is_large
from affiches.designer.fitreport import fit_report
from affiches.gabarits import load_layout
from affiches.jobs.kit import KitOptions, plan_kit
from affiches.jobs.options import load_pictures
from affiches.scene import Picture, TextLine
from imagefixtures import phone_photo, png_header_only, png_logo, svg_logo, worst_contrast_under_ink

SOCIAL_LAYOUTS = ("visuel-carre", "visuel-story", "visuel-portrait", "visuel-paysage")
ALL = "affiche,tract,visuel,story,portrait,paysage"


@pytest.fixture
def files(in_tmp: Path) -> dict[str, Path]:
    return {
        "svg": svg_logo(in_tmp / "logo.svg"),
        "png": png_logo(in_tmp / "partenaire.png"),
        "photo": phone_photo(in_tmp / "IMG_2041.jpg"),
    }


def run(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, list(args), catch_exceptions=False)


def image_xobjects(path: Path) -> int:
    count = 0
    for page in PdfReader(path).pages:
        for obj in (page["/Resources"].get("/XObject") or {}).values():
            if obj.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def pixels_near(image: Image.Image, box: tuple[int, int, int, int], rgb: tuple[int, int, int], tol: int) -> int:
    region = image.crop(box).convert("RGB")
    return sum(count for count, color in region.getcolors(1 << 20) or []
               if max(abs(a - b) for a, b in zip(color, rgb, strict=True)) <= tol)


def test_collective_kit_svg_logo_and_phone_photo(runner: CliRunner, files: dict[str, Path]) -> None:
    result = run(runner, "kit", "Saint-Étienne", "-o", "sortie", "-q", ALL, "--logo", str(files["svg"]),
                 "--photo", str(files["photo"]), "--cadrage", "haut", "--credit", "Photo : Camille D.")
    assert result.exit_code == 0, result.output
    folder = Path("sortie/saint-etienne")
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["affiche-a3-saint-etienne.pdf", "tract-a5-saint-etienne.pdf"]
                           + [f"{n}-saint-etienne.{e}" for n in SOCIAL_LAYOUTS for e in ("jpg", "txt")])
    for pdf in ("affiche-a3-saint-etienne.pdf", "tract-a5-saint-etienne.pdf"):
        assert image_xobjects(folder / pdf) == 0  # the SVG logo is paths, not an image
        page = pdfium.PdfDocument(folder / pdf)[0]
        raster = page.render(scale=150 / 72).to_pil()
        top_band = (raster.width * 2 // 3, 0, raster.width, raster.height // 8)
        assert pixels_near(raster, top_band, (29, 53, 87), 10) > 200  # the logo's navy, in its slot
    for name in SOCIAL_LAYOUTS:
        with Image.open(folder / f"{name}-saint-etienne.jpg") as visual:
            assert visual.format == "JPEG"
            assert len((folder / f"{name}-saint-etienne.jpg").read_bytes()) <= 300_000 * max(
                1, visual.width * visual.height / 1080**2)
        alt = (folder / f"{name}-saint-etienne.txt").read_text(encoding="utf-8")
        assert "Sur une photo (Photo\u00a0: Camille D.)." in alt and "Avec le logo du collectif." in alt


def _scene_checks(layout_name: str, pictures, variables_extra=None):  # type: ignore[no-untyped-def]
    options = KitOptions(output_dir=Path("sortie"), layouts={"visuel": layout_name}, pictures=pictures,
                         own_words={"credit": "Photo : Camille D."}, extra=variables_extra or {})
    (planned,) = plan_kit(resolve_city("Saint-Étienne"), ["visuel"], options)
    return planned.scene


@pytest.mark.parametrize("layout_name", SOCIAL_LAYOUTS)
def test_photo_upright_cropped_and_every_text_readable_on_its_pixels(files: dict[str, Path], layout_name: str) -> None:
    pictures = load_pictures([files["svg"], files["png"]], files["photo"], "haut")
    scene = _scene_checks(layout_name, pictures)
    (photo,) = [i for i in scene.pages[0].items if isinstance(i, Picture) and i.role == "photo"]
    with Image.open(io.BytesIO(photo.data)) as pixels:
        # upright: the red disc at the top of the viewed picture is in the crop's top middle
        width = pixels.width
        r, g, b = pixels.convert("RGB").getpixel((width // 2, round(230 * width / 1200)))
        assert r > 2 * max(g, b), (r, g, b)
        assert pixels.width / pixels.height == pytest.approx(photo.width / photo.height, rel=0.01)
    # every text line over the photo, measured on the real pixels under its ink: what
    # the page draws before it (texts left out), rendered by the PNG writer
    items = scene.pages[0].items
    over_photo = 0
    for index, line in enumerate(items):
        if not isinstance(line, TextLine) or line.baseline <= photo.y or line.baseline - line.size >= \
                photo.y + photo.height:
            continue
        over_photo += 1
        need = 3.0 if is_large(line) else 4.5
        assert worst_contrast_under_ink(scene, index) >= need - 0.05, line.block
    assert over_photo >= 4  # campaign-name, city, message, credit lines at least


def test_same_inputs_same_bytes(runner: CliRunner, files: dict[str, Path]) -> None:
    args = ["kit", "Arles", "-q", ALL, "--logo", str(files["svg"]), "--logo", str(files["png"]),
            "--photo", str(files["photo"]), "--credit", "Photo : X", "--message", "Pas de VSA {a_ville} !"]
    assert run(runner, *args, "-o", "a").exit_code == 0
    assert run(runner, *args, "-o", "b").exit_code == 0
    first = {p.relative_to("a"): p.read_bytes() for p in Path("a").rglob("*") if p.is_file()}
    second = {p.relative_to("b"): p.read_bytes() for p in Path("b").rglob("*") if p.is_file()}
    assert len(first) == 10 and first == second


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).replace("-\n", "-").split(" "))


def test_own_words_round_trip_into_the_pdf_text_layer(runner: CliRunner, in_tmp: Path) -> None:
    result = run(runner, "affiche", "Le Mans", "-o", "sortie", "--accroche", "l'été sans VSA",
                 "--message", 'Refusons la VSA {a_ville} : "maintenant" !')
    assert result.exit_code == 0, result.output
    text = _pdf_text(Path("sortie/le-mans/affiche-a3-le-mans.pdf"))
    flat = " ".join(text.split())
    assert "L’ÉTÉ SANS VSA" in flat
    # U+00A0 shares the space glyph, so text extractors give it back as a space; the
    # narrow no-break spaces (U+202F) and the apostrophe come back as such
    assert re.search("Refusons la VSA au Mans[ \u00a0]: «\u202fmaintenant\u202f»\u202f!", text.replace("\n", " "))
    assert "PAS DE VSA DANS MA VILLE" not in flat
    assert "nous demandons au maire" not in flat


def test_own_words_in_the_tract_and_visual_alt_text(runner: CliRunner, in_tmp: Path) -> None:
    result = run(runner, "kit", "Arles", "-o", "sortie", "--message", "Pas de VSA {a_ville} !")
    assert result.exit_code == 0, result.output
    assert "Pas de VSA à Arles\u202f!" in _pdf_text(Path("sortie/arles/tract-a5-arles.pdf"))
    alt = Path("sortie/arles/visuel-carre-arles.txt").read_text(encoding="utf-8")
    assert "Texte\u00a0: «\u202fPas de VSA à Arles\u202f!\u202f»" in alt


def test_message_too_long_names_the_block_and_the_length_that_fits(runner: CliRunner, in_tmp: Path) -> None:
    words = ("Nous refusons que des logiciels scrutent nos gestes dans la rue, "
             "jugent nos démarches et signalent nos rassemblements. ") * 3
    result = run(runner, "visuel", "Lyon", "-o", "sortie", "--message", words.strip())
    assert result.exit_code == 1 and result.stdout == "" and not Path("sortie").exists()
    match = re.fullmatch(
        r"Erreur : --message : le texte ne tient pas dans le bloc « message » du gabarit visuel-carre "
        r"\((\d+) caractères\) ; (\d+) caractères au plus tiennent ; raccourcissez-le\n", result.stderr)
    assert match, result.stderr
    total, longest = int(match[1]), int(match[2])
    assert total == len(words.strip()) and 40 < longest < total
    fitting = " ".join(words.split())[:longest]
    assert run(runner, "visuel", "Lyon", "-o", "ok", "--message", fitting).exit_code == 0
    one_more = " ".join(words.split()[: len(fitting.split()) + 1])
    assert run(runner, "visuel", "Lyon", "-o", "ko", "--message", one_more).exit_code == 1


def _hostile(folder: Path) -> dict[str, tuple[Path, str]]:
    bomb = png_header_only(folder / "bombe.png", 8000, 8000)
    wide = png_header_only(folder / "large.png", 20_000, 10)
    text = folder / "pas-une-image.png"
    text.write_text("bonjour", encoding="utf-8")
    truncated = folder / "tronque.jpg"
    truncated.write_bytes(phone_photo(folder / "entier.jpg").read_bytes()[:5000])
    gif = folder / "anime.gif"
    frames = [Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(gif, save_all=True, append_images=frames[1:])
    script = svg_logo(folder / "script.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
                                              '<script>alert(1)</script></svg>')
    external = svg_logo(folder / "externe.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
                                                '<image href="file:///etc/passwd"/></svg>')
    huge = folder / "enorme.jpg"
    with open(huge, "wb") as stream:
        stream.truncate(200 * 1024 * 1024)
    return {
        "bomb": (bomb, "25 millions de pixels au plus"),
        "wide": (wide, "12\u202f000 px de côté au plus"),
        "text": (text, "ce n’est pas une image lisible"),
        "truncated": (truncated, "image tronquée ou abîmée"),
        "gif": (gif, "image animée (2 images)"),
        "script": (script, "élément <script>"),
        "external": (external, "adresse externe"),
        "huge": (huge, "20 Mo au plus"),
    }


@pytest.mark.parametrize("case", ["bomb", "wide", "text", "truncated", "gif", "script", "external", "huge"])
@pytest.mark.parametrize("option", ["--logo", "--photo"])
def test_hostile_image_one_line_nothing_written(runner: CliRunner, in_tmp: Path, case: str, option: str) -> None:
    path, expected = _hostile(in_tmp)[case]
    if option == "--photo" and case in ("script", "external"):
        expected = "une photo doit être une image PNG ou JPEG"
    result = run(runner, "kit", "Lyon", "-o", "sortie", option, str(path))
    assert result.exit_code == 1
    assert result.stdout == "" and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Erreur : {option[2:]} {path}") and expected in lines[0]
    assert not Path("sortie").exists()


@pytest.mark.parametrize(("args", "stderr"), [
    (["--cadrage", "haut"], "Erreur : --cadrage règle le recadrage de --photo ; ajoutez --photo ou retirez-le"),
    (["--credit", "Photo : X"], "Erreur : --credit est le crédit de --photo ; ajoutez --photo ou retirez-le"),
    (["--photo", "IMG_2041.jpg", "--cadrage", "nord"],
     "Erreur : --cadrage : « nord » n’est pas compris ; écrivez centre, haut, bas, gauche, droite, "
     "haut-gauche… ou une position en pourcentage de la photo, par exemple 50,30"),
    (["--logo", "logo.svg", "--logo", "logo.svg", "--logo", "logo.svg"],
     "Erreur : --logo : 3 logos, 2 au plus (un collectif et un partenaire)"),
    (["--accroche", "x" * 401],
     "Erreur : --accroche : texte trop long (401 caractères, 400 au plus) ; raccourcissez-le"),
])
def test_bad_picture_options(runner: CliRunner, files: dict[str, Path], args: list[str], stderr: str) -> None:
    result = run(runner, "kit", "Lyon", "-o", "sortie", *args)
    assert (result.exit_code, result.stderr, result.stdout) == (1, stderr + "\n", "")
    assert not Path("sortie").exists()


def test_lot_columns_and_pictures(runner: CliRunner, files: dict[str, Path]) -> None:
    Path("v.csv").write_text("ville;accroche;message;credit\nLyon;Ni caméras ni algorithmes;"
                             "Pas de VSA {a_ville} !;Photo : A.\nArles;;;\n", encoding="utf-8")
    result = run(runner, "lot", "v.csv", "-o", "sortie", "-q", "visuel,paysage", "-s",
                 "--photo", str(files["photo"]), "--logo", str(files["svg"]), "--credit", "Photo : défaut")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path("sortie/lyon").iterdir()) == [
        "visuel-carre-lyon.jpg", "visuel-carre-lyon.txt", "visuel-paysage-lyon.jpg", "visuel-paysage-lyon.txt"]
    lyon = Path("sortie/lyon/visuel-carre-lyon.txt").read_text(encoding="utf-8")
    arles = Path("sortie/arles/visuel-carre-arles.txt").read_text(encoding="utf-8")
    assert "campagne «\u202fNi caméras ni algorithmes\u202f»" in lyon
    assert "«\u202fPas de VSA à Lyon\u202f!\u202f»" in lyon
    assert "(Photo\u00a0: A.)" in lyon and "(Photo\u00a0: défaut)" in arles
    again = run(runner, "lot", "v.csv", "-o", "sortie", "-q", "visuel,paysage", "-s",
                "--photo", str(files["photo"]), "--logo", str(files["svg"]), "--credit", "Photo : défaut")
    assert "0 kit fait, 2 déjà à jour" in again.stderr
    moved = run(runner, "lot", "v.csv", "-o", "sortie", "-q", "visuel,paysage", "-s", "--cadrage", "bas",
                "--photo", str(files["photo"]), "--logo", str(files["svg"]), "--credit", "Photo : défaut")
    assert "2 kits faits" in moved.stderr


def test_new_formats_fit_every_commune_of_a_departement() -> None:
    layouts = [load_layout(name) for name in SOCIAL_LAYOUTS[1:]]
    communes = list(iter_communes(departement="38"))
    report = fit_report(layouts, communes, workers=1)
    assert report.failures == []


def test_poster_with_a_photo_variant(runner: CliRunner, files: dict[str, Path]) -> None:
    result = run(runner, "kit", "Lyon", "-o", "sortie", "-q", "affiche", "-g", "affiche=affiche-a3-photo",
                 "--photo", str(files["photo"]), "--logo", str(files["svg"]), "--credit", "Photo : X")
    assert result.exit_code == 0, result.output
    pdf = Path("sortie/lyon/affiche-a3-photo-lyon.pdf")
    (page,) = PdfReader(pdf).pages
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert [i.get("/Subtype") for i in images] == ["/Image"]  # the photo; the SVG logo is paths
    assert "/DCTDecode" in images[0]["/Filter"]
    assert re.search("Photo[ \u00a0]: X", page.extract_text())
    raster = pdfium.PdfDocument(pdf)[0].render(scale=50 / 72).to_pil().convert("RGB")
    # the photo area is darkened (no yellow there) and the city is in white
    middle = raster.crop((0, raster.height // 5, raster.width, raster.height // 2))
    whole = (0, 0, middle.width, middle.height)
    assert pixels_near(middle, whole, (255, 212, 0), 30) < 0.05 * middle.width * middle.height
    assert pixels_near(middle, whole, (255, 255, 255), 10) > 500


def test_a_picture_no_layout_has_room_for_is_noted(runner: CliRunner, files: dict[str, Path]) -> None:
    result = run(runner, "tract", "Lyon", "-o", "sortie", "--photo", str(files["photo"]))
    assert result.exit_code == 0
    assert ("Note : --photo n’est utilisé par aucun des gabarits choisis (tract-a5) ; "
            "voir « affiches gabarits liste »") in result.stderr.splitlines()
    assert "--logo" not in result.stderr
    used = run(runner, "kit", "Lyon", "-o", "autre", "--photo", str(files["photo"]), "--logo", str(files["svg"]))
    assert "Note :" not in used.stderr


def test_letter_carries_the_logo_as_vector_paths(runner: CliRunner, files: dict[str, Path]) -> None:
    result = run(runner, "lettre", "Lyon", "-o", "sortie", "--expediteur", "Camille Martin", "--adresse",
                 "12 rue Neuve, 69001 Lyon", "--date-lettre", "2026-11-23", "--logo", str(files["svg"]))
    assert result.exit_code == 0, result.output
    pdf = Path("sortie/lyon/lettre-maire-lyon.pdf")
    assert image_xobjects(pdf) == 0
    raster = pdfium.PdfDocument(pdf)[0].render(scale=100 / 72).to_pil().convert("RGB")
    top_right = (raster.width * 125 // 210, raster.height * 15 // 297, raster.width * 190 // 210,
                 raster.height * 43 // 297)
    assert pixels_near(raster, top_right, (29, 53, 87), 10) > 500  # the logo, above the window
    window = (raster.width * 110 // 210, raster.height * 55 // 297, raster.width * 190 // 210,
              raster.height * 84 // 297)
    assert pixels_near(raster, window, (29, 53, 87), 10) == 0
    plain = run(runner, "lettre", "Lyon", "-o", "sans", "--expediteur", "Camille Martin", "--adresse",
                "12 rue Neuve, 69001 Lyon", "--date-lettre", "2026-11-23")
    assert plain.exit_code == 0
    text = Path("sortie/lyon/lettre-maire-lyon.txt")
    assert Path("sans/lyon/lettre-maire-lyon.txt").read_bytes() == text.read_bytes()
    bad = run(runner, "lettre", "Lyon", "-o", "mauvais", "--logo", str(files["photo"]) + ".absent")
    assert bad.exit_code == 1 and bad.stderr.startswith("Erreur : logo ") and not Path("mauvais").exists()


def test_editable_letter_carries_the_logo_too(runner: CliRunner, files: dict[str, Path]) -> None:
    import zipfile

    args = ["lettre", "Lyon", "--expediteur", "Camille Martin", "--adresse", "12 rue Neuve, 69001 Lyon",
            "--date-lettre", "2026-11-23", "--logo", str(files["svg"]), "--logo", str(files["png"])]
    assert run(runner, *args, "-o", "a").exit_code == 0
    assert run(runner, *args, "-o", "b").exit_code == 0
    odt = Path("a/lyon/lettre-maire-lyon.odt")
    assert odt.read_bytes() == Path("b/lyon/lettre-maire-lyon.odt").read_bytes()
    with zipfile.ZipFile(odt) as archive:
        names = archive.namelist()
        content = archive.read("content.xml").decode("utf-8")
        logo = Image.open(io.BytesIO(archive.read("Pictures/logo1.png")))
    assert {"Pictures/logo1.png", "Pictures/logo2.png"} <= set(names)
    assert content.count("<draw:frame") == 2 and 'text:anchor-type="page"' in content
    assert logo.mode == "RGBA" and logo.width >= 300  # 300 dpi: about 34 mm wide

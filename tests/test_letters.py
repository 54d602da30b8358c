"""Letters to the town hall: the window envelope, the four files, the CADA request, bad input."""

from __future__ import annotations

import email
import re
import shutil
import subprocess
import zipfile
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from affiches.cli.main import cli
from affiches.letters.layout import available_letter_layouts, check_letter_layout
from affiches.letters.page import WINDOW
from affiches.scene import MM

DATE = ["--date-lettre", "2026-11-23"]
SENDER = ["--expediteur", "Camille Martin", "--adresse", "12 rue Neuve, 42000 Saint-Étienne"]
LAST_LINE = re.compile(r"^[0-9]{5} [A-Z0-9 ]+$")
POSTAL = re.compile(r"^[A-Z0-9 ]+$")


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def make(runner: CliRunner, out: Path, kind: str, city: str, *extra: str) -> dict[str, Path]:
    code, stdout, stderr = run(runner, kind, city, "-o", str(out), *DATE, *extra)
    assert code == 0, stderr
    return {Path(line).suffix[1:] if "technopolice" not in line else "campagne": Path(line)
            for line in stdout.splitlines()}


def pdftotext_bbox(pdf: Path) -> list[tuple[float, float, float, float, str]]:
    """Words with their boxes in millimetres from the top-left corner (poppler)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    words = []
    for match in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', html):
        x0, y0, x1, y1 = (float(match.group(i)) / MM for i in range(1, 5))
        words.append((x0, y0, x1, y1, match.group(5)))
    return words


SAMPLE = [
    # (city, département, why)
    ("Saint-Étienne", "42", "the issue's example"),
    ("Le Mans", "72", "article, contraction « du Mans »"),
    ("Les Lilas", "93", "article Les"),
    ("L’Haÿ-les-Roses", "94", "elided article, ÿ"),
    ("Stonne", "08", "a 71-character street line"),
    ("Mérignac", "33", "long street with a title"),
    ("Bron", "69", "CEDEX"),
    ("Fort-de-France", "972", "overseas"),
]


@pytest.mark.parametrize(("city", "dep", "why"), SAMPLE)
def test_address_inside_the_window(runner: CliRunner, tmp_path: Path, city: str, dep: str, why: str) -> None:
    files = make(runner, tmp_path, "lettre", city, "-d", dep, *SENDER)

    text = files["txt"].read_text(encoding="utf-8").split("\n\n")
    recipient = text[1].splitlines()
    assert 3 <= len(recipient) <= 6
    assert all(len(line) <= 38 for line in recipient), recipient
    assert LAST_LINE.match(recipient[-1]), recipient
    assert all(POSTAL.match(line) for line in recipient[2:]), recipient
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) absent : position dans la fenêtre non vérifiée")
    words = pdftotext_bbox(files["pdf"])
    x_min, y_min, x_max, y_max = WINDOW
    inside = [w for w in words if x_min <= w[0] and w[2] <= x_max and y_min <= w[1] and w[3] <= y_max]
    assert " ".join(w[4] for w in inside).split() == " ".join(recipient).split()


def test_the_four_files_hold_the_same_text(runner: CliRunner, tmp_path: Path) -> None:
    files = make(runner, tmp_path, "lettre", "Saint-Étienne", *SENDER, "--contact", "camille@exemple.org")
    assert set(files) == {"pdf", "odt", "eml", "txt"}
    txt = files["txt"].read_text(encoding="utf-8")
    assert "Objet\u00a0: Demande d’engagement public contre la vidéosurveillance algorithmique à Saint-Étienne" in txt
    assert "Madame la Maire, Monsieur le Maire,\n" in txt
    assert "je vous prie d’agréer, Madame la Maire, Monsieur le Maire, l’expression" in txt
    assert "Saint-Étienne, le 23 novembre 2026" in txt
    body = txt.split("Madame la Maire, Monsieur le Maire,\n\n", 1)[1]

    # E-mail: RFC 5322, parsed back by the standard library.
    message = email.message_from_bytes(files["eml"].read_bytes(), policy=policy.default)
    assert message["To"] == "courriermairie@saint-etienne.fr"
    assert message["From"] == "camille@exemple.org"
    assert message["Subject"] == "Vidéosurveillance algorithmique à Saint-Étienne\u00a0: demande d’engagement public"
    content = message.get_content().replace("\r\n", "\n")
    assert content.startswith("Madame la Maire, Monsieur le Maire,\n\n")
    assert body.strip() in content

    # ODT: valid package, same paragraphs.
    with zipfile.ZipFile(files["odt"]) as odt:
        assert odt.namelist()[0] == "mimetype"
        assert odt.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert odt.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert {"content.xml", "styles.xml", "META-INF/manifest.xml"} <= set(odt.namelist())
    from odf import teletype
    from odf.opendocument import load
    from odf.text import P

    paragraphs = [teletype.extractText(p) for p in load(str(files["odt"])).getElementsByType(P)]
    assert "\n\n".join(paragraphs).replace("\n", "") .replace(" ", "") == txt.replace("\n", "").replace(" ", "")
    for paragraph in body.strip().split("\n\n")[:-1]:
        assert paragraph in paragraphs

    # PDF: text extracts with accents and no-break spaces intact (poppler prints every
    # space-like character as a space, so the no-break spaces are checked with pypdf).
    from pypdf import PdfReader

    reader = PdfReader(files["pdf"])
    assert len(reader.pages) == 1
    extracted = reader.pages[0].extract_text()
    assert "Objet\u00a0: Demande d’engagement" in extracted
    assert "«\u202fanormales\u202f»" in extracted
    assert "(VSA)\u00a0:" in extracted
    assert "Saint-Étienne, le 23 novembre 2026" in extracted
    if shutil.which("pdftotext"):
        pdf_text = subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True,
                                  text=True, check=True).stdout
        assert "Saint-Étienne, le 23 novembre 2026" in pdf_text
        assert "vidéosurveillance algorithmique (VSA)" in pdf_text
    width, height = (float(v) / MM for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (210, 297)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) absent : conversion non testée")
def test_odt_opens_in_libreoffice(runner: CliRunner, tmp_path: Path) -> None:
    files = make(runner, tmp_path, "lettre", "Le Mans", *SENDER)
    out = tmp_path / "converted"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "txt:Text (encoded):UTF8", "--outdir", str(out), str(files["odt"])],
                   check=True, capture_output=True, timeout=180)
    converted = (out / files["odt"].with_suffix(".txt").name).read_text(encoding="utf-8-sig")
    txt = files["txt"].read_text(encoding="utf-8")
    assert converted.split() == txt.split()


def test_same_inputs_same_bytes(runner: CliRunner, tmp_path: Path) -> None:
    first = make(runner, tmp_path / "a", "cada", "Le Mans", "--collectif", "Technopolice 72", "--contact", "a@b.fr")
    second = make(runner, tmp_path / "b", "cada", "Le Mans", "--collectif", "Technopolice 72", "--contact", "a@b.fr")
    for key, path in first.items():
        assert path.read_bytes() == second[key].read_bytes(), key


@pytest.mark.parametrize(
    ("maire", "appel", "first_line"),
    [
        ("", "Madame la Maire, Monsieur le Maire", "Madame la Maire, Monsieur le Maire"),
        ("Mme Jeanne Dupont", "Madame la Maire", "Mme Jeanne Dupont"),
        ("Madame Jeanne Dupont", "Madame la Maire", "Madame Jeanne Dupont"),
        ("M. Jean Dupont", "Monsieur le Maire", "M. Jean Dupont"),
    ],
)
def test_formula_of_address(runner: CliRunner, tmp_path: Path, maire: str, appel: str, first_line: str) -> None:
    files = make(runner, tmp_path, "lettre", "Le Mans", *SENDER, *(["--maire", maire] if maire else []))
    blocks = files["txt"].read_text(encoding="utf-8").split("\n\n")
    assert blocks[1].splitlines()[0] == first_line
    if maire:
        assert blocks[1].splitlines()[1] == "Maire du Mans"
    assert f"\n\n{appel},\n\n" in "\n\n".join(blocks)
    assert f"je vous prie d’agréer, {appel}, l’expression" in "\n\n".join(blocks)


def test_missing_address_and_email_marked(runner: CliRunner, tmp_path: Path) -> None:
    code, stdout, stderr = run(runner, "lettre", "Paris", "-o", str(tmp_path), *DATE, *SENDER)
    assert code == 0, stderr
    assert "à compléter avant l’envoi : l’adresse postale de la mairie (option --adresse-mairie)" in stderr
    assert "l’adresse électronique de la mairie (option --courriel-mairie)" in stderr
    folder = tmp_path / "paris"
    assert "[À COMPLÉTER\u00a0: adresse de la mairie]" in (folder / "lettre-maire-paris.txt").read_text() or \
        "[À COMPLÉTER : adresse de la mairie]" in (folder / "lettre-maire-paris.txt").read_text()
    message = email.message_from_bytes((folder / "lettre-maire-paris.eml").read_bytes(), policy=policy.default)
    assert message["To"] is None
    # The option supplies what is missing.
    code, _, stderr = run(runner, "lettre", "Paris", "-o", str(tmp_path), *DATE, *SENDER, "-f",
                          "--adresse-mairie", "Place de l’Hôtel-de-Ville, 75004 Paris",
                          "--courriel-mairie", "mairie@paris.fr")
    assert code == 0 and "à compléter" not in stderr
    lines = (folder / "lettre-maire-paris.txt").read_text().split("\n\n")[1].splitlines()
    assert lines[-2:] == ["PLACE DE L HOTEL DE VILLE", "75004 PARIS"]


def test_cada_request(runner: CliRunner, tmp_path: Path) -> None:
    files = make(runner, tmp_path, "cada", "Saint-Étienne", "--collectif", "Technopolice Saint-Étienne",
                 "--contact", "camille@exemple.org")
    txt = files["txt"].read_text(encoding="utf-8")
    # 172,565 inhabitants: addressed to the PRADA (R330-2 CRPA), formula « Madame, Monsieur ».
    assert txt.split("\n\n")[1].splitlines()[:3] == [
        "Personne responsable de l’accès", "aux documents administratifs", "Mairie de Saint-Étienne"]
    assert "\n\nMadame, Monsieur,\n\n" in txt
    for reference in ("L300-1", "L311-1", "L311-9", "L300-4", "R311-13", "R343-1"):
        assert reference in txt
    assert "– les arrêtés préfectoraux" in txt
    assert "par courrier électronique, sans frais, à l’adresse camille@exemple.org" in txt
    mail = email.message_from_bytes(files["campagne"].read_bytes(), policy=policy.default)
    assert mail["To"] == "contact@technopolice.fr"
    assert mail["Subject"] == "Demande CADA envoyée\u00a0: commune de Saint-Étienne (42)"
    assert "envoyée le 23 novembre 2026 à la commune de Saint-Étienne (42)" in mail.get_content().replace("\r\n", "\n")


def test_cada_small_commune_goes_to_the_mayor(runner: CliRunner, tmp_path: Path) -> None:
    files = make(runner, tmp_path, "cada", "Stonne", "--collectif", "Collectif des Ardennes", "--contact", "a@b.fr")
    txt = files["txt"].read_text(encoding="utf-8")
    assert txt.split("\n\n")[1].splitlines()[0] == "Madame la Maire, Monsieur le Maire"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expediteur", "Camille\x1b[31m"],
         "Erreur : --expediteur : caractère de contrôle ou invisible interdit ; retirez-le"),
        (["--expediteur", "x" * 10_000],
         "Erreur : --expediteur : texte trop long (10000 caractères, 200 au plus) ; raccourcissez-le"),
        (["--expediteur", "Camille", "--adresse", "\n".join(f"ligne {i}" for i in range(12))],
         "Erreur : --adresse : 12 lignes, 6 au plus ; gardez la rue, les compléments utiles et la ligne "
         "« code postal ville »"),
        (["--expediteur", "Camille", "--adresse", "x" * 10_000],
         "Erreur : --adresse : texte trop long (10000 caractères, 300 au plus) ; raccourcissez-le"),
        (["--expediteur", "Camille", "--maire", "Jeanne Dupont"],
         "Erreur : --maire : « Jeanne Dupont » : commencez par « Mme » ou « M. », par exemple « Mme Jeanne Dupont »"),
        (["--expediteur", "Camille", "--contact", "pas un courriel"],
         "Erreur : --contact : « pas un courriel » n’est pas une adresse électronique ; écrivez par exemple "
         "camille@exemple.org"),
        ([], "Erreur : --expediteur : qui écrit ? donnez votre nom (ou --collectif)"),
        (["--expediteur", "Camille", "--adresse-mairie", "Hôtel de ville"],
         "Erreur : --adresse-mairie : « Hôtel de ville » n’est pas une ligne « code postal ville » ; terminez "
         "l’adresse par exemple par « 42000 Saint-Étienne »"),
    ],
)
def test_bad_input_one_line_nothing_written(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    code, stdout, stderr = run(runner, "lettre", "Saint-Étienne", "-o", str(tmp_path / "out"), *DATE, *args)
    assert code == 1
    assert stdout == ""
    assert stderr.splitlines() == [message]
    assert not (tmp_path / "out").exists()


def test_cada_needs_an_email(runner: CliRunner, tmp_path: Path) -> None:
    code, _, stderr = run(runner, "cada", "Lyon", "-o", str(tmp_path / "out"), "--collectif", "X")
    assert code == 1
    assert stderr == "Erreur : --contact : donnez l’adresse électronique où recevoir les documents\n"
    assert not (tmp_path / "out").exists()


def test_existing_files_kept(runner: CliRunner, tmp_path: Path) -> None:
    files = make(runner, tmp_path, "lettre", "Bron", *SENDER)
    files["txt"].write_text("modifié")
    code, stdout, stderr = run(runner, "lettre", "Bron", "-o", str(tmp_path), *DATE, *SENDER)
    assert code == 0 and stdout == ""
    assert "existe déjà : laissé tel quel (--force pour le refaire)" in stderr
    assert files["txt"].read_text() == "modifié"


def test_bundled_letter_layouts_are_valid() -> None:
    layouts = available_letter_layouts()
    assert {"lettre-maire", "demande-cada"} <= set(layouts)
    for path in layouts.values():
        assert check_letter_layout(path) == []


def test_broken_letter_layout_reported_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "lettres" / "ma-lettre.toml"
    path.parent.mkdir()
    path.write_text(
        'type = "lettre"\nnom = "ma-lettre"\ndestinataire = "prefet"\nobjet = "Objet {vile}"\n'
        'paragraphes = ["Bonjour"]\nformule_finale = "Salutations."\ncouleur = "rouge"\n',
        encoding="utf-8",
    )
    problems = check_letter_layout(path)
    assert f"{path}:3 : destinataire : « prefet » inconnu ; choisissez parmi maire, prada" in problems
    assert any(p.startswith(f"{path}:4 : objet : variable inconnue {{vile}}") for p in problems)
    assert f"{path}:6 : formule_finale : doit reprendre la formule d’appel : écrivez {{appel}} dedans" in problems
    assert f"{path}:7 : couleur : clé inconnue" in problems


def test_user_layout_changes_the_wording(runner: CliRunner, tmp_path: Path) -> None:
    source = available_letter_layouts()["lettre-maire"].read_text(encoding="utf-8")
    mine = tmp_path / "mes-gabarits" / "lettres" / "lettre-maire.toml"
    mine.parent.mkdir(parents=True)
    mine.write_text(source.replace("J’habite {a_ville}", "Je vis {a_ville}"), encoding="utf-8")
    files = make(runner, tmp_path / "out", "lettre", "Le Mans", *SENDER, "--dossier-gabarits",
                 str(tmp_path / "mes-gabarits"))
    assert "Je vis au Mans et je vous écris" in files["txt"].read_text(encoding="utf-8")


def test_verifier_checks_letter_layouts(runner: CliRunner, tmp_path: Path, in_tmp: Path) -> None:
    code, stdout, stderr = run(runner, "gabarits", "verifier", "lettre-maire", "demande-cada")
    assert code == 0, stdout
    assert stderr == "2 gabarits vérifiés : aucun problème.\n"
    broken = tmp_path / "lettres" / "trop-longue.toml"
    broken.parent.mkdir()
    source = available_letter_layouts()["lettre-maire"].read_text(encoding="utf-8")
    broken.write_text(source.replace('paragraphes = [\n', 'paragraphes = [\n' + '"Bla bla bla. " ,\n' * 0 +
                                     '"' + "Un paragraphe beaucoup trop long. " * 120 + '",\n'), encoding="utf-8")
    code, stdout, _ = run(runner, "gabarits", "verifier", str(broken))
    assert code == 1
    assert f"{broken} : essai avec Saint-Étienne : gabarit de lettre lettre-maire : le texte ne tient pas sur une " \
           f"page A4 même en 9 pt ; raccourcissez les paragraphes ou baissez page.taille_min" in stdout.splitlines()
    code, _, _ = run(runner, "gabarits", "verifier")
    assert code == 0


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) absent : pliage non simulé")
def test_folded_letter_shows_the_address_in_both_envelopes(runner: CliRunner, tmp_path: Path) -> None:
    """tools/envelope_check.py: the sheet folded in three, slid to its four extreme positions
    in a DL and a C5/6 envelope: the recipient's ink is always entirely in the window."""
    import sys

    tool = Path(__file__).resolve().parents[1] / "tools" / "envelope_check.py"
    for city, dep in (("Stonne", "08"), ("Paris", "75")):
        files = make(runner, tmp_path, "lettre", city, "-d", dep, *SENDER)
        done = subprocess.run([sys.executable, str(tool), str(files["pdf"]), str(tmp_path / f"{city}.png"),
                               "--dpi", "60"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.count("address fully visible") == 8


def _sample_communes() -> list[str]:
    from affiches.city.communes import iter_communes

    codes = [c.code_insee for c in iter_communes() if c.mairie_adresse]
    return codes[::97]  # about 360 communes across every département


@settings(max_examples=40)
@given(code=st.sampled_from(_sample_communes()),
       name=st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèçàôÉ -’", min_size=1, max_size=60),
       maire=st.sampled_from(["", "Mme Jeanne Dupont", "M. Jean-Baptiste de La Tour-Martin"]),
       kind=st.sampled_from(["lettre-maire", "demande-cada"]))
def test_any_commune_any_sender_recipient_in_window(code: str, name: str, maire: str, kind: str) -> None:
    """Composed (no file): the recipient's lines lie in the window, 6 × 38, one page."""
    import datetime as dt

    from affiches.city.communes import get_commune_by_code
    from affiches.city.model import City
    from affiches.jobs.letters import LetterOptions, letter_inputs, letter_variables
    from affiches.letters.compose import compose_letter
    from affiches.letters.layout import load_letter_layout
    from affiches.letters.page import letter_scene

    if not name.strip(" -’"):
        return
    commune = get_commune_by_code(code)
    assert commune is not None
    city = City.of_commune(commune)
    options = LetterOptions(expediteur=name, adresse="12 rue Neuve, 42000 Saint-Étienne", courriel="a@b.fr",
                            maire=maire, date=dt.date(2026, 11, 23))
    layout = load_letter_layout(kind)
    letter = compose_letter(layout, letter_inputs(letter_variables(city, options)))
    assert len(letter.recipient) <= 6
    assert all(len(line) <= 38 for line in letter.recipient[:-1])
    assert LAST_LINE.match(letter.recipient[-1]), letter.recipient
    scene = letter_scene(letter, layout)
    assert len(scene.pages) == 1
    x0, y0, x1, y1 = (v * MM for v in WINDOW)
    block = [t for t in scene.texts() if t.block == "destinataire"]
    assert [t.text for t in block] == list(letter.recipient)
    for line in block:
        assert x0 <= line.x and line.x + line.width <= x1
        assert y0 <= line.baseline - line.size * 0.8 and line.baseline + line.size * 0.25 <= y1


@pytest.mark.parametrize("city", ["Saint-Étienne", "Le Mans", "Les Lilas", "Châlons-en-Champagne"])
@pytest.mark.parametrize("kind", ["lettre", "cada"])
def test_no_line_ends_on_an_article_or_preposition(runner: CliRunner, tmp_path: Path, city: str, kind: str) -> None:
    from pypdf import PdfReader

    from affiches.text.breaks import GLUE_WORDS

    extra = ("--contact", "camille@exemple.org") if kind == "cada" else ()
    files = make(runner, tmp_path, kind, city, *SENDER, *extra)
    text = PdfReader(files["pdf"]).pages[0].extract_text()
    enders = [line for line in text.splitlines() if line.split() and line.split()[-1].casefold() in GLUE_WORDS]
    assert not enders, enders

"""Hostile layout files (issue 9): every one gives a located problem in ``gabarits verifier``
and a one-line error in the commands, reads nothing outside the allowed folders, and
never hangs. Fixtures (bomb PNG, FIFO, links) are made at test time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from affiches.cli.main import cli
from affiches.limits import MAX_LAYOUT_BLOCKS, MAX_LAYOUT_PAGES, MAX_TOML_DEPTH

HEAD = """\
nom = "t"
materiel = "visuel"
unite = "px"
largeur = 1000
hauteur = 1000
fond = "#FFFFFF"
"""
TEXT = """
[[blocs]]
nom = "v"
type = "texte"
texte = "{ville}"
police = "Manrope-Bold"
couleur = "#000000"
boite = [0, 0, 500, 500]
taille_max = 40
taille_min = 6
"""


def image_block(name: str) -> str:
    return f'\n[[blocs]]\nnom = "img"\ntype = "image"\nfichier = "{name}"\nboite = [0, 600, 100, 100]\n'


def verify(runner: CliRunner, path: str) -> list[str]:
    result = runner.invoke(cli, ["gabarits", "verifier", path])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line for line in result.stdout.splitlines() if line]


def assert_one_line_error(runner: CliRunner, path: str, expected: str) -> None:
    result = runner.invoke(cli, ["visuel", "Lyon", "-g", path, "-o", "sortie"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Erreur : ") and result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr
    assert not Path("sortie").exists()


@pytest.mark.parametrize(("change", "line", "message"), [
    (("largeur = 1000", "largeur = nan"), 4, "largeur: nombre fini attendu, trouvé nan"),
    (("hauteur = 1000", "hauteur = inf"), 5, "hauteur: nombre fini attendu, trouvé inf"),
    (("largeur = 1000\nhauteur = 1000", "largeur = 60000\nhauteur = 60000"), 4,
     "largeur: 60000 × 60000 px : au plus 8000 px de côté et 40 millions de pixels ; réduisez la page"),
    (("fond", "pages = 1000000\nfond"), 6,
     f"pages: 1000000 pages, {MAX_LAYOUT_PAGES} au plus ; faites plusieurs gabarits"),
])
def test_absurd_numbers_are_located_problems(in_tmp: Path, runner: CliRunner, change: tuple[str, str],
                                             line: int, message: str) -> None:
    Path("t.toml").write_text(HEAD.replace(*change) + TEXT, encoding="utf-8")
    assert f"t.toml:{line}: {message}" in verify(runner, "t.toml")
    assert_one_line_error(runner, "t.toml", message.split(": ", 1)[1])


def test_too_many_blocks(in_tmp: Path, runner: CliRunner) -> None:
    blocks = ",".join('{type="rect",couleur="#000",boite=[0,0,1,1]}' for _ in range(20_000))  # < 1 MB
    Path("t.toml").write_text(HEAD + f"blocs = [{blocks}]\n", encoding="utf-8")
    lines = verify(runner, "t.toml")
    assert any("blocs: 20000 blocs" in line and f"blocs, {MAX_LAYOUT_BLOCKS} au plus ; regroupez-les" in line
               for line in lines), lines[:3]


def test_a_layout_over_one_megabyte_is_refused(in_tmp: Path, runner: CliRunner) -> None:
    Path("t.toml").write_text(HEAD + TEXT + "# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    assert verify(runner, "t.toml")[0].endswith(
        "t.toml:1: fichier: fichier trop gros (1,1 Mo, 1 Mo au plus) ; découpez-le ou allégez-le")


def test_deeply_nested_arrays_are_refused(in_tmp: Path, runner: CliRunner) -> None:
    for depth in (MAX_TOML_DEPTH + 1, 5_000):  # the second one exhausts tomllib's recursion
        Path("t.toml").write_text(HEAD + "x = " + "[" * depth + "]" * depth + "\n" + TEXT, encoding="utf-8")
        message = f"toml: tableaux ou tables imbriqués sur plus de {MAX_TOML_DEPTH} niveaux ; simplifiez le fichier"
        assert verify(runner, "t.toml")[0].endswith(message)
        assert_one_line_error(runner, "t.toml", message.split(": ", 1)[1])


def test_a_fifo_as_layout_is_refused_without_blocking(in_tmp: Path, runner: CliRunner) -> None:
    os.mkfifo("t.toml")
    assert verify(runner, "t.toml") == ["t.toml:1: fichier: ce n’est pas un fichier ordinaire"]
    assert_one_line_error(runner, "t.toml", "gabarit « t.toml » : ce n’est pas un fichier ordinaire")


@pytest.mark.parametrize("parent", ["/etc/passwd", "../t", "affiche-a3.toml", "x/y"])
def test_herite_only_names_layouts(in_tmp: Path, runner: CliRunner, parent: str) -> None:
    Path("t.toml").write_text(f'herite = "{parent}"\n' + HEAD, encoding="utf-8")
    message = f"herite: « {parent} » : nommez un gabarit (lettres, chiffres, - et _), pas un fichier ni un chemin"
    assert verify(runner, "t.toml")[0].endswith(f"t.toml:1: {message}")


def test_images_and_fonts_outside_the_layout_folder_are_refused(tmp_path: Path, runner: CliRunner,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.png"
    Image.new("RGB", (10, 10), (255, 0, 0)).save(secret)
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    monkeypatch.chdir(work)
    (work / "sub" / "lien.png").symlink_to(secret)
    (work / "sub" / "Lien.ttf").symlink_to(Path(__file__).parents[1] / "assets/fonts/Manrope-Bold.ttf")
    cases = {
        "../secret.png": "image « ../secret.png » refusée : nommez un fichier du dossier du gabarit, "
                         "sans « .. » ni chemin absolu",
        str(secret): f"image « {secret} » refusée",
        "lien.png": "image « lien.png » introuvable",
    }
    for name, message in cases.items():
        (work / "sub" / "t.toml").write_text(HEAD + TEXT + image_block(name), encoding="utf-8")
        assert any(message in line for line in verify(runner, "sub/t.toml")), (name, message)
        assert_one_line_error(runner, "sub/t.toml", message)
    for font in ("../../x.ttf", "/usr/share/fonts/x.ttf", "Lien"):
        (work / "sub" / "t.toml").write_text(HEAD + TEXT.replace("Manrope-Bold", font), encoding="utf-8")
        expected = "police introuvable" if font == "Lien" else f"police « {font} » refusée"
        assert any(expected in line for line in verify(runner, "sub/t.toml")), font


def test_a_decompression_bomb_image_is_a_one_line_error(in_tmp: Path, runner: CliRunner) -> None:
    Image.new("1", (30_000, 30_000)).save("bombe.png", optimize=True)  # 900 Mpx, about 100 KB
    assert Path("bombe.png").stat().st_size < 200_000
    Path("t.toml").write_text(HEAD + TEXT + image_block("bombe.png"), encoding="utf-8")
    message = "image « bombe.png » : image trop grande (plus de 25 millions de pixels une fois décodée) ; réduisez-la"
    assert any(message in line for line in verify(runner, "t.toml"))
    assert_one_line_error(runner, "t.toml", message)


def test_an_image_that_is_not_png_or_jpeg_is_refused(in_tmp: Path, runner: CliRunner) -> None:
    Image.new("RGB", (10, 10)).save("i.gif")
    Path("faux.png").write_bytes(b"pas une image")
    for name, message in (("i.gif", "format GIF non pris en charge"),
                          ("faux.png", "ce n’est pas une image PNG ou JPEG lisible")):
        Path("t.toml").write_text(HEAD + TEXT + image_block(name), encoding="utf-8")
        assert any(message in line for line in verify(runner, "t.toml")), name

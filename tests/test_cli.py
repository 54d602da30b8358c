"""Command line (affiches.cli.main): exit codes, exact French error lines, files written.

Every test runs in an empty temporary folder and writes under ``-o sortie``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from affiches.cli.main import cli

KIT_FILES = (
    "affiche-a3-{slug}.pdf",
    "tract-a5-{slug}.pdf",
    "visuel-carre-{slug}.png",
    "visuel-carre-{slug}.txt",
)
EMPTY = "Erreur : Le nom de ville est vide : indiquez une commune, par exemple « Saint-Étienne »."


def kit_paths(slug: str, out: str = "sortie") -> list[Path]:
    return [Path(out) / slug / name.format(slug=slug) for name in KIT_FILES]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def flat(text: str) -> str:
    """Lines joined back: nothing after a hyphen break, a space elsewhere."""
    return " ".join(text.replace("-\n", "-").split())


def assert_clean_failure(result, stderr: str, out: Path = Path("sortie")) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert result.stderr == stderr + "\n"
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.rglob("*"))


# ------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("city", "stderr"),
    [
        ("", EMPTY),
        ("   ", EMPTY),
        ("x" * 300, "Erreur : Le nom de ville est trop long (300 caractères, 80 au maximum) : "
                    "raccourcissez-le."),
        ("Saint\x07Étienne", "Erreur : Le nom de ville contient un caractère de contrôle "
                             "(U+0007) : retirez-le et tapez le nom sur une seule ligne."),
        ("Saint-\nÉtienne", "Erreur : Le nom de ville contient un caractère de contrôle (U+000A) : "
                            "retirez-le et tapez le nom sur une seule ligne."),
        ("Ly\u200bon", "Erreur : Le nom de ville contient un caractère invisible ou non imprimable "
                       "(U+200B) : retirez-le et tapez le nom sur une seule ligne."),
        ("42 !", "Erreur : Le nom de ville « 42 ! » ne contient aucune lettre : indiquez le nom "
                 "d’une commune, par exemple « Saint-Étienne »."),
    ],
)
@pytest.mark.parametrize("command", ["kit", "affiche", "visuel"])
def test_bad_city_names(
    in_tmp: Path, runner: CliRunner, command: str, city: str, stderr: str
) -> None:
    result = runner.invoke(cli, [command, city, "-o", "sortie"])
    assert_clean_failure(result, stderr)


def test_trailing_newline_is_refused(in_tmp: Path, runner: CliRunner) -> None:
    # A control character anywhere, a trailing newline included, is refused.
    result = runner.invoke(cli, ["affiche", "Lyon\n", "-o", "sortie"])
    assert_clean_failure(
        result,
        "Erreur : Le nom de ville contient un caractère de contrôle (U+000A) : retirez-le et "
        "tapez le nom sur une seule ligne.",
    )


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["--quoi", "affiche,poster"],
         "Erreur : --quoi : « poster » inconnu ; choisissez parmi affiche, tract, visuel, story, portrait, paysage, "
         "ou reseaux (visuel, story, portrait, paysage)"),
        (["--url", "laquadrature.net"],
         "Erreur : --url : « laquadrature.net » n’est pas une adresse web ; donnez une adresse "
         "complète, par exemple https://laquadrature.net/pasdevsadansmaville"),
        (["--url", "javascript:alert(1)"],
         "Erreur : --url : « javascript:alert(1) » n’est pas une adresse web ; donnez une adresse "
         "complète, par exemple https://laquadrature.net/pasdevsadansmaville"),
        (["-g", "visuel=visuel-carree"],
         "Erreur : gabarit inconnu : « visuel-carree » ; vouliez-vous dire « visuel-carre » ? "
         "(gabarits disponibles : {available} ; voir « affiches gabarits liste »)"),
        (["-g", "affiche-a3"],
         "Erreur : --gabarit « affiche-a3 » : pour un kit, précisez le matériel, par exemple "
         "affiche=affiche-a3"),
        (["--collectif", "Techno\x07police"],
         "Erreur : --collectif : caractère de contrôle interdit ; retirez-le"),
        (["--contact", "x" * 201],
         "Erreur : --contact : texte trop long (201 caractères, 200 au plus) ; raccourcissez-le"),
        (["--date", "2026-02-30"],
         "Erreur : date « 2026-02-30 » inexistante ; vérifiez le jour et le mois (exemple : "
         "2026-05-16)"),
        (["--departement", "99x"],
         "Erreur : Le département « 99x » n’est pas un code valide : indiquez un code comme 01, "
         "92, 2A ou 971."),
    ],
)
def test_bad_options(in_tmp: Path, runner: CliRunner, args: list[str], stderr: str) -> None:
    from affiches.gabarits import available_layouts

    result = runner.invoke(cli, ["kit", "Lyon", *args, "-o", "sortie"])
    available = ", ".join(sorted(available_layouts()))
    assert_clean_failure(result, stderr.replace("{available}", available))


def test_unknown_layout_for_single_material(in_tmp: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["tract", "Lyon", "--gabarit", "nimporte", "-o", "sortie"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : gabarit inconnu : « nimporte »")
    assert result.stderr.count("\n") == 1
    assert not Path("sortie").exists()


def test_usage_errors_exit_2_in_french(in_tmp: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["kit"])
    assert result.exit_code == 2
    assert "Erreur : Argument manquant 'VILLE'." in result.stderr
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["kit", "Lyon", "--inconnue"])
    assert result.exit_code == 2
    assert "Option inconnue" in result.stderr
    assert not Path("output").exists()


def test_glyph_missing_from_fonts(in_tmp: Path, runner: CliRunner) -> None:
    # Letters of a script the bundled fonts do not cover pass the name check but not
    # the glyph coverage check.
    result = runner.invoke(cli, ["affiche", "Москва", "-o", "sortie"])
    assert_clean_failure(
        result,
        "Erreur : gabarit affiche-a3, bloc « ville » : le caractère « М » (U+041C) n’existe pas "
        "dans la police RobotoCondensed-Bold ; retirez-le du texte ou choisissez une autre police",
    )


def test_symbol_in_a_commune_name_is_refused(in_tmp: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["affiche", "Ville ☃", "-o", "sortie"])
    assert_clean_failure(
        result,
        "Erreur : Le nom de ville contient le caractère « ☃ » (U+2603), qui n’a pas sa place "
        "dans un nom de commune : retirez-le.",
    )


# ------------------------------------------------------------------- the kit


def test_kit_writes_four_files_and_prints_them(in_tmp: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["kit", "Saint-Étienne", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    paths = kit_paths("saint-etienne")
    assert result.stdout.splitlines() == [str(p) for p in paths]
    assert result.stderr == ""  # exact spelling: nothing to say
    names = sorted(p.name for p in Path("sortie/saint-etienne").iterdir())
    assert names == sorted(p.name for p in paths)
    assert paths[0].read_bytes().startswith(b"%PDF-")
    assert paths[2].read_bytes().startswith(b"\x89PNG")
    assert "Saint-Étienne" in paths[3].read_text(encoding="utf-8")
    # No temporary file left behind.
    assert not [p for p in Path("sortie").rglob(".*")]


def test_existing_files_are_left_alone_without_force(in_tmp: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["kit", "Saint-Étienne", "-o", "sortie"]).exit_code == 0
    paths = kit_paths("saint-etienne")
    paths[0].write_bytes(b"mine")
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in paths}
    again = runner.invoke(cli, ["kit", "Saint-Étienne", "-o", "sortie"])
    assert again.exit_code == 0
    assert again.stdout == ""
    assert again.stderr.splitlines() == [
        f"{p} existe déjà : laissé tel quel (--force pour le refaire)" for p in paths
    ]
    assert {p: (p.stat().st_ino, p.read_bytes()) for p in paths} == before
    forced = runner.invoke(cli, ["kit", "Saint-Étienne", "-o", "sortie", "--force"])
    assert forced.exit_code == 0
    assert forced.stdout.splitlines() == [str(p) for p in paths]
    assert paths[0].read_bytes().startswith(b"%PDF-")
    assert all(p.stat().st_ino != before[p][0] for p in paths)  # replaced, not patched


def test_default_output_folder(in_tmp: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["visuel", "Lyon"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["output/lyon/visuel-carre-lyon.png",
                                          "output/lyon/visuel-carre-lyon.txt"]


def test_quoi_selects_materials(in_tmp: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["kit", "Lyon", "--quoi", "tract, visuel", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    assert [Path(p).name for p in result.stdout.splitlines()] == [
        "tract-a5-lyon.pdf", "visuel-carre-lyon.png", "visuel-carre-lyon.txt"]


CAMPAIGN = [
    ("Montreuil", "Montreuil", "montreuil"),
    ("Chatillon", "Châtillon", "chatillon"),
    ("Chatenay-Malabry", "Châtenay-Malabry", "chatenay-malabry"),
    ("Chateauroux", "Châteauroux", "chateauroux"),
    ("Saint-Martin d'Hères", "Saint-Martin-d’Hères", "saint-martin-d-heres"),
    ("Tassin la Demi-Lune", "Tassin-la-Demi-Lune", "tassin-la-demi-lune"),
    ("Luneville", "Lunéville", "luneville"),
    ("Clermont-Ferrand", "Clermont-Ferrand", "clermont-ferrand"),
]


@pytest.mark.parametrize(("typed", "official", "slug"), CAMPAIGN)
def test_campaign_cities(
    in_tmp: Path, runner: CliRunner, typed: str, official: str, slug: str
) -> None:
    result = runner.invoke(cli, ["kit", typed, "-o", "sortie"])
    assert result.exit_code == 0, result.output
    paths = kit_paths(slug)
    assert result.stdout.splitlines() == [str(p) for p in paths]
    if typed != official:
        assert f"« {official} »" in result.stderr  # says which spelling it used
    affiche = flat(pdf_text(paths[0]))
    tract = flat(pdf_text(paths[1]))
    assert official.upper() in affiche
    assert official in affiche
    assert official in tract
    assert official in paths[3].read_text(encoding="utf-8")


def test_le_mans_contractions(in_tmp: Path, runner: CliRunner) -> None:
    # Layout templates: affiche "Habitantes et habitants {de_ville}", tract "{a_ville} !"
    # and verso "Pas de VSA {a_ville} : …", visuel alt text "… algorithmique {a_ville}."
    result = runner.invoke(cli, ["kit", "Le Mans", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    paths = kit_paths("le-mans")
    affiche = flat(pdf_text(paths[0]))
    tract = flat(pdf_text(paths[1]))
    assert "Habitantes et habitants du Mans" in affiche
    assert "algorithmique au Mans" in tract
    assert "Pas de VSA au Mans" in tract
    assert " à Le Mans" not in affiche + tract and " de Le Mans" not in affiche + tract
    assert "algorithmique au Mans." in paths[3].read_text(encoding="utf-8")
    assert PdfReader(paths[0]).metadata.title == "Pas de VSA au Mans — affiche"


def test_collectif_and_contact_are_printed(in_tmp: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["affiche", "Grenoble", "--collectif", "Technopolice Grenoble",
                                 "--contact", "grenoble@technopolice.fr", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    text = pdf_text(Path("sortie/grenoble/affiche-a3-grenoble.pdf"))
    assert "Technopolice Grenoble — grenoble@technopolice.fr" in text


def test_path_like_name_is_refused(in_tmp: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["visuel", "../../etc/passwd", "-o", "sortie"])
    assert_clean_failure(
        result,
        "Erreur : Le nom de ville contient le caractère « / » (U+002F), qui n’a pas sa place "
        "dans un nom de commune : retirez-le.",
    )


def test_nothing_outside_the_output_folder(in_tmp: Path, runner: CliRunner) -> None:
    # Dots are allowed in names ("St. …"); the folder is a slug, whatever the name.
    result = runner.invoke(cli, ["visuel", "..Croix.Rousse..", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    written = [Path(p) for p in result.stdout.splitlines()]
    assert written
    for path in written:
        assert path.resolve().is_relative_to((in_tmp / "sortie").resolve())
    assert sorted(p.name for p in in_tmp.iterdir()) == ["sortie"]


# ------------------------------------------------------------------- entry points


def _env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    import affiches

    # The subprocess imports the same affiches as this test run (installed or source).
    env["PYTHONPATH"] = os.pathsep.join([str(Path(affiches.__file__).parents[1]), src])
    return env


def test_python_m_affiches_help(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "affiches", "--help"], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Utilisation : affiches [OPTIONS] ")
    assert "Affiches, tracts et visuels de la campagne" in done.stdout
    for command in ("kit", "affiche", "tract", "visuel"):
        assert f"\n  {command} " in done.stdout


def test_help_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from affiches.cli.main import cli\n"
        "try:\n"
        "    cli.main(['--help'], prog_name='affiches', standalone_mode=True)\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "for command in ('kit', 'affiche'):\n"
        "    try:\n"
        "        cli.main([command, '--help'], prog_name='affiches')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, exit.code\n"
        "heavy = sorted(m for m in sys.modules\n"
        "               if m.split('.')[0] in ('reportlab', 'PIL', 'fontTools', 'qrcode'))\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "HEAVY []"


def test_version(runner: CliRunner) -> None:
    from affiches import __version__

    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"affiches {__version__}\n"


@pytest.mark.parametrize("command, collector", [
    (["kit", "Saint-Étienne", "--sortie", "sortie"], "GC False FROZEN True"),
    (["gabarits", "liste"], "GC True FROZEN False"),
])
def test_only_one_city_commands_run_without_the_cyclic_collector(tmp_path: Path, command: list[str],
                                                                 collector: str) -> None:
    code = (
        "import gc, sys\n"
        "from affiches.cli.main import main\n"
        f"sys.argv = ['affiches', *{command!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print('GC', gc.isenabled(), 'FROZEN', gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == collector
    if command[0] == "kit":
        assert sorted(p.name for p in (tmp_path / "sortie" / "saint-etienne").iterdir()) == [
            "affiche-a3-saint-etienne.pdf", "tract-a5-saint-etienne.pdf", "visuel-carre-saint-etienne.png",
            "visuel-carre-saint-etienne.txt"]

"""Designers' tools: the fit report (checked against compose itself), previews, watch
mode, new layouts and the contact sheet."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from affiches.city.communes import iter_communes
from affiches.cli.main import cli
from affiches.compose import compose
from affiches.designer.fastfit import fast_pieces, greedy_line_count, surely_fits
from affiches.designer.fitreport import SAMPLE_EXTRA, commune_variables, fit_report
from affiches.designer.previews import watch
from affiches.errors import FitError
from affiches.gabarits import TextBlock, load_layout
from affiches.text.breaks import split_pieces
from affiches.text.fonts import FontMetrics, find_font
from affiches.text.textfit import fit_text, greedy_lines

NARROW = """\
nom = "etroit"
materiel = "autre"
unite = "mm"
largeur = 100
hauteur = 60
fond = "#FFFFFF"

[[blocs]]
nom = "ville"
type = "texte"
texte = "{ville_maj}"
police = "RobotoCondensed-Bold"
couleur = "#000000"
boite = [5, 5, 40, 12]
taille_max = 30
taille_min = 14

[[blocs]]
nom = "fixe"
type = "texte"
texte = "Pas de VSA"
police = "Manrope-Bold"
couleur = "#000000"
boite = [5, 40, 90, 10]
taille_max = 20
taille_min = 8
"""

METRICS = FontMetrics.load(find_font("Manrope-Bold"))
WORDS = st.text(alphabet="abcdeéAVWT.,’-‐", min_size=0, max_size=9)
TEXTS = st.lists(st.tuples(WORDS, st.sampled_from([" ", "  ", "\n", "-", ""])), max_size=12).map(
    lambda parts: "".join(w + s for w, s in parts)
)


@given(TEXTS)
def test_fast_pieces_match_textfit(text: str) -> None:
    assert fast_pieces(text) == [(p.text, p.after) for p in split_pieces(text)]


@given(TEXTS, st.integers(min_value=500, max_value=12000))
def test_line_count_matches_textfit_greedy(text: str, max_units: int) -> None:
    lines = greedy_lines(split_pieces(text), METRICS, max_units)
    count = greedy_line_count(fast_pieces(text), METRICS, max_units)
    assert count == (None if lines is None else len(lines))


@given(
    TEXTS.filter(lambda t: t.strip()),
    st.floats(min_value=6, max_value=30),
    st.floats(min_value=20, max_value=300),
    st.integers(min_value=1, max_value=4),
)
def test_surely_fits_never_accepts_a_text_that_does_not_fit(
    text: str, size: float, width: float, lines: int
) -> None:
    geometry = (str(METRICS.path), width, size * 2.5, size, size, lines, 1.1, True, "left")
    if surely_fits(text, METRICS, geometry):
        assert fit_text(text, METRICS, width, size * 2.5, size, size, lines, 1.1, True) is not None


def test_fit_report_agrees_with_compose(tmp_path: Path) -> None:
    path = tmp_path / "etroit.toml"
    path.write_text(NARROW, encoding="utf-8")
    layout = load_layout(path)
    communes = [c for c in iter_communes(departement="38")]
    report = fit_report([layout], communes, workers=1)
    assert report.blocks == [("etroit", "ville")]  # "fixe" does not depend on the city
    failing = {name for f in report.failures for name in [f.text]}
    # compose is the reference: exactly the communes it refuses are reported
    refused = set()
    for commune in communes:
        variables = {**SAMPLE_EXTRA, **commune_variables(commune)}
        try:
            compose(layout, variables)
        except FitError:
            refused.add(variables["ville_maj"])
    assert refused and failing == refused
    block = layout.blocks[0]
    assert isinstance(block, TextBlock)
    metrics = block.metrics
    for failure in report.failures:
        assert failure.needed is not None and failure.needed < block.size_min
        # the size reported does fit, a quarter point more does not
        box = block.box.scaled(layout.to_pt)
        args = (box.width, box.height)

        def at(size: float, text: str = failure.text, args: tuple = args) -> object:
            return fit_text(text, metrics, *args, size, size, block.max_lines,
                            block.line_height, True, block.align)

        assert at(failure.needed) is not None
        assert at(failure.needed + 0.25) is None


def test_fit_report_with_two_processes_gives_the_same_answer(tmp_path: Path) -> None:
    path = tmp_path / "etroit.toml"
    path.write_text(NARROW, encoding="utf-8")
    layout = load_layout(path)
    communes = list(iter_communes(departement="38"))
    one = fit_report([layout], communes, workers=1)
    two = fit_report([layout], communes, workers=2)
    assert one.failures == two.failures and one.failures


def test_cli_fit_report_names_file_line_and_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import affiches.designer.fitreport as fitreport

    path = tmp_path / "etroit.toml"
    path.write_text(NARROW, encoding="utf-8")
    isere = list(iter_communes(departement="38"))
    monkeypatch.setattr(fitreport, "iter_communes", lambda **_: iter(isere))
    result = CliRunner().invoke(
        cli, ["gabarits", "verifier", "--communes", "--processus", "1", str(path)]
    )
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith(f"{path}:11: blocs.ville.texte: ")  # line of texte = "{ville_maj}"
    assert "ne tient pas ; il faudrait" in line and "(taille_min = 14)" in line
    assert f"{len(isere)} communes × 1 gabarit(s)" in result.stderr


def test_apercu_writes_a_screen_size_png(in_tmp: Path) -> None:
    result = CliRunner().invoke(cli, ["gabarits", "apercu", "tract-a5", "--ville", "Le Mans"])
    assert result.exit_code == 0, result.output
    target = in_tmp / "output" / "apercus" / "tract-a5-le-mans.png"
    assert result.stdout.strip() == str(Path("output/apercus/tract-a5-le-mans.png"))
    with Image.open(target) as image:
        assert (
            1190 <= max(image.size) <= 1200 and image.width > image.height
        )  # two pages side by side


def test_apercu_of_a_broken_layout_fails_cleanly(in_tmp: Path) -> None:
    broken = in_tmp / "casse.toml"
    broken.write_text(NARROW.replace("RobotoCondensed-Bold", "Absente"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["gabarits", "apercu", str(broken), "--fichier", "x.png"])
    assert result.exit_code == 1
    assert "casse.toml:12: blocs.ville.police: police introuvable" in result.stderr
    assert not (in_tmp / "x.png").exists()


def test_watch_rerenders_on_save_and_survives_errors(tmp_path: Path) -> None:
    path = tmp_path / "etroit.toml"
    path.write_text(NARROW, encoding="utf-8")
    target = tmp_path / "apercu.png"
    said: list[str] = []
    stop = threading.Event()
    variables = {**SAMPLE_EXTRA, "ville": "Vif", "ville_maj": "VIF"}
    thread = threading.Thread(
        target=watch,
        args=(path, target, variables, said.append),
        kwargs={"interval": 0.05, "should_stop": stop.is_set},
    )
    thread.start()

    def wait_for(predicate, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + seconds
        while not predicate():
            assert time.monotonic() < deadline, said
            time.sleep(0.02)

    try:
        wait_for(lambda: any("premier rendu" in s for s in said))
        first = target.read_bytes()
        time.sleep(0.02)
        path.write_text(NARROW.replace('fond = "#FFFFFF"', 'fond = "#FFEE00"'), encoding="utf-8")
        wait_for(lambda: sum("modifié" in s for s in said) >= 1)
        assert target.read_bytes() != first
        path.write_text(NARROW.replace("taille_max = 30", "taille_max = trente"), encoding="utf-8")
        wait_for(lambda: any("TOML invalide" in s for s in said))
        assert thread.is_alive()
        path.write_text(NARROW, encoding="utf-8")
        wait_for(lambda: sum("modifié" in s for s in said) >= 3)
        assert said[-1].endswith(")") and "aperçu à jour" in said[-1]
    finally:
        stop.set()
        thread.join(5)


def test_nouveau_writes_a_valid_variant(in_tmp: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["gabarits", "nouveau", "affiche-verte", "--depuis", "affiche-a3"])
    assert result.exit_code == 0, result.output
    path = in_tmp / "layouts" / "affiche-verte.toml"
    assert result.stdout.strip() == str(Path("layouts/affiche-verte.toml"))
    layout = load_layout("affiche-verte")
    assert layout.extends == "affiche-a3" and layout.blocks == load_layout("affiche-a3").blocks
    again = runner.invoke(cli, ["gabarits", "nouveau", "affiche-verte"])
    assert again.exit_code == 1 and "existe déjà" in again.stderr
    bad = runner.invoke(cli, ["gabarits", "nouveau", "Affiche Verte"])
    assert bad.exit_code == 1 and "invalide" in bad.stderr
    assert path.read_text(encoding="utf-8").count("\n") > 10


@pytest.mark.parametrize("suffix", ["png", "pdf"])
def test_planche(in_tmp: Path, suffix: str) -> None:
    target = in_tmp / f"planche.{suffix}"
    args = [
        "gabarits",
        "planche",
        "affiche-a3",
        "autocollant-rond",
        "--ville",
        "Lyon",
        "--fichier",
        str(target),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG" if suffix == "png" else b"%PDF")
    CliRunner().invoke(cli, args)
    assert target.read_bytes() == data  # deterministic


def test_verifier_tries_blocks_shown_only_without_an_event(in_tmp: Path, runner) -> None:  # type: ignore[no-untyped-def]
    """Issue 9: a ``si = "!evenement"`` block that cannot fit used to pass verifier."""
    from affiches.cli.main import cli

    Path("t.toml").write_text(
        'nom = "t"\nmateriel = "affiche"\nunite = "mm"\nlargeur = 100\nhauteur = 100\n'
        'fond = "#FFFFFF"\n\n'
        '[[blocs]]\nnom = "sans"\ntype = "texte"\nsi = "!evenement"\n'
        'texte = "Un texte beaucoup trop long pour une boîte si petite, même en tout petit"\n'
        'police = "Manrope-Bold"\ncouleur = "#000000"\nboite = [0, 0, 20, 5]\ntaille_max = 20\n'
        'taille_min = 10\n\n'
        '[[blocs]]\nnom = "avec"\ntype = "texte"\nsi = "evenement"\ntexte = "{evenement}"\n'
        'police = "Manrope-Bold"\ncouleur = "#000000"\nboite = [0, 50, 100, 50]\ntaille_max = 20\n'
        'taille_min = 4\nlignes_max = 4\n', encoding="utf-8")
    result = runner.invoke(cli, ["gabarits", "verifier", "t.toml"])
    assert result.exit_code == 1, result.output
    problems = [line for line in result.stdout.splitlines() if line.startswith("t.toml:12: blocs.sans.texte:")]
    assert len(problems) == 1, result.stdout
    assert problems[0].startswith("t.toml:12: blocs.sans.texte: le texte « Un texte beaucoup")
    assert "ne tient pas dans sa boîte" in problems[0]


LINES = """\
nom = "lignes"
materiel = "autre"
unite = "mm"
largeur = 100
hauteur = 100
fond = "#FFFFFF"

[[blocs]]
nom = "ville"
type = "texte"
texte = "{ville_maj}"
police = "RobotoCondensed-Bold"
couleur = "#000000"
boite = [10, 10, 38, 60]
taille_max = 30
taille_min = 30
lignes_max = 4
"""


def test_cli_fit_report_counts_line_defects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A box too narrow for « LE MANS » on one line at its only size, wide enough for
    « ÉTIENNE » (the trial composition): the article ends a
    line (the rules give way rather than refuse), and the report says so, with counts."""
    import affiches.designer.fitreport as fitreport

    path = tmp_path / "lignes.toml"
    path.write_text(LINES, encoding="utf-8")
    sarthe = [c for c in iter_communes(departement="72") if c.nom in ("Le Mans", "La Flèche", "Sablé-sur-Sarthe")]
    monkeypatch.setattr(fitreport, "iter_communes", lambda **_: iter(sarthe))
    result = CliRunner().invoke(
        cli, ["gabarits", "verifier", "--communes", "--processus", "1", str(path)]
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(
        f"{path}:11: blocs.ville.texte: 3 texte(s) avec lignes finissant sur un article"
    )
    assert "LA FLÈCHE | LE MANS | SABLÉ-SUR-SARTHE" in result.stdout
    assert "Qualité des lignes : 0 lignes dont l’encre se touche, 0 écarts d’encre sous 0,12 em, " \
        "3 lignes finissant sur un article" in result.stderr

"""Layout files (affiches.gabarits): built-ins, validation messages, inheritance.

Errors are checked both from ``load_layout`` and through the CLI (``--gabarit
fichier.toml``): one French line naming the file, the key and the fix, exit 1, nothing
written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from affiches.cli.main import cli
from affiches.compose import compose
from affiches.errors import LayoutError
from affiches.gabarits import TextBlock, available_layouts, load_layout

BASE = """\
nom = "petit"
materiel = "affiche"
unite = "mm"
largeur = 100
hauteur = 100
fond = "#FFFFFF"

[couleurs]
noir = "#000000"

[[blocs]]
nom = "ville"
type = "texte"
texte = "{ville_maj}"
police = "Manrope-Bold"
couleur = "noir"
boite = [10, 10, 80, 30]
taille_max = 40
taille_min = 10
"""

BROKEN = {
    "cle": (
        ('fond = "#FFFFFF"', 'fnd = "#FFFFFF"'),
        "fnd : clé inconnue ; vouliez-vous dire « fond » ?",
    ),
    "cle-bloc": (
        ('couleur = "noir"', 'coleur = "noir"'),
        "blocs.ville.coleur : clé inconnue pour un bloc texte ; vouliez-vous dire « couleur » ?",
    ),
    "unite": (
        ('unite = "mm"', 'unite = "cm"'),
        "unite : « cm » inconnue ; attendu mm, pt ou px",
    ),
    "police": (
        ('police = "Manrope-Bold"', 'police = "Futura-Heavy"'),
        "blocs.ville.police : police introuvable : « Futura-Heavy » ; polices fournies : "
        "Manrope-Bold, Manrope-ExtraBold, Manrope-Regular, RobotoCondensed-Bold, "
        "RobotoCondensed-Regular (ou placez le fichier .ttf à côté du gabarit)",
    ),
    "boite": (
        ("boite = [10, 10, 80, 30]", "boite = [50, 10, 80, 30]"),
        "blocs.ville.boite : [50, 10, 80, 30] sort de la page (100 × 100)",
    ),
}


def write_broken(folder: Path, case: str) -> Path:
    (old, new), _ = BROKEN[case]
    assert old in BASE
    path = folder / f"casse-{case}.toml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    return path


# ------------------------------------------------------------------- built-ins


def test_builtin_layouts() -> None:
    names = available_layouts()
    assert {"affiche-a3", "tract-a5", "visuel-carre"} <= set(names)
    affiche = load_layout("affiche-a3")
    assert (affiche.unit, affiche.width, affiche.height, affiche.pages) == ("mm", 297, 420, 1)
    assert (affiche.material, affiche.output_format) == ("affiche", "pdf")
    tract = load_layout("tract-a5")
    assert (tract.unit, tract.width, tract.height, tract.pages) == ("mm", 148, 210, 2)
    visuel = load_layout("visuel-carre")
    assert (visuel.unit, visuel.width, visuel.height) == ("px", 1080, 1080)
    assert visuel.output_format == "png"


def test_base_layout_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "petit.toml"
    path.write_text(BASE, encoding="utf-8")
    layout = load_layout(path)
    assert layout.name == "petit"
    (block,) = layout.blocks
    assert isinstance(block, TextBlock) and block.font == "Manrope-Bold"


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_load_errors(tmp_path: Path, case: str) -> None:
    path = write_broken(tmp_path, case)
    with pytest.raises(LayoutError) as info:
        load_layout(path)
    assert str(info.value) == f"{path.name} : {BROKEN[case][1]}"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_load_errors_through_cli(in_tmp: Path, runner: CliRunner, case: str) -> None:
    path = write_broken(in_tmp, case)
    out = in_tmp / "sortie"
    result = runner.invoke(cli, ["affiche", "Lyon", "--gabarit", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"Erreur : {path.name} : {BROKEN[case][1]}\n"
    assert result.stdout == ""
    assert not out.exists()
    assert "Traceback" not in result.output


def test_unknown_layout_name_suggests(in_tmp: Path, runner: CliRunner) -> None:
    available = ", ".join(sorted(available_layouts()))
    assert "affiche-a3, " in available
    expected = (
        "gabarit inconnu : « visuel-carree » ; vouliez-vous dire « visuel-carre » ? "
        f"(gabarits disponibles : {available} ; voir « affiches gabarits liste »)"
    )
    with pytest.raises(LayoutError) as info:
        load_layout("visuel-carree")
    assert str(info.value) == expected
    result = runner.invoke(cli, ["visuel", "Lyon", "-g", "visuel-carree", "-o", "sortie"])
    assert result.exit_code == 1
    assert result.stderr == f"Erreur : {expected}\n"
    assert result.stderr.count("\n") == 1
    assert not Path("sortie").exists()


def test_missing_layout_file(in_tmp: Path) -> None:
    with pytest.raises(LayoutError) as info:
        load_layout("absent.toml")
    assert str(info.value) == "gabarit introuvable : fichier « absent.toml » inexistant"


def test_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "faux.toml"
    path.write_text('nom = "sans fin\n', encoding="utf-8")
    with pytest.raises(LayoutError, match=r"TOML invalide"):
        load_layout(path)


# ------------------------------------------------------------------- inheritance

CHILD = """\
# Variante rouge de l'affiche A3 : seul le fond change de couleur.
herite = "affiche-a3"
nom = "affiche-rouge"
description = "Affiche A3 sur fond rouge"

[couleurs]
jaune = "#E30613"

[[blocs]]
nom = "ville"
"""


def test_inheritance_overrides_a_colour(tmp_path: Path) -> None:
    assert len(CHILD.splitlines()) == 10
    path = tmp_path / "affiche-rouge.toml"
    path.write_text(CHILD, encoding="utf-8")
    child = load_layout(path)
    parent = load_layout("affiche-a3")
    assert child.name == "affiche-rouge"
    assert child.extends == "affiche-a3"
    assert child.background.hex == "#E30613"
    assert parent.background.hex == "#FFD400"
    # Same blocks, same geometry; only what used the colour "jaune" changed.
    assert [b.name for b in child.blocks] == [b.name for b in parent.blocks]
    assert [b.box for b in child.blocks] == [b.box for b in parent.blocks]
    by_name = {b.name: b for b in child.blocks}
    assert by_name["campagne"].color.hex == "#E30613"  # type: ignore[attr-defined]
    assert by_name["ville"] == {b.name: b for b in parent.blocks}["ville"]


def test_inherited_layout_through_cli(in_tmp: Path, runner: CliRunner) -> None:
    path = in_tmp / "affiche-rouge.toml"
    path.write_text(CHILD, encoding="utf-8")
    result = runner.invoke(cli, ["affiche", "Lyon", "--gabarit", str(path), "-o", "sortie"])
    assert result.exit_code == 0, result.output
    written = Path("sortie/lyon/affiche-rouge-lyon.pdf")
    assert result.stdout == f"{written}\n"
    assert written.read_bytes().startswith(b"%PDF-")


def test_child_block_can_be_removed_and_added(tmp_path: Path) -> None:
    path = tmp_path / "sans-qr.toml"
    path.write_text(
        'herite = "affiche-a3"\n\n[[blocs]]\nnom = "qr"\nsupprimer = true\n\n'
        '[[blocs]]\nnom = "mention"\ntype = "texte"\ntexte = "Imprimé par nos soins"\n'
        'police = "Manrope-Regular"\nboite = [235, 361, 52, 20]\ntaille_max = 12\n',
        encoding="utf-8",
    )
    layout = load_layout(path)
    names = [b.name for b in layout.blocks]
    assert "qr" not in names
    assert names[-1] == "mention"
    scene = compose(layout, _variables())
    assert any(t.text == "Imprimé par nos soins" for t in scene.texts())


def test_circular_inheritance(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('herite = "b"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('herite = "a"\n', encoding="utf-8")
    with pytest.raises(LayoutError, match="héritage circulaire"):
        load_layout(tmp_path / "a.toml")


def test_user_layouts_folder_is_looked_at_first(in_tmp: Path, runner: CliRunner) -> None:
    (in_tmp / "layouts").mkdir()
    (in_tmp / "layouts" / "affiche-a3.toml").write_text(
        'herite = "affiche-a3"\nfond = "#00FF00"\n', encoding="utf-8"
    )
    assert load_layout("affiche-a3").background.hex == "#00FF00"
    result = runner.invoke(cli, ["affiche", "Lyon", "-o", "sortie"])
    assert result.exit_code == 0, result.output
    assert Path("sortie/lyon/affiche-a3-lyon.pdf").is_file()


def _variables() -> dict[str, str]:
    from affiches.city.communes import resolve_city
    from affiches.jobs.kit import KitOptions, template_variables

    return template_variables(resolve_city("Lyon"), KitOptions())

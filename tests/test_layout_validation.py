"""Layout validation for designers: every problem at once, each at its file and line.

Line numbers expected here are found by searching the fixture text for the offending
line, independently of the scanner in ``affiches.gabarits.lines``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from affiches.cli.main import cli
from affiches.color import Color, contrast_ratio
from affiches.designer.previews import check_layout_file
from affiches.errors import LayoutError
from affiches.gabarits import (
    BLOCK_KEYS,
    TOP_KEYS,
    TextBlock,
    available_layouts,
    check_file,
    index_lines,
    layout_catalog,
    load_layout,
)
from affiches.resources import builtin_layouts_dir

HEAD = """\
nom = "essai"
materiel = "affiche"
unite = "mm"
largeur = 100
hauteur = 100
fond = "#FFFFFF"

[couleurs]
noir = "#000000"
jaune = "#FFD400"
"""


def text_block(name: str, box: str, extra: str = "", color: str = "noir") -> str:
    return f"""
[[blocs]]
nom = "{name}"
type = "texte"
texte = "{{ville}}"
police = "Manrope-Bold"
couleur = "{color}"
boite = {box}
taille_max = 20
taille_min = 8
{extra}"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            count += 1
            if count == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in text")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_at_once_with_lines(tmp_path: Path) -> None:
    text = (
        HEAD.replace("largeur = 100", 'largeur = "100mm"').replace(
            'fond = "#FFFFFF"', 'fnd = "#FFFFFF"'
        )
        + text_block("a", "[10, 10, 80, 20]").replace("Manrope-Bold", "Futura-Heavy")
        + text_block("b", "[50, 50, 80, 20]").replace("couleur =", "coleur =")
    )
    path = write(tmp_path, "casse.toml", text)
    problems = check_file(path)
    got = {(p.line, p.key) for p in problems}
    assert got == {
        (line_of(text, "largeur ="), "largeur"),
        (line_of(text, "fnd ="), "fnd"),
        (line_of(text, "Futura-Heavy"), "blocs.a.police"),
        (line_of(text, "boite = [50, 50"), "blocs.b.boite"),
        (line_of(text, "coleur ="), "blocs.b.coleur"),
    }
    messages = {p.key: p.message for p in problems}
    assert "écrivez largeur = 100" in messages["largeur"]
    assert "vouliez-vous dire « fond »" in messages["fnd"]
    assert "vouliez-vous dire « couleur »" in messages["blocs.b.coleur"]
    assert "sort de la page (100 × 100)" in messages["blocs.b.boite"]
    assert all(str(p).startswith(f"{path}:{p.line}: {p.key}: ") for p in problems)


def test_cli_verifier_prints_file_line_key_message(tmp_path: Path) -> None:
    text = HEAD.replace('unite = "mm"', 'unite = "cm"') + text_block("a", "[10, 10, 80, 20]")
    path = write(tmp_path, "casse.toml", text)
    result = CliRunner().invoke(cli, ["gabarits", "verifier", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:{line_of(text, 'unite =')}: unite: « cm » inconnue ; attendu mm, pt ou px"
    ]
    assert "Traceback" not in result.output


def test_toml_syntax_error_has_its_line(tmp_path: Path) -> None:
    text = HEAD + '\n[[blocs]]\nnom = "a"\ntype = texte\n'
    path = write(tmp_path, "syntaxe.toml", text)
    (problem,) = check_file(path)
    assert problem.line == line_of(text, "type = texte")
    assert problem.message.startswith("TOML invalide")


def test_unit_mistakes_are_named(tmp_path: Path) -> None:
    text = HEAD.replace("largeur = 100", "largeur = 3508").replace(
        "hauteur = 100", "hauteur = 4961"
    )
    problems = check_file(write(tmp_path, "px.toml", text))
    assert [p.key for p in problems] == ["hauteur"]
    assert 'unite = "px"' in problems[0].message
    text = HEAD.replace('unite = "mm"', 'unite = "px"')
    problems = check_file(write(tmp_path, "mm.toml", text))
    assert [p.key for p in problems] == ["largeur"]
    assert "millimètres" in problems[0].message


def test_percent_boxes(tmp_path: Path) -> None:
    text = HEAD.replace("largeur = 100", "largeur = 200") + text_block(
        "a", '["10%", "25%", "50%", 20]'
    )
    layout = load_layout(write(tmp_path, "pourcent.toml", text))
    box = layout.blocks[0].box
    assert (box.x, box.y, box.width, box.height) == (20, 25, 100, 20)


def test_overlap_is_an_error_unless_allowed(tmp_path: Path) -> None:
    base = HEAD + text_block("a", "[10, 10, 60, 30]")
    text = base + text_block("b", "[40, 30, 50, 30]")
    (problem,) = check_file(write(tmp_path, "chevauche.toml", text))
    assert problem.key == "blocs.b.boite" and "chevauche le bloc « a »" in problem.message
    assert problem.line == line_of(text, "boite = [40, 30")
    allowed = base + text_block("b", "[40, 30, 50, 30]", 'superposable = ["a"]')
    assert check_file(write(tmp_path, "permis.toml", allowed)) == []
    exclusive = (
        HEAD
        + text_block("a", "[10, 10, 60, 30]", 'si = "collectif"')
        + text_block("b", "[40, 30, 50, 30]", 'si = "!collectif"')
    )
    assert check_file(write(tmp_path, "exclusifs.toml", exclusive)) == []
    touching = base + text_block("b", "[10, 40, 60, 30]")  # shares an edge only
    assert check_file(write(tmp_path, "bord.toml", touching)) == []


def test_background_rect_under_text_is_normal(tmp_path: Path) -> None:
    text = (
        HEAD
        + '\n[[blocs]]\nnom = "fond-noir"\ntype = "rect"\nboite = [0, 0, 100, 50]\ncouleur = "noir"\n'
    )
    text += text_block("titre", "[10, 10, 80, 30]", color="jaune")
    assert check_file(write(tmp_path, "fond.toml", text)) == []


def test_contrast(tmp_path: Path) -> None:
    assert contrast_ratio(Color((0, 0, 0)), Color((1, 1, 1))) == pytest.approx(21)
    # yellow text on the white page: about 1.4:1
    text = HEAD + text_block("a", "[10, 10, 80, 30]", color="jaune")
    (problem,) = check_file(write(tmp_path, "pale.toml", text))
    assert problem.key == "blocs.a.couleur"
    assert "#FFD400 sur #FFFFFF" in problem.message and "contraste 1,4:1" in problem.message
    # a text box straddling the edge of a black band sees both colours
    text = (
        HEAD
        + '\n[[blocs]]\nnom = "bande"\ntype = "rect"\nboite = [0, 0, 100, 20]\ncouleur = "noir"\n'
    )
    text += text_block("a", "[10, 10, 80, 30]")
    (problem,) = check_file(write(tmp_path, "bord.toml", text))
    assert "#000000 sur #000000 (bloc « bande »)" in problem.message


def test_missing_image(tmp_path: Path) -> None:
    text = (
        HEAD
        + '\n[[blocs]]\nnom = "logo"\ntype = "image"\nfichier = "logo.png"\nboite = [0, 0, 10, 10]\n'
    )
    (problem,) = check_file(write(tmp_path, "image.toml", text))
    assert problem.key == "blocs.logo.fichier" and "introuvable" in problem.message


def test_inheritance_locates_keys_in_the_right_file(tmp_path: Path) -> None:
    parent_text = HEAD + text_block("a", "[10, 10, 80, 20]") + text_block("b", "[10, 50, 80, 20]")
    write(tmp_path, "parent.toml", parent_text)
    child_text = (
        'herite = "parent"\nnom = "enfant"\n\n[couleurs]\nnoir = "#112233"\n\n'
        '[[blocs]]\nnom = "a"\ntaille_max = 30\n\n[[blocs]]\nnom = "b"\nsupprimer = true\n'
        '\n[[blocs]]\nnom = "c"\ntype = "texte"\ntexte = "x"\npolice = "Manrope-Bold"\nboite = [0, 80, 200, 10]\n'
        "taille_max = 10\n"
    )
    child = write(tmp_path, "enfant.toml", child_text)
    problems = check_file(child)
    assert [(p.file, p.line, p.key) for p in problems] == [
        (child, line_of(child_text, "boite = [0, 80"), "blocs.c.boite")
    ]
    fixed = write(
        tmp_path, "enfant.toml", child_text.replace("[0, 80, 200, 10]", "[0, 80, 100, 10]")
    )
    layout = load_layout(fixed)
    assert [b.name for b in layout.blocks] == ["a", "c"]
    assert layout.blocks[0].size_max == 30 and layout.blocks[0].color.hex == "#112233"
    assert layout.extends == "parent" and layout.files[1].name == "parent.toml"
    # a problem in an inherited key points at the parent's line
    broken_parent = parent_text.replace("Manrope-Bold", "Absente", 1)
    write(tmp_path, "parent.toml", broken_parent)
    (problem,) = check_file(fixed)
    assert (problem.file.name, problem.line, problem.key) == (
        "parent.toml",
        line_of(broken_parent, "Absente"),
        "blocs.a.police",
    )


def test_inheritance_cycle(tmp_path: Path) -> None:
    write(tmp_path, "un.toml", 'herite = "deux"\n')
    path = write(tmp_path, "deux.toml", 'herite = "un"\n')
    (problem,) = check_file(path)
    assert problem.key == "herite" and "circulaire" in problem.message and problem.line == 1


def test_user_layout_of_same_name_wins_and_can_inherit_the_builtin(
    in_tmp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "layouts").mkdir()
    write(in_tmp / "layouts", "affiche-a3.toml", 'herite = "affiche-a3"\nfond = "#FFFFFF"\n')
    assert available_layouts()["affiche-a3"] == (in_tmp / "layouts" / "affiche-a3.toml").resolve()
    layout = load_layout("affiche-a3")
    assert layout.background.hex == "#FFFFFF" and len(layout.blocks) > 5
    catalog = layout_catalog()
    assert catalog["affiche-a3"][1] == builtin_layouts_dir() / "affiche-a3.toml"
    # precedence: --dossier-gabarits, then $AFFICHES_GABARITS, then ./layouts
    env_dir, cli_dir = tmp_path / "env", tmp_path / "cli"
    env_dir.mkdir(), cli_dir.mkdir()
    write(env_dir, "affiche-a3.toml", 'herite = "affiche-a3"\nfond = "#000000"\n')
    write(cli_dir, "affiche-a3.toml", 'herite = "affiche-a3"\nfond = "#FF0000"\n')
    monkeypatch.setenv("AFFICHES_GABARITS", str(env_dir))
    assert load_layout("affiche-a3").background.hex == "#000000"
    assert load_layout("affiche-a3", [cli_dir]).background.hex == "#FF0000"
    result = CliRunner().invoke(cli, ["gabarits", "liste", "--dossier-gabarits", str(cli_dir)])
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("affiche-a3\t"))
    assert f"utilisateur ({cli_dir / 'affiche-a3.toml'})" in line
    assert "(masque intégré)" in result.stdout


def test_fonts_from_the_layout_folder_and_user_fonts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    font = builtin_layouts_dir().parent / "assets" / "fonts" / "Manrope-Bold.ttf"
    fonts = tmp_path / "mes-polices"
    fonts.mkdir()
    (fonts / "MaPolice.ttf").write_bytes(font.read_bytes())
    text = HEAD + text_block("a", "[10, 10, 80, 20]").replace("Manrope-Bold", "MaPolice")
    path = write(tmp_path, "perso.toml", text)
    (problem,) = check_file(path)
    assert problem.key == "blocs.a.police"
    monkeypatch.setenv("AFFICHES_POLICES", str(fonts))
    assert check_file(path) == []
    monkeypatch.delenv("AFFICHES_POLICES")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "MaPolice.ttf").write_bytes(font.read_bytes())
    assert check_file(path) == []
    (block,) = load_layout(path).blocks
    assert isinstance(block, TextBlock)
    assert block.font_file == (tmp_path / "fonts" / "MaPolice.ttf").resolve()


def test_unreadable_font_is_found_when_the_layout_is_loaded(tmp_path: Path) -> None:
    """Fonts are read with the layout: a broken font is a problem at its ``police`` line,
    not a failure later while composing."""
    (tmp_path / "Casse.ttf").write_bytes(b"not a font")
    text = HEAD + text_block("a", "[10, 10, 80, 20]").replace("Manrope-Bold", "Casse")
    path = write(tmp_path, "casse.toml", text)
    (problem,) = check_file(path)
    assert (problem.line, problem.key) == (line_of(text, 'police = "Casse"'), "blocs.a.police")
    assert problem.message.startswith("police illisible : ")
    with pytest.raises(LayoutError) as info:
        load_layout(path)
    assert str(info.value).startswith("casse.toml : blocs.a.police : police illisible : ")


def test_line_scanner_handles_tables_and_multiline_strings() -> None:
    text = 'a = 1\ntexte = """\nb = 2\n"""\n[couleurs]\nnoir = "#000"\n[[blocs]]\nnom = "x"\n[[blocs]]\n"nom" = "y"\n'
    index = index_lines(text)
    assert index.top == {"a": 1, "texte": 2}
    assert index.table_keys["couleurs"] == {"noir": 6}
    assert index.blocks == [(7, {"nom": 8}), (9, {"nom": 10})]


def test_builtin_layouts_pass_every_check() -> None:
    for name, path in available_layouts().items():
        assert check_layout_file(path) == [], name


def test_schema_matches_the_keys_the_code_knows() -> None:
    schema = json.loads((builtin_layouts_dir() / "gabarit.schema.json").read_text(encoding="utf-8"))
    assert set(schema["properties"]) == TOP_KEYS - {"_parent"}
    variants = {
        v["if"]["properties"]["type"]["const"]: v["then"]["properties"]
        for v in schema["properties"]["blocs"]["items"]["allOf"]
    }
    assert {kind: set(props) for kind, props in variants.items()} == BLOCK_KEYS
    jsonschema = pytest.importorskip("jsonschema")
    import tomllib

    for path in builtin_layouts_dir().glob("*.toml"):
        jsonschema.validate(tomllib.loads(path.read_text(encoding="utf-8")), schema)

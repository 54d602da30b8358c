"""The restricted template formatter (issue 9): plain fields and bounded specs only."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from affiches.cli.main import cli
from affiches.compose import fill_template
from affiches.errors import LayoutError, TemplateError
from affiches.limits import MAX_BLOCK_TEXT_CHARS, MAX_TEMPLATE_WIDTH
from affiches.text.template import field_names, literal, parse, render

REFUSED = [
    ("{x_a.__class__}", "seul un nom de variable est permis"),
    ("{x_a.__class__.__base__.__subclasses__}", "seul un nom de variable est permis"),
    ("{x_a[0]}", "seul un nom de variable est permis"),
    ("{0}", "seul un nom de variable est permis"),
    ("{}", "champ sans nom"),
    ("{x_a!r}", "pas de conversion"),
    ("{x_a:{x_b}}", "format permis"),
    ("{x_a:X>30000000}", f"largeur 30000000, {MAX_TEMPLATE_WIDTH} au plus"),
    ("{x_a:.99999}", f"largeur 99999, {MAX_TEMPLATE_WIDTH} au plus"),
    ("{x_a:,d}", "format permis"),
    ("{ville", "accolades déséquilibrées"),
]


@pytest.mark.parametrize(("template", "reason"), REFUSED)
def test_attribute_index_conversion_and_huge_widths_are_refused(template: str, reason: str) -> None:
    with pytest.raises(TemplateError, match=reason.replace("(", r"\(").replace("[", r"\[")):
        parse(template)
    with pytest.raises(LayoutError, match="bloc « b »"):
        fill_template(template, {"x_a": "a", "x_b": "5", "ville": "Lyon"}, "gabarit g, bloc « b »")


def test_allowed_specs_pad_and_cut() -> None:
    assert render("{x_code:>5}|{x_nom:.3}|{x_a:*^7}|{ville}", {"x_code": "42", "x_nom": "Lyonnais",
                                                           "x_a": "ab", "ville": "Lyon"}) \
        == "   42|Lyo|**ab***|Lyon"
    assert render("{{littéral}} {x_absent}", {}) == "{littéral} "
    assert literal("Pas de VSA {a_ville} !") == "Pas de VSA  !"
    assert field_names("{a} {b:>3} {{c}}") == ["a", "b"]


def test_unknown_non_x_variable_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="ville"):
        render("{ville}", {})
    with pytest.raises(LayoutError, match="variable inconnue {ville}"):
        fill_template("{ville}", {}, "g")


def test_values_are_printed_as_their_text_only() -> None:
    class Sneaky:
        def __format__(self, spec: str) -> str:  # pragma: no cover - must never be called
            raise AssertionError("format reached the object")

        def __str__(self) -> str:
            return "texte"

    assert render("{x_a:>6}", {"x_a": Sneaky()}) == " texte"


def test_a_block_text_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(LayoutError, match=f"texte trop long \\({MAX_BLOCK_TEXT_CHARS + 1} caractères"):
        fill_template("{x_a}", {"x_a": "a" * (MAX_BLOCK_TEXT_CHARS + 1)}, "g")


names = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
specs = st.one_of(st.just(""), st.from_regex(r"[<>^]?[0-9]{1,2}(\.[0-9]{1,2})?", fullmatch=True))
literals = st.text(alphabet=st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)),
                   max_size=10)


@given(st.lists(st.tuples(literals, names, specs, st.text(max_size=12)), max_size=6))
def test_allowed_templates_render_as_python_format_does(parts: list[tuple[str, str, str, str]]) -> None:
    template = "".join(text + "{" + name + (":" + spec if spec else "") + "}"
                       for text, name, spec, _value in parts)
    variables = {name: value for _text, name, _spec, value in parts}
    assert render(template, variables) == template.format_map(variables)


@given(names, st.sampled_from([".", "[", "!"]), st.text(max_size=10))
def test_anything_but_a_name_is_refused(name: str, sep: str, rest: str) -> None:
    template = "{" + name + sep + rest.replace("{", "").replace("}", "") + "}"
    with pytest.raises(TemplateError):
        parse(template)


def test_verifier_refuses_attribute_access(in_tmp: Path, runner: CliRunner) -> None:
    Path("t.toml").write_text(
        'nom = "t"\nmateriel = "affiche"\nunite = "mm"\nlargeur = 100\nhauteur = 100\n'
        'fond = "#FFFFFF"\n\n[[blocs]]\nnom = "a"\ntype = "texte"\ntexte = "{x_a.__class__}"\n'
        'police = "Manrope-Bold"\ncouleur = "#000000"\nboite = [0, 0, 100, 50]\ntaille_max = 20\n'
        'taille_min = 6\n', encoding="utf-8")
    result = runner.invoke(cli, ["gabarits", "verifier", "t.toml"])
    assert result.exit_code == 1
    assert ("t.toml:11: blocs.a.texte: champ « {x_a.__class__} » refusé : seul un nom de variable "
            "est permis (ni point, ni crochets, ni espace)") in result.output
    result = runner.invoke(cli, ["affiche", "Lyon", "-g", "t.toml", "-o", "sortie"])
    assert result.exit_code == 1
    assert result.stderr == ("Erreur : t.toml : blocs.a.texte : champ « {x_a.__class__} » refusé : seul un "
                             "nom de variable est permis (ni point, ni crochets, ni espace)\n")
    assert not Path("sortie").exists()


def test_letter_layouts_use_the_restricted_formatter_too(tmp_path: Path) -> None:
    from affiches.letters.compose import fill
    from affiches.letters.layout import check_letter_layout, is_letter_layout

    source = Path(__file__).parents[1] / "layouts" / "lettres" / "lettre-maire.toml"
    text = source.read_text(encoding="utf-8")
    hostile = tmp_path / "lettre.toml"
    hostile.write_text(text.replace('objet = "', 'objet = "{x_a.__class__} ', 1), encoding="utf-8")
    problems = check_letter_layout(hostile)
    assert any("champ « {x_a.__class__} » refusé" in p for p in problems), problems
    with pytest.raises(LayoutError, match="refusé"):
        fill("{x_a.__class__}", {"x_a": "a"}, "lettre")
    deep = tmp_path / "profond.toml"
    deep.write_text('type = "lettre"\nx = ' + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert not is_letter_layout(deep)
    assert check_letter_layout(deep) == [f"{deep} : tableaux ou tables imbriqués sur plus de 16 niveaux ; "
                                         "simplifiez le fichier"]

"""Composition (affiches.compose): golden scenes, geometry, errors.

Golden files: ``tests/golden/<layout>-saint-etienne.txt`` hold ``dump_scene`` of the
three built-in layouts for Saint-Étienne. After a deliberate change of a layout or of
the fitting, regenerate them with ``AFFICHES_REGOLDEN=1 python -m pytest
tests/test_compose.py`` and read the diff before committing it.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import os
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from affiches.city.communes import iter_communes, resolve_city
from affiches.cli.main import cli
from affiches.compose import COMPOSERS, compose
from affiches.errors import FitError, GlyphError
from affiches.gabarits import BLOCK_TYPES, TextBlock, available_layouts, load_layout
from affiches.jobs.kit import KitOptions, template_variables
from affiches.render.dump import dump_scene
from affiches.scene import Line, QRCode, Rect, TextLine
from affiches.text import fonts

BUILTIN = ("affiche-a3", "tract-a5", "visuel-carre")
NBSP, NNBSP = "\u00a0", "\u202f"
EPS = 0.01
GOLDEN = Path(__file__).resolve().parent / "golden"
REGOLDEN = os.environ.get("AFFICHES_REGOLDEN") == "1"


def variables(city: str, **options: str) -> dict[str, str]:
    return template_variables(resolve_city(city), KitOptions(**options))  # type: ignore[arg-type]


def longest_commune() -> str:
    return max((c.nom for c in iter_communes()), key=len)


# ------------------------------------------------------------------- golden


@pytest.mark.parametrize("name", BUILTIN)
def test_golden_scene(name: str) -> None:
    dump = dump_scene(compose(load_layout(name), variables("Saint-Étienne")))
    golden = GOLDEN / f"{name}-saint-etienne.txt"
    if REGOLDEN:
        golden.write_text(dump, encoding="utf-8")
    assert golden.is_file(), f"missing {golden}: run with AFFICHES_REGOLDEN=1"
    assert dump == golden.read_text(encoding="utf-8")


def test_golden_files_say_what_they_should() -> None:
    """Guards against a regenerated golden file nobody read."""
    affiche = (GOLDEN / "affiche-a3-saint-etienne.txt").read_text(encoding="utf-8")
    assert affiche.startswith("scene 841.89x1190.55pt pages=1 ")
    assert "title='Pas de VSA à Saint-Étienne — affiche'" in affiche
    assert "'SAINT-'" in affiche and "'ÉTIENNE'" in affiche
    # dump_scene writes texts with repr(): no-break spaces appear as escapes.
    assert "public\\xa0:" in affiche and "«\\u202fanormaux\\u202f»" in affiche
    assert "modules=33 quiet=4 'https://laquadrature.net/pasdevsadansmaville'" in affiche
    tract = (GOLDEN / "tract-a5-saint-etienne.txt").read_text(encoding="utf-8")
    assert tract.startswith("scene 419.53x595.28pt pages=2 ")
    assert "page 2\n" in tract and tract.count("  qr ") == 2
    assert "à Saint-Étienne\\u202f!" in tract and "s’engager" in tract
    assert "Place de l’Hôtel-de-Ville, 42000 Saint-Étienne" in tract
    visuel = (GOLDEN / "visuel-carre-saint-etienne.txt").read_text(encoding="utf-8")
    assert visuel.startswith("scene 810.00x810.00pt pages=1 background=#FFD400 pixels=(1080, 1080)")
    assert "'#pasdeVSAdansmaville'" in visuel


# ------------------------------------------------------------------- geometry

CITIES = ["Saint-Étienne", "Le Mans", "Lyon", "Y", "Châtenay-Malabry", "L'Haÿ-les-Roses",
          "Saint-Martin d'Hères"]


@pytest.mark.parametrize("name", BUILTIN)
@pytest.mark.parametrize("city", [*CITIES, "longest"])
def test_everything_stays_inside_page_and_boxes(name: str, city: str) -> None:
    layout = load_layout(name)
    if city == "longest":
        city = longest_commune()
    scene = compose(layout, variables(city, collectif="Technopolice Saint-Étienne",
                                      contact="contact@exemple.org"))
    assert len(scene.pages) == layout.pages
    boxes = {b.name: b.box.scaled(layout.to_pt) for b in layout.blocks}
    for page in scene.pages:
        for item in page.items:
            if isinstance(item, TextLine):
                box = boxes[item.block]
                assert box.x - EPS <= item.x, item
                assert item.x + item.width <= box.x + box.width + EPS, item
                assert box.y - EPS <= item.baseline <= box.y + box.height + EPS, item
                # Kerned chunks rebuild the line and never run past its width.
                assert "".join(c for _, c in item.chunks) == item.text
                assert item.chunks[0][0] == 0
                assert all(dx <= item.width + EPS for dx, _ in item.chunks)
            elif isinstance(item, (Rect, QRCode)):
                w = item.width if isinstance(item, Rect) else item.size
                h = item.height if isinstance(item, Rect) else item.size
                assert item.x >= -EPS and item.x + w <= scene.width + EPS
                assert item.y >= -EPS and item.y + h <= scene.height + EPS
            elif isinstance(item, Line):
                assert min(item.x1, item.x2) >= 0 and max(item.x1, item.x2) <= scene.width


def test_longest_commune_name_is_the_one_expected() -> None:
    # Checked against the data rather than assumed.
    assert longest_commune() == "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"


@pytest.mark.parametrize("name", BUILTIN)
def test_longest_commune_keeps_its_whole_name(name: str) -> None:
    city = longest_commune()
    scene = compose(load_layout(name), variables(city))
    lines = [t.text for t in scene.texts() if t.block == "ville"]
    assert "".join(lines) == city.upper()  # broken only after hyphens, nothing lost


def test_text_lines_of_a_block_do_not_overlap() -> None:
    layout = load_layout("affiche-a3")
    scene = compose(layout, variables("Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"))
    lines = [t for t in scene.texts() if t.block == "ville"]
    assert len(lines) >= 2
    for above, below in zip(lines, lines[1:], strict=False):
        assert below.baseline - above.baseline >= 0.9 * above.size


def test_compose_is_deterministic() -> None:
    layout = load_layout("tract-a5")
    first = dump_scene(compose(layout, variables("Lyon")))
    assert dump_scene(compose(layout, variables("Lyon"))) == first


def test_compose_reads_no_file() -> None:
    """Fonts are resolved when a layout is loaded: compose itself opens and stats nothing."""
    layouts = [load_layout(name) for name in available_layouts()]
    for layout in layouts:  # warm-up: lazy imports of compose's libraries happen here
        compose(layout, variables("Lyon"))
    # Forget every font lookup and load: compose must not need them again.
    fonts.forget_fonts()
    # A city, an event and an address never composed before: no cached fit or QR code.
    fresh = variables(
        "Pont-Saint-Esprit",
        collectif="Collectif Pont",
        contact="pont@exemple.org",
        url="https://exemple.org/une-adresse-jamais-vue",
    )
    fresh.update(evenement="Rassemblement samedi 16 mai, 13 h", date="16 mai", heure="13 h",
                 lieu="place de la mairie")
    calls: list[str] = []

    def spy(module: object, name: str) -> object:
        real = getattr(module, name)

        def recorded(*args: object, **kwargs: object) -> object:
            calls.append(f"{name}{args[:1]}")
            return real(*args, **kwargs)

        return mock.patch.object(module, name, recorded)

    spied = [(builtins, "open"), (io, "open"), (os, "open"), (os, "stat"), (os, "lstat"),
             (os, "listdir"), (os, "scandir")]
    with contextlib.ExitStack() as stack:
        for module, name in spied:
            stack.enter_context(spy(module, name))  # type: ignore[arg-type]
        Path(__file__).is_file()  # the spies do see pathlib's stats and reads
        Path(__file__).read_bytes()
        seen = list(calls)
        calls.clear()
        scenes = [compose(layout, fresh) for layout in layouts]
    assert any(c.startswith("stat") for c in seen) and any("open" in c for c in seen)
    assert calls == []
    assert len(scenes) == len(layouts) >= 9
    assert any("PONT-SAINT-ESPRIT" in t.text or "Pont-Saint-Esprit" in t.text
               for scene in scenes for t in scene.texts())
    assert any(isinstance(p, QRCode) and p.data == "https://exemple.org/une-adresse-jamais-vue"
               for scene in scenes for page in scene.pages for p in page.items)


def test_every_block_type_has_a_composer() -> None:
    """A block type added to the parsers' table must be composed too (and nothing else is)."""
    assert {block_type.model for block_type in BLOCK_TYPES.values()} == set(COMPOSERS)
    for layout in (load_layout(name) for name in available_layouts()):
        for block in layout.blocks:
            assert type(block) is BLOCK_TYPES[block.kind].model


def test_text_blocks_carry_their_resolved_font() -> None:
    for name in available_layouts():
        for block in load_layout(name).blocks:
            if isinstance(block, TextBlock):
                assert block.font_file.is_file() and block.font_file.stem == block.font
                assert block.metrics.path == block.font_file


def test_conditional_blocks() -> None:
    layout = load_layout("affiche-a3")
    without = compose(layout, variables("Lyon"))
    assert not [t for t in without.texts() if t.block == "signature"]
    values = variables("Lyon", collectif="Technopolice Lyon", contact="a@b.fr")
    with_signature = compose(layout, values)
    (line,) = [t for t in with_signature.texts() if t.block == "signature"]
    assert line.text == "Technopolice Lyon — a@b.fr"
    assert with_signature.author == "Technopolice Lyon"


# ------------------------------------------------------------------- errors

TINY = """\
nom = "minuscule"
unite = "mm"
largeur = 100
hauteur = 100

[[blocs]]
nom = "ville"
type = "texte"
texte = "{ville_maj}"
police = "RobotoCondensed-Bold"
boite = [10, 10, 10, 5]
taille_max = 60
taille_min = 40
"""


def test_fit_error_names_layout_block_and_text(tmp_path: Path) -> None:
    path = tmp_path / "minuscule.toml"
    path.write_text(TINY, encoding="utf-8")
    with pytest.raises(FitError) as info:
        compose(load_layout(path), variables("Saint-Étienne"))
    assert str(info.value) == (
        "gabarit minuscule, bloc « ville » : le texte « SAINT-ÉTIENNE » ne tient pas dans sa "
        "boîte (10 × 5 mm), même en 40 pt sur 1 ligne(s) ; raccourcissez le texte ou "
        "agrandissez la boîte"
    )


def test_fit_error_through_cli_writes_nothing(in_tmp: Path, runner: CliRunner) -> None:
    path = in_tmp / "minuscule.toml"
    path.write_text(TINY, encoding="utf-8")
    result = runner.invoke(cli, ["kit", "Saint-Étienne", "-g", f"affiche={path}", "-o", "sortie"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Erreur : gabarit minuscule, bloc « ville » : le texte « SAINT-ÉTIENNE »"
    )
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    # The flyer and the visual composed fine, but nothing is written when one fails.
    assert not Path("sortie").exists()


def test_glyph_error_from_compose() -> None:
    layout = load_layout("affiche-a3")
    values = variables("Lyon")
    values["ville_maj"] = "LYON ☃"
    with pytest.raises(GlyphError) as info:
        compose(layout, values)
    assert str(info.value) == (
        "gabarit affiche-a3, bloc « ville » : le caractère « ☃ » (U+2603) n’existe pas dans la "
        "police RobotoCondensed-Bold ; retirez-le du texte ou choisissez une autre police"
    )


def test_text_blocks_of_builtins_use_bundled_fonts() -> None:
    for name in BUILTIN:
        for block in load_layout(name).blocks:
            if isinstance(block, TextBlock):
                assert block.font.split("-")[0] in ("Manrope", "RobotoCondensed")

"""Loading a layout: from a merged TOML table to a checked, immutable ``Layout``.

Contract:
- ``load_layout(name_or_path, user_dirs)`` finds the file (``gabarits.discovery``),
  merges its inheritance (``gabarits.inherit``), checks every key (top level here,
  blocks in ``gabarits.parsers``) and returns a ``Layout`` whose geometry is in the
  layout's own unit (``"50%"`` in a box is converted here) and whose text blocks carry
  their resolved fonts. Any problem raises ``LayoutError`` with a one-line French
  message naming the file, the key, the line and the fix (the first problem, and how
  many others ``affiches gabarits verifier`` would list).
- ``check_file(path)`` lists every problem at once as ``Problem`` values, in file
  order: structural problems; when there are none, the design checks
  (``gabarits.checks.DESIGN_CHECKS``) and the caller's ``extra_checks``.
- ``block_location`` gives the file and line of a block's key after inheritance.
Nothing here measures text or draws: see ``compose`` and ``designer``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from affiches.errors import LayoutError
from affiches.gabarits.checks import design_problems
from affiches.gabarits.discovery import find_layout
from affiches.gabarits.fields import Collector, FieldReader, parse_color, suggest
from affiches.gabarits.inherit import ParseFailure, merge
from affiches.gabarits.model import UNITS_TO_PT, Block, Layout, Problem
from affiches.gabarits.parsers import build_block
from affiches.limits import MAX_LAYOUT_BLOCKS, MAX_LAYOUT_PAGES, MAX_MM_SIDE, MAX_PX_AREA, MAX_PX_SIDE

MATERIALS = ("affiche", "tract", "visuel", "autocollant", "banniere", "autre")
FORMATS = ("pdf", "png")
SCHEMA_FILE = "gabarit.schema.json"
# Plausible page sizes: beyond these, the unit is probably wrong (limits: affiches.limits).
MIN_PX_SIDE = 200

TOP_KEYS = {
    "nom",
    "description",
    "materiel",
    "format",
    "unite",
    "largeur",
    "hauteur",
    "pages",
    "fond",
    "couleurs",
    "blocs",
    "texte_alternatif",
    "titre",
    "herite",
    "_parent",
    "$schema",
}


def build_layout(
    data: Mapping[str, Any], path: Path, out: Collector, files: Sequence[Path] = ()
) -> Layout:
    top = FieldReader(data, (), out)
    top.unknown_keys(TOP_KEYS, "")
    unit = data.get("unite", "mm")
    if unit not in UNITS_TO_PT:
        top.add(
            "unite",
            f"« {unit} » inconnue{suggest(str(unit), list(UNITS_TO_PT))} ; attendu mm, pt ou px",
        )
        unit = "mm"
    unit_hint = f"en {unit}, l’unité du gabarit"
    material = top.choice("materiel", MATERIALS, "autre")
    output_format = top.choice("format", FORMATS, "png" if unit == "px" else "pdf")
    width = top.number("largeur", minimum=1, unit_hint=unit_hint)
    height = top.number("hauteur", minimum=1, unit_hint=unit_hint)
    if unit == "mm" and max(width, height) > MAX_MM_SIDE:
        top.add(
            "largeur" if width >= height else "hauteur",
            f"{max(width, height):g} mm, soit plus de {MAX_MM_SIDE // 1000} m : "
            'ces nombres sont-ils des pixels ? écrivez unite = "px" ou convertissez en mm',
        )
    if unit == "px" and 0 < max(width, height) < MIN_PX_SIDE:
        top.add(
            "largeur" if width >= height else "hauteur",
            f"{width:g} × {height:g} px, c’est une vignette : ces nombres sont-ils des "
            'millimètres ? écrivez unite = "mm"',
        )
    if unit == "px" and (max(width, height) > MAX_PX_SIDE or width * height > MAX_PX_AREA):
        top.add(
            "largeur" if width >= height else "hauteur",
            f"{width:g} × {height:g} px : au plus {MAX_PX_SIDE} px de côté et "
            f"{MAX_PX_AREA // 1_000_000} millions de pixels ; réduisez la page",
        )
        width, height = min(width, MAX_PX_SIDE), min(height, MAX_PX_SIDE)
    if unit == "pt" and max(width, height) > MAX_MM_SIDE * UNITS_TO_PT["mm"]:
        top.add("largeur" if width >= height else "hauteur",
                f"{max(width, height):g} pt, soit plus de {MAX_MM_SIDE // 1000} m ; réduisez la page")
    pages = int(top.number("pages", default=1, minimum=1, integer=True))
    if pages > MAX_LAYOUT_PAGES:
        top.add("pages", f"{pages} pages, {MAX_LAYOUT_PAGES} au plus ; faites plusieurs gabarits")
        pages = MAX_LAYOUT_PAGES
    for key in ("nom", "description", "titre", "texte_alternatif", "$schema"):
        if key in data:
            top.text(key)
    named = data.get("couleurs", {})
    if not isinstance(named, Mapping):
        top.add("couleurs", "table attendue ([couleurs])")
        named = {}
    for name, value in named.items():
        messages: list[tuple[str, str]] = []
        if isinstance(value, str) and value in named:
            messages.append(
                ("", f"une couleur nommée doit être une valeur, pas le nom « {value} »")
            )
        else:
            parse_color(value, {}, messages)
        for sub, message in messages:
            out.add(("couleurs", name + sub if sub else name), message)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", str(name)):
            out.add(("couleurs", name), "nom de couleur : lettres, chiffres, - et _ seulement")
    background = top.color("fond", named, "#FFFFFF")
    blocks: list[Block] = []
    raw_blocks = data.get("blocs", [])
    if not isinstance(raw_blocks, list):
        top.add("blocs", "liste de blocs attendue ([[blocs]])")
        raw_blocks = []
    if len(raw_blocks) > MAX_LAYOUT_BLOCKS:
        top.add("blocs", f"{len(raw_blocks)} blocs, {MAX_LAYOUT_BLOCKS} au plus ; regroupez-les")
        raw_blocks = raw_blocks[:MAX_LAYOUT_BLOCKS]
    names_seen: dict[str, int] = {}
    for number, raw in enumerate(raw_blocks):
        if isinstance(raw, Mapping) and isinstance(raw.get("nom"), str):
            out.block_names[number] = raw["nom"]
    folders = [f.parent for f in files] or [path.parent]
    for number, raw in enumerate(raw_blocks):
        block = build_block(raw, number, (width, height, pages), named, folders, out, unit_hint)
        if block is None:
            continue
        if block.name in names_seen:
            out.add(
                ("blocs", number, "nom"),
                f"« {block.name} » est déjà le nom du bloc n° {names_seen[block.name] + 1}",
            )
        names_seen.setdefault(block.name, number)
        blocks.append(block)
    alt_text = top.template("texte_alternatif") if "texte_alternatif" in data else ""
    title = top.template("titre") if "titre" in data else ""
    return Layout(
        name=str(data.get("nom", path.stem)),
        description=str(data.get("description", "")),
        material=material,
        output_format=output_format,
        unit=unit,
        width=width,
        height=height,
        pages=pages,
        background=background,
        blocks=tuple(blocks),
        alt_text=str(alt_text),
        title=str(title),
        source=path,
        folder=path.parent,
        extends=str(data.get("_parent", "")),
        raw=data,
        files=tuple(files) or (path,),
    )


def load_layout(name_or_path: str | Path, extra_dirs: Sequence[Path | str] = ()) -> Layout:
    path = find_layout(str(name_or_path), extra_dirs)
    try:
        data, origins = merge(path, extra_dirs)
    except ParseFailure as exc:
        p = exc.problem
        raise LayoutError(f"{p.file.name}:{p.line} : {p.key} : {p.message}") from None
    collector = Collector(origins)
    layout = build_layout(data, path, collector, origins.files)
    if collector.items:
        first = collector.problems()[0]
        more = len(collector.items) - 1
        tail = (
            f" (ligne {first.line} ; et {more} autre{'s' if more > 1 else ''} "
            f"problème{'s' if more > 1 else ''} : affiches gabarits verifier {path})"
            if more
            else ""
        )
        raise LayoutError(f"{first.file.name} : {first.key} : {first.message}{tail}")
    return layout


def check_file(
    path: Path | str,
    extra_dirs: Sequence[Path | str] = (),
    design: bool = True,
    extra_checks: Sequence[Callable[[Layout], list[tuple[tuple[Any, ...], str]]]] = (),
) -> list[Problem]:
    """Every problem of a layout file, in file order.

    Structural problems first; when there are none, the design checks and then each of
    ``extra_checks`` (a function of the layout returning ``(key path, message)`` pairs,
    key paths as ``("blocs", index, "clé")``), each located at its file and line.
    """
    path = Path(path)
    if not path.is_file():
        reason = "ce n’est pas un fichier ordinaire" if path.exists() else "fichier inexistant"
        return [Problem(path, 1, "fichier", reason)]
    try:
        data, origins = merge(path.resolve(), extra_dirs)
    except ParseFailure as exc:
        return [exc.problem]
    collector = Collector(origins)
    layout = build_layout(data, path.resolve(), collector, origins.files)
    structural = bool(collector.items)
    if design and not structural:
        for keypath, message in design_problems(layout):
            collector.add(keypath, message)
    if not structural:
        for check in extra_checks:
            for keypath, message in check(layout):
                collector.add(keypath, message)
    return _relative(collector.problems(), path)


def block_location(
    path: Path | str, extra_dirs: Sequence[Path | str], block_name: str, key: str
) -> tuple[Path, int, str]:
    """File, line and display key of a block's key (``blocs.NOM.clé``), after inheritance."""
    given = Path(path)
    display = f"blocs.{block_name}.{key}"
    try:
        data, origins = merge(given.resolve(), extra_dirs)
    except ParseFailure:
        return given, 1, display
    blocks = data.get("blocs", [])
    for number, raw in enumerate(blocks if isinstance(blocks, list) else []):
        if isinstance(raw, Mapping) and raw.get("nom") == block_name:
            file, line = origins.locate(("blocs", number, key))
            return (given if file == given.resolve() else file), line, display
    return given, 1, display


def _relative(problems: list[Problem], given: Path) -> list[Problem]:
    """Show the checked file as the user typed it; other files (parents) as they are."""
    resolved = given.resolve()
    return [
        Problem(given if p.file == resolved else p.file, p.line, p.key, p.message) for p in problems
    ]

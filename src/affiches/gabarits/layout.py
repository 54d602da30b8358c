"""Layouts ("gabarits"): TOML files that describe a material as data.

Contract:
- ``find_layout(name_or_path, user_dirs)`` returns the file of a layout: an existing
  ``.toml`` path, or ``NAME.toml`` in the user's folders (first match wins: ``--dossier-
  gabarits`` folders, then ``$AFFICHES_GABARITS``, then ``./layouts/``) and then in the
  built-in ``layouts/``. ``available_layouts`` maps every usable name to its winning file;
  ``layout_catalog`` also says which files a user layout hides.
- ``load_layout(path)`` parses it, applies inheritance (``herite``), validates every key
  and returns an immutable ``Layout`` whose geometry is in the layout's own unit (mm, pt
  or px; ``"50%"`` in a box is converted here). Structural problems raise ``LayoutError``
  with a one-line French message naming the file, the key, the line and the fix.
- ``check_file(path)`` lists every problem at once as ``Problem`` objects (file, line,
  key, message; ``str()`` gives ``fichier:ligne: clé: message``): structural problems,
  then design problems (``design_problems``: content blocks that overlap without
  ``superposable``, text with too little contrast on what lies behind it, QR codes with
  too little contrast). ``layout_problems(path)`` gives the same as ``clé : message``
  strings. tomllib gives no line numbers: lines are found by scanning the TOML text.
- Nothing here measures text or draws: see ``compose`` and ``designer``.

The format is documented for designers in ``docs/gabarits.md``; its JSON Schema is
``layouts/gabarit.schema.json``.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from affiches.color import Color, contrast_ratio
from affiches.errors import LayoutError
from affiches.resources import builtin_layouts_dir
from affiches.scene import MM
from affiches.text.template import field_names, literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

UNITS_TO_PT = {"mm": MM, "pt": 1.0, "px": 0.75}
MATERIALS = ("affiche", "tract", "visuel", "autocollant", "banniere", "autre")
FORMATS = ("pdf", "png")
ALIGNMENTS = {"gauche": "left", "centre": "center", "droite": "right"}
VERTICALS = {"haut": "top", "milieu": "middle", "bas": "bottom"}
ENV_LAYOUT_DIRS = "AFFICHES_GABARITS"
ENV_FONT_DIRS = "AFFICHES_POLICES"
SCHEMA_FILE = "gabarit.schema.json"

# Contrast (WCAG 2): large text needs 3:1, other text 4.5:1. "Large" is 18 pt, or 14 pt
# in a bold face.
CONTRAST_LARGE = 3.0
CONTRAST_SMALL = 4.5
LARGE_TEXT_PT = 18.0
LARGE_BOLD_TEXT_PT = 14.0
BOLD_WORDS = ("bold", "black", "heavy", "gras")
CONTRAST_QR = 4.0

# Plausible page sizes: beyond these, the unit is probably wrong.
MAX_MM_SIDE = 3000
MIN_PX_SIDE = 200

# The variables whose value depends on the commune (the fit report tries them all).
CITY_VARIABLES = (
    "ville",
    "ville_maj",
    "a_ville",
    "a_ville_maj",
    "de_ville",
    "de_ville_maj",
    "ville_officiel",
    "departement",
    "mairie_adresse",
    "mairie_email",
)
# Variables every template may use; values come from the city and the options.
TEMPLATE_VARIABLES = (
    *CITY_VARIABLES,
    "collectif",
    "contact",
    "signature",
    "url",
    "url_courte",
    "hashtag",
    "evenement",
    "date",
    "heure",
    "lieu",
)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    def scaled(self, factor: float) -> Box:
        return Box(self.x * factor, self.y * factor, self.width * factor, self.height * factor)

    def intersection_area(self, other: Box) -> float:
        w = min(self.x + self.width, other.x + other.width) - max(self.x, other.x)
        h = min(self.y + self.height, other.y + other.height) - max(self.y, other.y)
        return w * h if w > 0 and h > 0 else 0.0

    def contains(self, other: Box, eps: float = 1e-6) -> bool:
        return (
            other.x >= self.x - eps
            and other.y >= self.y - eps
            and other.x + other.width <= self.x + self.width + eps
            and other.y + other.height <= self.y + self.height + eps
        )


@dataclass(frozen=True)
class Block:
    """Fields common to every block."""

    name: str
    kind: str
    box: Box
    page: int = 1
    condition: str = ""  # variable that must be non-empty ("!var": must be empty)
    overlap: bool | tuple[str, ...] = False  # ``superposable``: True, or names allowed
    index: int = 0  # position in the merged ``blocs`` list (0-based)


@dataclass(frozen=True)
class TextBlock(Block):
    template: str = ""
    font: str = ""
    color: Color = Color((0, 0, 0))
    align: str = "left"
    valign: str = "top"
    size_max: float = 12
    size_min: float = 6
    max_lines: int = 1
    line_height: float = 1.2
    uppercase: bool = False
    balance: bool = True


@dataclass(frozen=True)
class QRBlock(Block):
    data: str = "{url}"
    dark: Color = Color((0, 0, 0))
    light: Color = Color((1, 1, 1))
    quiet_zone: int = 4


@dataclass(frozen=True)
class ShapeBlock(Block):
    shape: str = "rect"  # rect | ellipse | line
    fill: Color | None = None
    stroke: Color | None = None
    stroke_width: float = 0


@dataclass(frozen=True)
class ImageBlock(Block):
    path: Path = Path()


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    material: str
    output_format: str
    unit: str
    width: float
    height: float
    pages: int
    background: Color
    blocks: tuple[Block, ...]
    alt_text: str = ""
    title: str = ""
    source: Path | None = None
    folder: Path | None = None
    extends: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    files: tuple[Path, ...] = ()  # the layout file, then the files it inherits from

    @property
    def to_pt(self) -> float:
        """How many points one layout unit is."""
        return UNITS_TO_PT[self.unit]

    @property
    def font_to_pt(self) -> float:
        """How many points one font-size unit is (pt for print layouts, px for screen)."""
        return 0.75 if self.unit == "px" else 1.0

    def search_dirs(self) -> list[Path]:
        """Where fonts and images are looked for, before the bundled ones."""
        folders = [p.parent for p in self.files] or ([self.folder] if self.folder else [])
        return _unique([*folders, *user_font_dirs()])


def _unique(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p not in out:
            out.append(p)
    return out


def user_font_dirs() -> list[Path]:
    """Folders named by ``$AFFICHES_POLICES`` (separated like PATH)."""
    return [Path(e) for e in os.environ.get(ENV_FONT_DIRS, "").split(os.pathsep) if e]


@dataclass(frozen=True)
class Problem:
    """One problem of a layout file, at a line. ``str()``: ``fichier:ligne: clé: message``."""

    file: Path
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.message}"


# ----------------------------------------------------------------- finding files


def user_layout_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    """User folders looked at before the built-ins, in order of precedence."""
    dirs = [Path(d) for d in extra]
    for entry in os.environ.get(ENV_LAYOUT_DIRS, "").split(os.pathsep):
        if entry:
            dirs.append(Path(entry))
    dirs.append(Path.cwd() / "layouts")
    seen: list[Path] = []
    builtin = builtin_layouts_dir().resolve()
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen and d.resolve() != builtin:
            seen.append(d.resolve())
    return seen


def layout_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    return [*user_layout_dirs(extra), builtin_layouts_dir()]


def available_layouts(extra: Sequence[Path | str] = ()) -> dict[str, Path]:
    """Every layout name that can be used, mapped to the file that wins."""
    return {name: files[0] for name, files in layout_catalog(extra).items()}


def layout_catalog(extra: Sequence[Path | str] = ()) -> dict[str, list[Path]]:
    """Every layout name mapped to all its files, the winning one first (sorted by name)."""
    found: dict[str, list[Path]] = {}
    for folder in layout_dirs(extra):
        for path in sorted(folder.glob("*.toml")):
            found.setdefault(path.stem, []).append(path)
    return dict(sorted(found.items()))


def is_builtin(path: Path) -> bool:
    return path.resolve().parent == builtin_layouts_dir().resolve()


def find_layout(name_or_path: str, extra_dirs: Sequence[Path | str] = ()) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or os.sep in name_or_path:
        if candidate.is_file():
            return candidate.resolve()
        raise LayoutError(f"gabarit introuvable : fichier « {name_or_path} » inexistant")
    layouts = available_layouts(extra_dirs)
    if name_or_path in layouts:
        return layouts[name_or_path]
    close = difflib.get_close_matches(name_or_path, list(layouts), n=1)
    hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
    raise LayoutError(
        f"gabarit inconnu : « {name_or_path} »{hint} (gabarits disponibles : "
        f"{', '.join(sorted(layouts))} ; voir « affiches gabarits liste »)"
    )


# ----------------------------------------------------------------- line numbers


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_$-]+)\s*(?:\.|=)""")


@dataclass
class LineIndex:
    """Lines of the keys of one TOML file (1-based), found by scanning its text."""

    top: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)  # "[couleurs]" header lines
    table_keys: dict[str, dict[str, int]] = field(default_factory=dict)
    blocks: list[tuple[int, dict[str, int]]] = field(default_factory=list)  # [[blocs]]

    def block_line(self, number: int, key: str | None = None) -> int | None:
        if not 0 <= number < len(self.blocks):
            return None
        header, keys = self.blocks[number]
        return keys.get(key, header) if key else header


def index_lines(text: str) -> LineIndex:
    index = LineIndex()
    section: tuple[str, str] = ("", "")  # (kind, name): ("", "") top, ("table", n), ("blocs", "")
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header:
            name = header.group(2).strip().strip('"')
            if header.group(1) == "[[" and name == "blocs":
                index.blocks.append((number, {}))
                section = ("blocs", "")
            else:
                index.tables[name] = number
                index.table_keys.setdefault(name, {})
                section = ("table", name)
            continue
        match = _KEY.match(line)
        if not match:
            continue
        key = match.group(1).strip("\"'")
        rest = line[match.end() :]
        for quote in ('"""', "'''"):
            if rest.count(quote) % 2 == 1:
                in_multiline = quote
        if section[0] == "":
            index.top.setdefault(key, number)
        elif section[0] == "blocs":
            index.blocks[-1][1].setdefault(key, number)
        else:
            index.table_keys[section[1]].setdefault(key, number)
    return index


_LINE_CACHE: dict[Path, tuple[float, LineIndex]] = {}


def _line_index(path: Path) -> LineIndex:
    try:
        mtime = path.stat().st_mtime_ns
        cached = _LINE_CACHE.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        index = index_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return LineIndex()
    _LINE_CACHE[path] = (mtime, index)
    return index


@dataclass
class Origins:
    """Which file (and which ``[[blocs]]`` of it) each merged key comes from."""

    main: Path
    top: dict[str, Path] = field(default_factory=dict)
    colors: dict[str, Path] = field(default_factory=dict)
    # per merged block: (header origin, {key: origin}); an origin is (file, block number)
    blocks: list[tuple[tuple[Path, int], dict[str, tuple[Path, int]]]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # main file first, then its parents

    def locate(self, keypath: tuple[Any, ...]) -> tuple[Path, int]:
        """File and line of a key: ("largeur",), ("couleurs", "jaune"), ("blocs", i, "police")."""
        if keypath and keypath[0] == "blocs" and len(keypath) >= 2 and isinstance(keypath[1], int):
            i = keypath[1]
            if i < len(self.blocks):
                header, keys = self.blocks[i]
                key = keypath[2] if len(keypath) > 2 else None
                file, number = keys.get(key, header) if key else header
                line = _line_index(file).block_line(number, key if key in keys else None)
                return file, line or 1
            return self.main, 1
        if keypath and keypath[0] == "couleurs":
            if len(keypath) > 1 and keypath[1] in self.colors:
                file = self.colors[keypath[1]]
                index = _line_index(file)
                line = index.table_keys.get("couleurs", {}).get(keypath[1]) or index.tables.get(
                    "couleurs"
                )
                if line is None and keypath[1] in index.top:  # dotted form couleurs.x = …
                    line = index.top[keypath[1]]
                return file, line or 1
            file = self.top.get("couleurs", self.main)
            return file, _line_index(file).tables.get("couleurs") or _line_index(file).top.get(
                "couleurs"
            ) or 1
        key = keypath[0] if keypath else ""
        file = self.top.get(key, self.main)
        return file, _line_index(file).top.get(key, 1)


# ----------------------------------------------------------------- parsing


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path} : lecture impossible ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{path} : TOML invalide ({_french_toml_error(str(exc))})") from None


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _french_toml_error(message: str) -> str:
    match = _TOML_AT.search(message)
    text = _TOML_AT.sub("", message).strip()
    if match:
        return f"ligne {match.group(1)}, colonne {match.group(2)} : {text}"
    return text


class _ParseFailure(Exception):
    def __init__(self, file: Path, line: int, key: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(file, line, key, message)


def _read_for_check(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _ParseFailure(path, 1, "fichier", f"lecture impossible ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_AT.search(str(exc))
        line = int(match.group(1)) if match else 1
        raise _ParseFailure(
            path, line, "toml", f"TOML invalide : {_french_toml_error(str(exc))}"
        ) from None


def _merge(
    path: Path, extra_dirs: Sequence[Path | str], chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], Origins]:
    data = _read_for_check(path)
    parent_name = data.get("herite")
    if not parent_name:
        origins = Origins(main=path, files=[path])
        origins.top = {key: path for key in data}
        colors = data.get("couleurs", {})
        origins.colors = {name: path for name in colors} if isinstance(colors, Mapping) else {}
        raw_blocks = data.get("blocs", [])
        if isinstance(raw_blocks, list):
            for number, block in enumerate(raw_blocks):
                keys = block if isinstance(block, Mapping) else {}
                origins.blocks.append(((path, number), {k: (path, number) for k in keys}))
        return data, origins
    line = _line_index(path).top.get("herite", 1)
    if not isinstance(parent_name, str):
        raise _ParseFailure(path, line, "herite", "attendu le nom d’un gabarit entre guillemets")
    try:
        parent_path = find_layout(parent_name, [path.parent, *extra_dirs])
    except LayoutError as exc:
        raise _ParseFailure(path, line, "herite", str(exc)) from None
    if parent_path == path.resolve():
        # A user layout overriding a built-in of the same name inherits from the built-in.
        parent_path = builtin_layouts_dir() / f"{parent_name}.toml"
        if not parent_path.is_file():
            raise _ParseFailure(
                path, line, "herite", f"le gabarit « {parent_name} » hérite de lui-même"
            )
    if parent_path in chain or parent_path == path.resolve():
        raise _ParseFailure(path, line, "herite", f"héritage circulaire via « {parent_name} »")
    parent, origins = _merge(parent_path, extra_dirs, (*chain, path.resolve()))
    merged = {k: v for k, v in parent.items() if k not in ("blocs", "couleurs")}
    merged.update({k: v for k, v in data.items() if k not in ("blocs", "couleurs")})
    for key in data:
        origins.top[key] = path
    parent_colors = parent.get("couleurs", {})
    child_colors = data.get("couleurs", {})
    if isinstance(parent_colors, Mapping) and isinstance(child_colors, Mapping):
        merged["couleurs"] = {**parent_colors, **child_colors}
        for name in child_colors:
            origins.colors[name] = path
    else:
        merged["couleurs"] = child_colors if "couleurs" in data else parent_colors
    parent_blocks = parent.get("blocs", [])
    blocks: list[Any] = [
        dict(b) if isinstance(b, Mapping) else b
        for b in (parent_blocks if isinstance(parent_blocks, list) else [])
    ]
    block_origins = list(origins.blocks)
    index = {
        b.get("nom"): i for i, b in enumerate(blocks) if isinstance(b, Mapping) and b.get("nom")
    }
    child_blocks = data.get("blocs", [])
    if not isinstance(child_blocks, list):
        merged["blocs"] = child_blocks
    else:
        for number, child in enumerate(child_blocks):
            if not isinstance(child, Mapping):
                blocks.append(child)
                block_origins.append(((path, number), {}))
                continue
            name = child.get("nom")
            here = (path, number)
            if name in index:
                i = index[name]
                if child.get("supprimer"):
                    blocks[i] = {}
                else:
                    blocks[i] = {**blocks[i], **child}
                    header, keys = block_origins[i]
                    block_origins[i] = (here, {**keys, **{k: here for k in child}})
            else:
                index[name] = len(blocks)
                blocks.append(dict(child))
                block_origins.append((here, {k: here for k in child}))
        kept = [i for i, b in enumerate(blocks) if b != {}]
        merged["blocs"] = [blocks[i] for i in kept]
        block_origins = [block_origins[i] for i in kept]
    origins.blocks = block_origins
    merged["nom"] = data.get("nom", path.stem)
    origins.top["nom"] = path
    merged["_parent"] = parent_name
    origins.main = path
    origins.files = [path, *origins.files]
    return merged, origins


def merged_data(path: Path, extra_dirs: Sequence[Path | str] = ()) -> dict[str, Any]:
    """The layout's table after inheritance: the parent's keys, overridden by the child's.

    Blocks are merged by ``nom``: a child block with a parent's name updates it
    (``supprimer = true`` removes it), other child blocks are appended.
    """
    try:
        return _merge(path, extra_dirs)[0]
    except _ParseFailure as exc:
        p = exc.problem
        raise LayoutError(f"{p.file.name}:{p.line} : {p.key} : {p.message}") from None


def load_layout(name_or_path: str | Path, extra_dirs: Sequence[Path | str] = ()) -> Layout:
    path = find_layout(str(name_or_path), extra_dirs)
    try:
        data, origins = _merge(path, extra_dirs)
    except _ParseFailure as exc:
        p = exc.problem
        raise LayoutError(f"{p.file.name}:{p.line} : {p.key} : {p.message}") from None
    collector = _Collector(origins)
    layout = _build(data, path, collector, origins.files)
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
        return [Problem(path, 1, "fichier", "fichier inexistant")]
    try:
        data, origins = _merge(path.resolve(), extra_dirs)
    except _ParseFailure as exc:
        return [exc.problem]
    collector = _Collector(origins)
    layout = _build(data, path.resolve(), collector, origins.files)
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
        data, origins = _merge(given.resolve(), extra_dirs)
    except _ParseFailure:
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


def layout_problems(path: Path, extra_dirs: Sequence[Path | str] = ()) -> list[str]:
    """Every problem of a layout file, as ``clé : message`` strings (empty: valid)."""
    return [f"{p.key} : {p.message}" for p in check_file(path, extra_dirs)]


# ----------------------------------------------------------------- validation

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
COMMON_BLOCK_KEYS = {"nom", "type", "boite", "page", "si", "supprimer", "note", "superposable"}
BLOCK_KEYS = {
    "texte": COMMON_BLOCK_KEYS
    | {
        "texte",
        "police",
        "couleur",
        "alignement",
        "vertical",
        "taille_max",
        "taille_min",
        "lignes_max",
        "interligne",
        "majuscules",
        "equilibrer",
    },
    "qr": COMMON_BLOCK_KEYS | {"donnees", "couleur", "fond", "marge_modules"},
    "rect": COMMON_BLOCK_KEYS | {"couleur", "contour", "epaisseur"},
    "ellipse": COMMON_BLOCK_KEYS | {"couleur", "contour", "epaisseur"},
    "ligne": COMMON_BLOCK_KEYS | {"couleur", "epaisseur"},
    "image": COMMON_BLOCK_KEYS | {"fichier"},
}
CONTENT_KINDS = ("texte", "qr", "image")

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_CMYK = re.compile(r"^cmjn\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)$")
_PERCENT = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*%\s*$")
_WITH_UNIT = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(mm|cm|pt|px|%)?\s*$")


class _Collector:
    """Problems keyed by where they are, turned into ``Problem`` with file and line."""

    def __init__(self, origins: Origins | None = None) -> None:
        self.origins = origins
        self.items: list[tuple[tuple[Any, ...], str, str]] = []
        self.block_names: dict[int, str] = {}

    def add(self, keypath: tuple[Any, ...], message: str) -> None:
        self.items.append((keypath, self.display(keypath), message))

    def display(self, keypath: tuple[Any, ...]) -> str:
        if keypath and keypath[0] == "blocs" and len(keypath) > 1 and isinstance(keypath[1], int):
            name = self.block_names.get(keypath[1], f"blocs[{keypath[1] + 1}]")
            label = f"blocs.{name}" if not name.startswith("blocs[") else name
            return ".".join([label, *map(str, keypath[2:])])
        return ".".join(map(str, keypath))

    def problems(self) -> list[Problem]:
        out = []
        for keypath, key, message in self.items:
            if self.origins is None:
                out.append(Problem(Path("?"), 1, key, message))
                continue
            file, line = self.origins.locate(keypath)
            out.append(Problem(file, line, key, message))
        order = {f: i for i, f in enumerate(self.origins.files)} if self.origins else {}
        return sorted(out, key=lambda p: (order.get(p.file, 99), p.line))


def _suggest(key: str, known: Sequence[str] | set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def parse_color(value: Any, named: Mapping[str, Any], where: str, problems: list[str]) -> Color:
    """Colour forms: ``"#RRGGBB"``, ``"#RGB"``, ``"cmjn(c, m, y, k)"`` (percent), a name
    from ``[couleurs]``, or a table ``{ rvb = "#…", cmjn = [c, m, y, k] }``.
    Problems are appended as ``clé : message`` strings."""
    messages: list[tuple[str, str]] = []
    color = _color(value, named, messages)
    problems.extend(f"{where}{sub} : {message}" for sub, message in messages)
    return color


def _color(
    value: Any, named: Mapping[str, Any], messages: list[tuple[str, str]], depth: int = 0
) -> Color:
    if isinstance(value, str) and value in named and depth < 4:
        inner: list[tuple[str, str]] = []
        color = _color(named[value], named if depth < 3 else {}, inner, depth + 1)
        if inner:
            messages.append(("", f"la couleur nommée « {value} » est invalide"))
        return color
    if isinstance(value, str) and _HEX.match(value):
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        rgb = tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
        return Color((rgb[0], rgb[1], rgb[2]))
    if isinstance(value, str) and (m := _CMYK.match(value.strip())):
        parts = [float(v) for v in m.groups()]
        if any(v > 100 for v in parts):
            messages.append(
                ("", f"« {value} » : chaque composante CMJN est un pourcentage de 0 à 100")
            )
        c, mg, y, k = (min(v, 100.0) / 100 for v in parts)
        return Color(_cmyk_to_rgb(c, mg, y, k), (c, mg, y, k))
    if isinstance(value, Mapping) and "rvb" in value:
        for key in value:
            if key not in ("rvb", "cmjn"):
                messages.append(
                    (
                        f".{key}",
                        f"clé inconnue dans une couleur{_suggest(str(key), ['rvb', 'cmjn'])}",
                    )
                )
        base = _color(value["rvb"], named, messages, depth + 1)
        cmyk = value.get("cmjn")
        if cmyk is None:
            return base
        if (
            isinstance(cmyk, list)
            and len(cmyk) == 4
            and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100
                for v in cmyk
            )
        ):
            return Color(base.rgb, (cmyk[0] / 100, cmyk[1] / 100, cmyk[2] / 100, cmyk[3] / 100))
        messages.append((".cmjn", "attendu quatre pourcentages [C, M, J, N] entre 0 et 100"))
        return base
    names = ", ".join(sorted(named)) or "aucune"
    hint = ""
    if isinstance(value, str) and named:
        hint = _suggest(value, list(named))
    if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{6}", value):
        hint = f" ; ajoutez le dièse : « #{value} »"
    messages.append(
        (
            "",
            f"couleur « {value} » invalide{hint} ; attendu #RRVVBB, cmjn(C, M, J, N), "
            f'{{ rvb = "#RRVVBB", cmjn = [C, M, J, N] }} ou une couleur nommée ({names})',
        )
    )
    return Color((0, 0, 0))


def _cmyk_to_rgb(c: float, m: float, y: float, k: float) -> tuple[float, float, float]:
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


def template_fields(template: str) -> list[str]:
    """Variable names a template uses; raises ValueError (a French ``TemplateError``)."""
    return field_names(template)


def template_literal(template: str) -> str:
    """The fixed text of a template (what does not come from variables)."""
    return literal(template)


class _Block:
    """Reads the keys of one block (or of the top level) and reports problems."""

    def __init__(self, data: Mapping[str, Any], prefix: tuple[Any, ...], out: _Collector) -> None:
        self.data = data
        self.prefix = prefix
        self.out = out

    def add(self, key: str | None, message: str) -> None:
        self.out.add((*self.prefix, key) if key else self.prefix, message)

    def number(
        self,
        key: str,
        default: float | None = None,
        minimum: float = 0,
        unit_hint: str = "",
        integer: bool = False,
    ) -> float:
        value = self.data.get(key, default)
        if value is None:
            self.add(key, "valeur obligatoire manquante")
            return 0.0
        if isinstance(value, str) and (m := _WITH_UNIT.match(value)) and unit_hint:
            self.add(
                key,
                f"nombre attendu, sans unité ni guillemets : écrivez {key} = "
                f"{m.group(1).replace(',', '.')} ({unit_hint})",
            )
            return float(m.group(1).replace(",", "."))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(key, f"nombre attendu, trouvé « {value} »")
            return float(default or 0)
        if integer and not float(value).is_integer():
            self.add(key, f"nombre entier attendu, trouvé {value}")
        if value < minimum:
            self.add(key, f"{value:g} est trop petit (minimum {minimum:g})")
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.add(key, f"attendu true ou false (sans guillemets), trouvé « {value} »")
            return default
        return value

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            self.add(key, f"texte entre guillemets attendu, trouvé « {value} »")
            return default
        return value

    def choice(self, key: str, choices: Mapping[str, str] | Sequence[str], default: str) -> str:
        value = self.data.get(key, default)
        if value not in choices:
            listed = ", ".join(choices)
            self.add(
                key, f"« {value} » inconnu{_suggest(str(value), list(choices))} ; attendu {listed}"
            )
            return default
        return str(value)

    def color(self, key: str, named: Mapping[str, Any], default: Any) -> Color:
        messages: list[tuple[str, str]] = []
        color = _color(self.data.get(key, default), named, messages)
        for sub, message in messages:
            self.add(key + sub, message)
        return color

    def template(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            self.add(key, "texte attendu")
            return ""
        try:
            names = template_fields(value)
        except ValueError as exc:  # a TemplateError: unbalanced braces, a field not allowed
            self.add(key, str(exc))
            return value
        for name in names:
            if name not in TEMPLATE_VARIABLES and not name.startswith("x_"):
                self.add(key, f"variable inconnue {{{name}}}{_suggest(name, TEMPLATE_VARIABLES)}")
        return value

    def unknown_keys(self, known: set[str], what: str) -> None:
        for key in self.data:
            if key not in known:
                self.add(str(key), f"clé inconnue{what}{_suggest(str(key), known)}")


def _build(
    data: Mapping[str, Any], path: Path, out: _Collector, files: Sequence[Path] = ()
) -> Layout:
    top = _Block(data, (), out)
    top.unknown_keys(TOP_KEYS, "")
    unit = data.get("unite", "mm")
    if unit not in UNITS_TO_PT:
        top.add(
            "unite",
            f"« {unit} » inconnue{_suggest(str(unit), list(UNITS_TO_PT))} ; attendu mm, pt ou px",
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
    pages = int(top.number("pages", default=1, minimum=1, integer=True))
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
            _color(value, {}, messages)
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
    names_seen: dict[str, int] = {}
    for number, raw in enumerate(raw_blocks):
        if isinstance(raw, Mapping) and isinstance(raw.get("nom"), str):
            out.block_names[number] = raw["nom"]
    folders = [f.parent for f in files] or [path.parent]
    for number, raw in enumerate(raw_blocks):
        block = _build_block(raw, number, named, (width, height, pages), folders, out, unit_hint)
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
    if "herite" in data and "_parent" not in data:
        top.add("herite", "clé interne")  # pragma: no cover - _merge always sets _parent
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


def _build_block(
    raw: Any,
    number: int,
    named: Mapping[str, Any],
    page: tuple[float, float, int],
    folders: Sequence[Path],
    out: _Collector,
    unit_hint: str,
) -> Block | None:
    if not isinstance(raw, Mapping):
        out.add(("blocs", number), "table attendue")
        return None
    b = _Block(raw, ("blocs", number), out)
    kind = raw.get("type")
    name = raw.get("nom", f"bloc{number + 1}")
    if not isinstance(name, str) or not name:
        b.add("nom", "nom du bloc : texte non vide attendu")
        name = f"bloc{number + 1}"
    if kind is None:
        b.add("type", f"type manquant ; attendu {', '.join(BLOCK_KEYS)}")
        return None
    if kind not in BLOCK_KEYS:
        b.add(
            "type",
            f"« {kind} » inconnu{_suggest(str(kind), list(BLOCK_KEYS))} ; attendu {', '.join(BLOCK_KEYS)}",
        )
        return None
    b.unknown_keys(BLOCK_KEYS[kind], f" pour un bloc {kind}")
    box = _box(b, page, unit_hint, line=kind == "ligne")
    page_number = int(b.number("page", default=1, minimum=1, integer=True))
    if page_number > page[2]:
        b.add("page", f"page {page_number} alors que le gabarit en a {page[2]} (clé pages)")
    condition = raw.get("si", "")
    if condition and (
        not isinstance(condition, str)
        or (
            condition.lstrip("!") not in TEMPLATE_VARIABLES
            and not condition.lstrip("!").startswith("x_")
        )
    ):
        b.add(
            "si",
            f"« {condition} » n’est pas une variable connue{_suggest(str(condition).lstrip('!'), TEMPLATE_VARIABLES)}",
        )
        condition = ""
    overlap_raw = raw.get("superposable", False)
    overlap: bool | tuple[str, ...] = False
    if isinstance(overlap_raw, bool):
        overlap = overlap_raw
    elif isinstance(overlap_raw, list) and all(isinstance(v, str) for v in overlap_raw):
        overlap = tuple(overlap_raw)
    else:
        b.add("superposable", 'attendu true, false ou une liste de noms de blocs ["nom", …]')
    b.boolean("supprimer", False)
    if "note" in raw:
        b.text("note")
    common: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "box": box,
        "page": page_number,
        "condition": condition or "",
        "overlap": overlap,
        "index": number,
    }
    if kind == "texte":
        align = b.choice("alignement", ALIGNMENTS, "gauche")
        valign = b.choice("vertical", VERTICALS, "haut")
        size_max = b.number(
            "taille_max", minimum=1, unit_hint="en pt, ou en px pour un gabarit en px"
        )
        size_min = b.number(
            "taille_min",
            default=size_max,
            minimum=1,
            unit_hint="en pt, ou en px pour un gabarit en px",
        )
        if size_min > size_max:
            b.add("taille_min", f"{size_min:g} dépasse taille_max ({size_max:g})")
        font = raw.get("police")
        if not isinstance(font, str) or not font:
            b.add("police", "nom de police obligatoire (par exemple « Manrope-Bold »)")
            font = ""
        else:
            from affiches.text.fonts import find_font

            try:
                find_font(font, _unique([*folders, *user_font_dirs()]))
            except LayoutError as exc:
                b.add("police", str(exc))
        if "texte" not in raw:
            b.add("texte", "texte obligatoire pour un bloc texte (modèle avec {ville}, etc.)")
        return TextBlock(
            **common,
            template=b.template("texte"),
            font=font,
            color=b.color("couleur", named, "#000000"),
            align=ALIGNMENTS[align],
            valign=VERTICALS[valign],
            size_max=size_max,
            size_min=size_min,
            max_lines=int(b.number("lignes_max", default=1, minimum=1, integer=True)),
            line_height=b.number("interligne", default=1.2, minimum=0.5),
            uppercase=b.boolean("majuscules", False),
            balance=b.boolean("equilibrer", True),
        )
    if kind == "qr":
        return QRBlock(
            **common,
            data=b.template("donnees", "{url}"),
            dark=b.color("couleur", named, "#000000"),
            light=b.color("fond", named, "#FFFFFF"),
            quiet_zone=int(b.number("marge_modules", default=4, minimum=0, integer=True)),
        )
    if kind in ("rect", "ellipse", "ligne"):
        fill = raw.get("couleur")
        stroke = raw.get("contour")
        stroke_width = b.number("epaisseur", default=0.5 if kind == "ligne" else 0)
        fill_color = (
            b.color("couleur", named, None) if fill is not None and kind != "ligne" else None
        )
        if kind == "ligne":
            stroke_color: Color | None = b.color("couleur", named, "#000000")
        else:
            stroke_color = b.color("contour", named, None) if stroke is not None else None
            if fill is None and stroke is None:
                b.add(
                    None, f"bloc {kind} invisible : donnez une couleur (remplissage) ou un contour"
                )
        return ShapeBlock(
            **common,
            shape={"rect": "rect", "ellipse": "ellipse", "ligne": "line"}[kind],
            fill=fill_color,
            stroke=stroke_color,
            stroke_width=stroke_width,
        )
    # image
    file_name = b.text("fichier")
    image_path = _find_image(file_name, folders)
    if image_path is None:
        b.add(
            "fichier",
            f"image « {file_name} » introuvable (cherchée à côté du gabarit et dans assets/)",
        )
        image_path = Path(file_name)
    return ImageBlock(**common, path=image_path)


def _find_image(name: str, folders: Sequence[Path]) -> Path | None:
    if not name:
        return None
    from affiches.resources import assets_dir

    for base in (*folders, assets_dir()):
        candidate = (base / name).resolve()
        if candidate.is_file():
            return candidate
    return None


def _box(b: _Block, page: tuple[float, float, int], unit_hint: str, line: bool = False) -> Box:
    value = b.data.get("boite")
    width, height, _pages = page
    if value is None:
        b.add("boite", "boîte obligatoire : boite = [x, y, largeur, hauteur]")
        return Box(0, 0, 1, 1)
    if not isinstance(value, list) or len(value) != 4:
        b.add(
            "boite",
            f'attendu [x, y, largeur, hauteur] (4 nombres, {unit_hint}, ou "50%" de la page)',
        )
        return Box(0, 0, 1, 1)
    numbers: list[float] = []
    for position, item in enumerate(value):
        along = width if position % 2 == 0 else height
        if isinstance(item, bool) or not isinstance(item, (int, float, str)):
            b.add(
                "boite",
                f"« {item} » n’est pas un nombre ; attendu [x, y, largeur, hauteur] ({unit_hint})",
            )
            return Box(0, 0, 1, 1)
        if isinstance(item, str):
            m = _PERCENT.match(item)
            if not m:
                plain = _WITH_UNIT.match(item)
                fix = f" ; écrivez {plain.group(1)} ({unit_hint})" if plain else ""
                b.add(
                    "boite",
                    f'« {item} » : nombre ({unit_hint}) ou pourcentage de la page ("25%") attendu{fix}',
                )
                return Box(0, 0, 1, 1)
            numbers.append(float(m.group(1).replace(",", ".")) / 100 * along)
        else:
            numbers.append(float(item))
    x, y, w, h = numbers
    if not line and (w <= 0 or h <= 0):
        b.add("boite", "largeur et hauteur doivent être positives")
    eps = 1e-6
    x_end, y_end = x + w, y + h
    if (
        min(x, x_end) < -eps
        or min(y, y_end) < -eps
        or max(x, x_end) > width + eps
        or max(y, y_end) > height + eps
    ):
        b.add("boite", f"[{x:g}, {y:g}, {w:g}, {h:g}] sort de la page ({width:g} × {height:g})")
    return Box(x, y, w, h)


# ----------------------------------------------------------------- design checks


def _exclusive(a: str, b: str) -> bool:
    """True when two ``si`` conditions can never both hold (``x`` and ``!x``)."""
    return bool(a and b) and (a == "!" + b or b == "!" + a)


def _may_overlap(a: Block, b: Block) -> bool:
    def allows(block: Block, other: Block) -> bool:
        return block.overlap is True or (
            isinstance(block.overlap, tuple) and other.name in block.overlap
        )

    return allows(a, b) or allows(b, a)


def _ellipse_contains(shape: Box, box: Box) -> bool:
    cx, cy = shape.x + shape.width / 2, shape.y + shape.height / 2
    rx, ry = shape.width / 2, shape.height / 2
    if rx <= 0 or ry <= 0:
        return False
    corners = [
        (box.x, box.y),
        (box.x + box.width, box.y),
        (box.x, box.y + box.height),
        (box.x + box.width, box.y + box.height),
    ]
    return all(((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1 + 1e-9 for px, py in corners)


def _ellipse_touches(shape: Box, box: Box) -> bool:
    cx, cy = shape.x + shape.width / 2, shape.y + shape.height / 2
    rx, ry = shape.width / 2, shape.height / 2
    if rx <= 0 or ry <= 0:
        return False
    px = min(max(cx, box.x), box.x + box.width)
    py = min(max(cy, box.y), box.y + box.height)
    return ((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 < 1 - 1e-9


def backgrounds_behind(layout: Layout, block: Block) -> list[tuple[Color, str]] | None:
    """Colours that may show behind ``block``'s box, with where each comes from.

    Filled rectangles and ellipses drawn before the block on its page count; one that
    covers the whole box (and is drawn whenever the block is: no ``si``, or the same
    one) hides what is below it. ``None`` when
    an image lies behind: its colours are unknown.
    """
    visible: list[tuple[Color, str]] = [(layout.background, "fond de page")]
    for other in layout.blocks:
        if other is block:
            break
        if other.page != block.page:
            continue
        if isinstance(other, ImageBlock) and other.box.intersection_area(block.box) > 0:
            return None
        if not isinstance(other, ShapeBlock) or other.fill is None or other.shape == "line":
            continue
        if _exclusive(other.condition, block.condition):
            continue
        if other.shape == "ellipse":
            touches = _ellipse_touches(other.box, block.box)
            covers = _ellipse_contains(other.box, block.box)
        else:
            touches = other.box.intersection_area(block.box) > 0
            covers = other.box.contains(block.box)
        if not touches:
            continue
        entry = (other.fill, f"bloc « {other.name} »")
        # A shape shown under the same condition as the block is there whenever it is.
        if covers and other.condition in ("", block.condition):
            visible = [entry]
        elif all(c.rgb != other.fill.rgb for c, _ in visible):
            visible.append(entry)
    return visible


def _is_large(block: TextBlock, layout: Layout) -> bool:
    size_pt = block.size_min * layout.font_to_pt
    bold = any(word in block.font.lower() for word in BOLD_WORDS)
    return size_pt >= LARGE_TEXT_PT or (bold and size_pt >= LARGE_BOLD_TEXT_PT)


def _ratio(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + ":1"


def design_problems(layout: Layout) -> list[tuple[tuple[Any, ...], str]]:
    """Overlapping content blocks and unreadable colours, as (key path, message)."""
    found: list[tuple[tuple[Any, ...], str]] = []
    content = [b for b in layout.blocks if b.kind in CONTENT_KINDS]
    for i, a in enumerate(content):
        for b in content[i + 1 :]:
            if a.page != b.page or _exclusive(a.condition, b.condition) or _may_overlap(a, b):
                continue
            area = a.box.intersection_area(b.box)
            if area > 1e-6:
                found.append(
                    (
                        ("blocs", b.index, "boite"),
                        f"chevauche le bloc « {a.name} » (page {b.page}) ; déplacez l’une des boîtes, "
                        f'ou écrivez superposable = ["{a.name}"] si c’est voulu',
                    )
                )
    for block in layout.blocks:
        if isinstance(block, TextBlock):
            behind = backgrounds_behind(layout, block)
            if behind is None:
                continue
            need = CONTRAST_LARGE if _is_large(block, layout) else CONTRAST_SMALL
            size = "grand texte" if need == CONTRAST_LARGE else "texte de cette taille"
            for color, where in behind:
                ratio = contrast_ratio(block.color, color)
                if ratio < need - 1e-9:
                    found.append(
                        (
                            ("blocs", block.index, "couleur"),
                            f"texte {block.color.hex} sur {color.hex} ({where}) : contraste {_ratio(ratio)}, "
                            f"il faut au moins {_ratio(need)} pour un {size} ; foncez ou éclaircissez l’un des deux",
                        )
                    )
        elif isinstance(block, QRBlock):
            ratio = contrast_ratio(block.dark, block.light)
            if block.dark.luminance() > block.light.luminance():
                found.append(
                    (
                        ("blocs", block.index, "couleur"),
                        f"code QR inversé (modules {block.dark.hex} plus clairs que le fond {block.light.hex}) : "
                        "beaucoup de téléphones ne le lisent pas ; mettez les modules foncés sur fond clair",
                    )
                )
            elif ratio < CONTRAST_QR:
                found.append(
                    (
                        ("blocs", block.index, "couleur"),
                        f"code QR peu contrasté ({block.dark.hex} sur {block.light.hex}, {_ratio(ratio)}) : "
                        f"il faut au moins {_ratio(CONTRAST_QR)} pour être lu",
                    )
                )
    return found

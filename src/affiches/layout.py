"""Layouts ("gabarits"): TOML files that describe a material as data.

Contract:
- ``find_layout(name_or_path, user_dirs)`` returns the file of a layout: an existing
  ``.toml`` path, or ``NAME.toml`` in the user's folders (first match wins) and then in
  the built-in ``layouts/``.
- ``load_layout(path)`` parses it, applies inheritance (``herite``), validates every key
  and returns an immutable ``Layout`` whose geometry is still in the layout's own unit
  (mm, pt or px). Problems raise ``LayoutError`` with a one-line French message naming
  the file, the key and the fix; ``layout_problems(path)`` lists every problem at once.
- Nothing here measures text or draws: see ``compose``.

The format is documented for designers in ``docs/gabarits.md``.
"""

from __future__ import annotations

import difflib
import os
import re
import string
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from affiches.errors import LayoutError
from affiches.resources import builtin_layouts_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

UNITS_TO_PT = {"mm": 72 / 25.4, "pt": 1.0, "px": 0.75}
MATERIALS = ("affiche", "tract", "visuel", "autre")
FORMATS = ("pdf", "png")
ALIGNMENTS = {"gauche": "left", "centre": "center", "droite": "right"}
VERTICALS = {"haut": "top", "milieu": "middle", "bas": "bottom"}
ENV_LAYOUT_DIRS = "AFFICHES_GABARITS"

# Variables every template may use; values come from the city and the options.
TEMPLATE_VARIABLES = (
    "ville",
    "ville_maj",
    "a_ville",
    "a_ville_maj",
    "de_ville",
    "de_ville_maj",
    "ville_officiel",
    "departement",
    "collectif",
    "contact",
    "signature",
    "url",
    "url_courte",
    "hashtag",
    "mairie_adresse",
    "mairie_email",
    "evenement",
    "date",
    "heure",
    "lieu",
)


@dataclass(frozen=True)
class Color:
    """A colour with its RGB form (0–1) and, when the layout gives one, its CMYK form (0–1)."""

    rgb: tuple[float, float, float]
    cmyk: tuple[float, float, float, float] | None = None

    @property
    def hex(self) -> str:
        return "#" + "".join(f"{round(c * 255):02X}" for c in self.rgb)

    def rgb255(self) -> tuple[int, int, int]:
        r, g, b = (round(c * 255) for c in self.rgb)
        return (r, g, b)

    def luminance(self) -> float:
        """Relative luminance (WCAG 2)."""

        def lin(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (lin(c) for c in self.rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    def scaled(self, factor: float) -> Box:
        return Box(self.x * factor, self.y * factor, self.width * factor, self.height * factor)


@dataclass(frozen=True)
class Block:
    """Fields common to every block."""

    name: str
    kind: str
    box: Box
    page: int = 1
    condition: str = ""  # variable that must be non-empty ("!var": must be empty)


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

    @property
    def to_pt(self) -> float:
        """How many points one layout unit is."""
        return UNITS_TO_PT[self.unit]

    @property
    def font_to_pt(self) -> float:
        """How many points one font-size unit is (pt for print layouts, px for screen)."""
        return 0.75 if self.unit == "px" else 1.0

    def search_dirs(self) -> list[Path]:
        return [self.folder] if self.folder else []


# ----------------------------------------------------------------- finding files


def user_layout_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    """User folders looked at before the built-ins, in order of precedence."""
    dirs = [Path(d) for d in extra]
    for entry in os.environ.get(ENV_LAYOUT_DIRS, "").split(os.pathsep):
        if entry:
            dirs.append(Path(entry))
    dirs.append(Path.cwd() / "layouts")
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen and d.resolve() != builtin_layouts_dir().resolve():
            seen.append(d.resolve())
    return seen


def layout_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    return [*user_layout_dirs(extra), builtin_layouts_dir()]


def available_layouts(extra: Sequence[Path | str] = ()) -> dict[str, Path]:
    """Every layout name that can be used, mapped to the file that wins."""
    found: dict[str, Path] = {}
    for folder in layout_dirs(extra):
        for path in sorted(folder.glob("*.toml")):
            found.setdefault(path.stem, path)
    return found


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


# ----------------------------------------------------------------- parsing


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path} : lecture impossible ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{path} : TOML invalide ({exc})") from None


def merged_data(path: Path, extra_dirs: Sequence[Path | str] = (), _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The layout's table after inheritance: the parent's keys, overridden by the child's.

    Blocks are merged by ``nom``: a child block with a parent's name updates it
    (``supprimer = true`` removes it), other child blocks are appended.
    """
    data = read_toml(path)
    parent_name = data.get("herite")
    if not parent_name:
        return data
    if not isinstance(parent_name, str):
        raise LayoutError(f"{path} : herite : attendu un nom de gabarit (texte)")
    parent_path = find_layout(parent_name, [path.parent, *extra_dirs])
    if parent_path == path:
        # A user layout overriding a built-in of the same name inherits from the built-in.
        parent_path = builtin_layouts_dir() / f"{parent_name}.toml"
    if parent_path in _chain or parent_path == path:
        raise LayoutError(f"{path} : herite : héritage circulaire via « {parent_name} »")
    parent = merged_data(parent_path, extra_dirs, (*_chain, path))
    merged = {k: v for k, v in parent.items() if k not in ("blocs", "couleurs")}
    merged.update({k: v for k, v in data.items() if k not in ("blocs", "couleurs")})
    merged["couleurs"] = {**parent.get("couleurs", {}), **data.get("couleurs", {})}
    blocks = [dict(b) for b in parent.get("blocs", [])]
    index = {b.get("nom"): i for i, b in enumerate(blocks) if b.get("nom")}
    for child in data.get("blocs", []):
        name = child.get("nom")
        if name in index:
            if child.get("supprimer"):
                blocks[index[name]] = {}
            else:
                blocks[index[name]] = {**blocks[index[name]], **child}
        else:
            blocks.append(dict(child))
    merged["blocs"] = [b for b in blocks if b]
    merged.setdefault("nom", path.stem)
    merged["nom"] = data.get("nom", path.stem)
    merged["_parent"] = parent_name
    return merged


def load_layout(name_or_path: str | Path, extra_dirs: Sequence[Path | str] = ()) -> Layout:
    path = find_layout(str(name_or_path), extra_dirs)
    data = merged_data(path, extra_dirs)
    problems: list[str] = []
    layout = _build(data, path, problems)
    if problems:
        raise LayoutError(f"{path.name} : {problems[0]}")
    assert layout is not None
    return layout


def layout_problems(path: Path, extra_dirs: Sequence[Path | str] = ()) -> list[str]:
    """Every problem of a layout file, as ``clé : message`` strings (empty: valid)."""
    try:
        data = merged_data(path, extra_dirs)
    except LayoutError as exc:
        return [str(exc).removeprefix(f"{path} : ")]
    problems: list[str] = []
    _build(data, path, problems)
    return problems


# ----------------------------------------------------------------- validation

TOP_KEYS = {
    "nom", "description", "materiel", "format", "unite", "largeur", "hauteur", "pages",
    "fond", "couleurs", "blocs", "texte_alternatif", "titre", "herite", "_parent", "$schema",
}
COMMON_BLOCK_KEYS = {"nom", "type", "boite", "page", "si", "supprimer", "note"}
BLOCK_KEYS = {
    "texte": COMMON_BLOCK_KEYS | {
        "texte", "police", "couleur", "alignement", "vertical", "taille_max", "taille_min",
        "lignes_max", "interligne", "majuscules", "equilibrer",
    },
    "qr": COMMON_BLOCK_KEYS | {"donnees", "couleur", "fond", "marge_modules"},
    "rect": COMMON_BLOCK_KEYS | {"couleur", "contour", "epaisseur"},
    "ellipse": COMMON_BLOCK_KEYS | {"couleur", "contour", "epaisseur"},
    "ligne": COMMON_BLOCK_KEYS | {"couleur", "epaisseur"},
    "image": COMMON_BLOCK_KEYS | {"fichier"},
}

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_CMYK = re.compile(r"^cmjn\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)$")


def _suggest(key: str, known: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def parse_color(value: Any, named: Mapping[str, Any], where: str, problems: list[str]) -> Color:
    """Colour forms: ``"#RRGGBB"``, ``"#RGB"``, ``"cmjn(c, m, y, k)"`` (percent), a name
    from ``[couleurs]``, or a table ``{ rvb = "#…", cmjn = [c, m, y, k] }``."""
    if isinstance(value, str) and value in named and value not in ("",):
        return parse_color(named[value], {}, where, problems)
    if isinstance(value, str) and _HEX.match(value):
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        rgb = tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
        return Color((rgb[0], rgb[1], rgb[2]))
    if isinstance(value, str) and (m := _CMYK.match(value.strip())):
        c, mg, y, k = (min(float(v), 100.0) / 100 for v in m.groups())
        return Color(_cmyk_to_rgb(c, mg, y, k), (c, mg, y, k))
    if isinstance(value, Mapping) and "rvb" in value:
        base = parse_color(value["rvb"], named, where, problems)
        cmyk = value.get("cmjn")
        if cmyk is None:
            return base
        if (
            isinstance(cmyk, list)
            and len(cmyk) == 4
            and all(isinstance(v, (int, float)) and 0 <= v <= 100 for v in cmyk)
        ):
            return Color(base.rgb, tuple(v / 100 for v in cmyk))  # type: ignore[arg-type]
        problems.append(f"{where}.cmjn : attendu quatre pourcentages [C, M, J, N] entre 0 et 100")
        return base
    names = ", ".join(sorted(named)) or "aucune"
    problems.append(
        f"{where} : couleur « {value} » invalide ; attendu #RRVVBB, cmjn(C, M, J, N) "
        f"ou une couleur nommée ({names})"
    )
    return Color((0, 0, 0))


def _cmyk_to_rgb(c: float, m: float, y: float, k: float) -> tuple[float, float, float]:
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


def template_fields(template: str) -> list[str]:
    """Variable names a template uses; raises ValueError on unbalanced braces."""
    names = []
    for _literal, field_name, _spec, _conv in string.Formatter().parse(template):
        if field_name is not None:
            names.append(field_name)
    return names


def _number(data: Mapping[str, Any], key: str, where: str, problems: list[str], default: float | None = None, minimum: float = 0) -> float:
    value = data.get(key, default)
    if value is None:
        problems.append(f"{where}.{key} : valeur obligatoire manquante")
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{where}.{key} : nombre attendu, trouvé « {value} »")
        return float(default or 0)
    if value < minimum:
        problems.append(f"{where}.{key} : {value} est trop petit (minimum {minimum})")
    return float(value)


def _check_template(template: Any, where: str, problems: list[str], extra_vars: Sequence[str]) -> str:
    if not isinstance(template, str):
        problems.append(f"{where} : texte attendu")
        return ""
    try:
        names = template_fields(template)
    except ValueError:
        problems.append(f"{where} : accolades déséquilibrées (écrivez {{{{ et }}}} pour une accolade)")
        return template
    known = set(TEMPLATE_VARIABLES) | set(extra_vars)
    for name in names:
        if name not in known and not name.startswith("x_"):
            problems.append(
                f"{where} : variable inconnue {{{name}}}{_suggest(name, known)}"
            )
    return template


def _build(data: Mapping[str, Any], path: Path, problems: list[str]) -> Layout | None:
    for key in data:
        if key not in TOP_KEYS:
            problems.append(f"{key} : clé inconnue{_suggest(key, TOP_KEYS)}")
    unit = data.get("unite", "mm")
    if unit not in UNITS_TO_PT:
        problems.append(f"unite : « {unit} » inconnue ; attendu mm, pt ou px")
        unit = "mm"
    material = data.get("materiel", "autre")
    if material not in MATERIALS:
        problems.append(f"materiel : « {material} » inconnu ; attendu {', '.join(MATERIALS)}")
    output_format = data.get("format", "png" if unit == "px" else "pdf")
    if output_format not in FORMATS:
        problems.append(f"format : « {output_format} » inconnu ; attendu pdf ou png")
    width = _number(data, "largeur", "largeur", problems, minimum=1)
    height = _number(data, "hauteur", "hauteur", problems, minimum=1)
    pages = int(_number(data, "pages", "pages", problems, default=1, minimum=1))
    named = data.get("couleurs", {})
    if not isinstance(named, Mapping):
        problems.append("couleurs : table attendue ([couleurs])")
        named = {}
    background = parse_color(data.get("fond", "#FFFFFF"), named, "fond", problems)
    extra_vars = [k for k in named]  # colours are not template variables; keep list explicit
    del extra_vars
    blocks: list[Block] = []
    raw_blocks = data.get("blocs", [])
    if not isinstance(raw_blocks, list):
        problems.append("blocs : liste de blocs attendue ([[blocs]])")
        raw_blocks = []
    names_seen: set[str] = set()
    for number, raw in enumerate(raw_blocks, start=1):
        block = _build_block(raw, number, named, (width, height, pages), path, problems)
        if block is None:
            continue
        if block.name in names_seen:
            problems.append(f"blocs[{number}].nom : « {block.name} » est déjà le nom d’un autre bloc")
        names_seen.add(block.name)
        blocks.append(block)
    alt_text = data.get("texte_alternatif", "")
    if alt_text:
        _check_template(alt_text, "texte_alternatif", problems, ())
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
        title=str(data.get("titre", "")),
        source=path,
        folder=path.parent,
        extends=str(data.get("_parent", "")),
        raw=data,
    )


def _build_block(
    raw: Any,
    number: int,
    named: Mapping[str, Any],
    page: tuple[float, float, int],
    path: Path,
    problems: list[str],
) -> Block | None:
    if not isinstance(raw, Mapping):
        problems.append(f"blocs[{number}] : table attendue")
        return None
    kind = raw.get("type")
    name = str(raw.get("nom", f"bloc{number}"))
    where = f"blocs.{name}"
    if kind not in BLOCK_KEYS:
        problems.append(f"{where}.type : « {kind} » inconnu ; attendu {', '.join(BLOCK_KEYS)}")
        return None
    for key in raw:
        if key not in BLOCK_KEYS[kind]:
            problems.append(f"{where}.{key} : clé inconnue pour un bloc {kind}{_suggest(key, BLOCK_KEYS[kind])}")
    box = _box(raw.get("boite"), where, page, problems)
    page_number = int(_number(raw, "page", where, problems, default=1, minimum=1))
    if page_number > page[2]:
        problems.append(f"{where}.page : page {page_number} alors que le gabarit en a {page[2]}")
    condition = raw.get("si", "")
    if condition and (not isinstance(condition, str) or condition.lstrip("!") not in TEMPLATE_VARIABLES and not condition.lstrip("!").startswith("x_")):
        problems.append(f"{where}.si : « {condition} » n’est pas une variable connue{_suggest(str(condition), set(TEMPLATE_VARIABLES))}")
    common = {"name": name, "kind": kind, "box": box, "page": page_number, "condition": condition or ""}
    if kind == "texte":
        align = raw.get("alignement", "gauche")
        if align not in ALIGNMENTS:
            problems.append(f"{where}.alignement : « {align} » inconnu ; attendu gauche, centre ou droite")
        valign = raw.get("vertical", "haut")
        if valign not in VERTICALS:
            problems.append(f"{where}.vertical : « {valign} » inconnu ; attendu haut, milieu ou bas")
        size_max = _number(raw, "taille_max", where, problems, minimum=1)
        size_min = _number(raw, "taille_min", where, problems, default=size_max, minimum=1)
        if size_min > size_max:
            problems.append(f"{where}.taille_min : {size_min} dépasse taille_max ({size_max})")
        font = raw.get("police")
        if not isinstance(font, str) or not font:
            problems.append(f"{where}.police : nom de police obligatoire (par exemple « Manrope-Bold »)")
            font = ""
        else:
            from affiches.fonts import find_font

            try:
                find_font(font, [path.parent])
            except LayoutError as exc:
                problems.append(f"{where}.police : {exc}")
        return TextBlock(
            **common,
            template=_check_template(raw.get("texte", ""), f"{where}.texte", problems, ()),
            font=font,
            color=parse_color(raw.get("couleur", "#000000"), named, f"{where}.couleur", problems),
            align=ALIGNMENTS.get(align, "left"),
            valign=VERTICALS.get(valign, "top"),
            size_max=size_max,
            size_min=size_min,
            max_lines=int(_number(raw, "lignes_max", where, problems, default=1, minimum=1)),
            line_height=_number(raw, "interligne", where, problems, default=1.2, minimum=0.5),
            uppercase=bool(raw.get("majuscules", False)),
            balance=bool(raw.get("equilibrer", True)),
        )
    if kind == "qr":
        return QRBlock(
            **common,
            data=_check_template(raw.get("donnees", "{url}"), f"{where}.donnees", problems, ()),
            dark=parse_color(raw.get("couleur", "#000000"), named, f"{where}.couleur", problems),
            light=parse_color(raw.get("fond", "#FFFFFF"), named, f"{where}.fond", problems),
            quiet_zone=int(_number(raw, "marge_modules", where, problems, default=4, minimum=0)),
        )
    if kind in ("rect", "ellipse", "ligne"):
        fill = raw.get("couleur")
        stroke = raw.get("contour")
        return ShapeBlock(
            **common,
            shape={"rect": "rect", "ellipse": "ellipse", "ligne": "line"}[kind],
            fill=parse_color(fill, named, f"{where}.couleur", problems) if fill is not None and kind != "ligne" else None,
            stroke=parse_color(stroke if kind != "ligne" else (fill or "#000000"), named, f"{where}.contour", problems)
            if (stroke is not None or kind == "ligne")
            else None,
            stroke_width=_number(raw, "epaisseur", where, problems, default=0.5 if kind == "ligne" else 0),
        )
    # image
    file_name = raw.get("fichier", "")
    image_path = _find_image(str(file_name), path.parent)
    if image_path is None:
        problems.append(f"{where}.fichier : image « {file_name} » introuvable (à côté du gabarit ou dans assets/)")
        image_path = Path(str(file_name))
    return ImageBlock(**common, path=image_path)


def _find_image(name: str, folder: Path) -> Path | None:
    if not name:
        return None
    from affiches.resources import assets_dir

    for base in (folder, assets_dir()):
        candidate = (base / name).resolve()
        if candidate.is_file():
            return candidate
    return None


def _box(value: Any, where: str, page: tuple[float, float, int], problems: list[str]) -> Box:
    if (
        not isinstance(value, list)
        or len(value) != 4
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        problems.append(f"{where}.boite : attendu [x, y, largeur, hauteur] (nombres, dans l’unité du gabarit)")
        return Box(0, 0, 1, 1)
    x, y, w, h = (float(v) for v in value)
    if w < 0 or h < 0:
        problems.append(f"{where}.boite : largeur et hauteur doivent être positives")
    width, height, _pages = page
    eps = 1e-6
    if x < -eps or y < -eps or x + w > width + eps or y + h > height + eps:
        problems.append(
            f"{where}.boite : [{x:g}, {y:g}, {w:g}, {h:g}] sort de la page ({width:g} × {height:g})"
        )
    return Box(x, y, w, h)

"""One parser per block type, registered in ``BLOCK_TYPES``.

Contract: ``build_block(raw, number, page, named, folders, out, unit_hint)`` reads one
merged ``[[blocs]]`` table: the keys common to every block (``nom``, ``type``, ``boite``, ``page``, ``si``,
``superposable``, ``supprimer``, ``note``), then the keys of its type through the
parser registered for that type. It returns the block (a ``gabarits.model`` value),
or ``None`` when it cannot be built; every problem is recorded in the ``Collector``
at its key. Text blocks get their font resolved here (``affiches.text.fonts``: the
file found beside the layout, in ``$AFFICHES_POLICES`` or the bundled fonts, and its
metrics loaded), images their file: the only reads a layout does besides its TOML.

Adding a block type ``xyz``: write ``_parse_xyz(b, common, ctx) -> Block | None``
(read each key with the ``FieldReader`` ``b``; ``common`` holds the common fields
to pass to the dataclass) and register ``"xyz": BlockType(XyzBlock, keys, _parse_xyz)``
in ``BLOCK_TYPES``; the allowed keys are checked from there (unknown keys are
reported with a suggestion), and the JSON Schema test compares them with
``layouts/gabarit.schema.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from affiches.campaign import LABEL_FONT_BOLD
from affiches.color import Color
from affiches.errors import AffichesError
from affiches.gabarits.discovery import find_image, unique_paths, user_font_dirs
from affiches.gabarits.fields import Collector, FieldReader, parse_box, suggest
from affiches.gabarits.model import Block, ImageBlock, LogoBlock, PhotoBlock, QRBlock, ShapeBlock, TextBlock
from affiches.gabarits.variables import TEMPLATE_VARIABLES, is_known_variable
from affiches.limits import image_problem, is_plain_relative
from affiches.text.fonts import FontMetrics, find_font

ALIGNMENTS = {"gauche": "left", "centre": "center", "droite": "right"}
OWN_WORDS = ("accroche", "message")  # what ``modifiable`` may name (--accroche, --message)
VERTICALS = {"haut": "top", "milieu": "middle", "bas": "bottom"}
COMMON_BLOCK_KEYS = frozenset(
    {"nom", "type", "boite", "page", "si", "supprimer", "note", "superposable"}
)


@dataclass(frozen=True)
class Context:
    """What a block parser may need besides its own keys."""

    kind: str  # the type as written: "rect", "ellipse"... (one parser may serve several)
    named: Mapping[str, Any]  # the layout's [couleurs]
    folders: Sequence[Path]  # the folders of the layout file and of its parents


Parser = Callable[[FieldReader, dict[str, Any], Context], Block | None]


@dataclass(frozen=True)
class BlockType:
    """How one ``type`` of block is read: its model, keys and parser."""

    model: type[Block]  # the dataclass the parser returns (compose dispatches on it)
    keys: frozenset[str]  # the keys of this type, common keys excluded
    parse: Parser


def _parse_text(b: FieldReader, common: dict[str, Any], ctx: Context) -> Block | None:
    raw = b.data
    align = b.choice("alignement", ALIGNMENTS, "gauche")
    valign = b.choice("vertical", VERTICALS, "haut")
    size_max = b.number("taille_max", minimum=1, unit_hint="en pt, ou en px pour un gabarit en px")
    size_min = b.number(
        "taille_min",
        default=size_max,
        minimum=1,
        unit_hint="en pt, ou en px pour un gabarit en px",
    )
    if size_min > size_max:
        b.add("taille_min", f"{size_min:g} dépasse taille_max ({size_max:g})")
    font = raw.get("police")
    font_file: Path | None = None
    metrics: FontMetrics | None = None
    if not isinstance(font, str) or not font:
        b.add("police", f"nom de police obligatoire (par exemple « {LABEL_FONT_BOLD} »)")
        font = ""
    else:
        try:
            font_file = find_font(font, unique_paths([*ctx.folders, *user_font_dirs()]))
            metrics = FontMetrics.load(font_file)
        except AffichesError as exc:
            b.add("police", str(exc))
    if "texte" not in raw:
        b.add("texte", "texte obligatoire pour un bloc texte (modèle avec {ville}, etc.)")
    fields: dict[str, Any] = dict(
        template=b.template("texte"),
        color=b.color("couleur", ctx.named, "#000000"),
        align=ALIGNMENTS[align],
        valign=VERTICALS[valign],
        size_max=size_max,
        size_min=size_min,
        max_lines=int(b.number("lignes_max", default=1, minimum=1, integer=True)),
        line_height=b.number("interligne", default=1.2, minimum=0.5),
        uppercase=b.boolean("majuscules", False),
        balance=b.boolean("equilibrer", False),
        photo_color=b.color("couleur_photo", ctx.named, None) if "couleur_photo" in raw else None,
        replaceable=b.choice("modifiable", OWN_WORDS, "") if "modifiable" in raw else "",
    )
    if font_file is None or metrics is None:
        return None  # the problem is recorded; a text block needs its font
    return TextBlock(**common, **fields, font=font, font_file=font_file, metrics=metrics)


def _parse_qr(b: FieldReader, common: dict[str, Any], ctx: Context) -> Block | None:
    return QRBlock(
        **common,
        data=b.template("donnees", "{url}"),
        dark=b.color("couleur", ctx.named, "#000000"),
        light=b.color("fond", ctx.named, "#FFFFFF"),
        quiet_zone=int(b.number("marge_modules", default=4, minimum=0, integer=True)),
    )


def _parse_shape(b: FieldReader, common: dict[str, Any], ctx: Context) -> Block | None:
    kind = ctx.kind
    fill = b.data.get("couleur")
    stroke = b.data.get("contour")
    stroke_width = b.number("epaisseur", default=0.5 if kind == "ligne" else 0)
    fill_color = b.color("couleur", ctx.named, None) if fill is not None and kind != "ligne" else None
    if kind == "ligne":
        stroke_color: Color | None = b.color("couleur", ctx.named, "#000000")
    else:
        stroke_color = b.color("contour", ctx.named, None) if stroke is not None else None
        if fill is None and stroke is None:
            b.add(None, f"bloc {kind} invisible : donnez une couleur (remplissage) ou un contour")
    return ShapeBlock(
        **common,
        shape={"rect": "rect", "ellipse": "ellipse", "ligne": "line"}[kind],
        fill=fill_color,
        stroke=stroke_color,
        stroke_width=stroke_width,
    )


def _parse_image(b: FieldReader, common: dict[str, Any], ctx: Context) -> Block | None:
    file_name = b.text("fichier")
    image_path = find_image(file_name, ctx.folders)
    if file_name and not is_plain_relative(file_name):
        b.add("fichier", f"image « {file_name[:80]} » refusée : nommez un fichier du dossier du gabarit, "
                         "sans « .. » ni chemin absolu")
        image_path = None
    elif image_path is None:
        b.add(
            "fichier",
            f"image « {file_name[:80]} » introuvable (cherchée à côté du gabarit et dans assets/)",
        )
    elif (problem := image_problem(image_path)) is not None:
        b.add("fichier", f"image « {file_name[:80]} » : {problem}")
        image_path = None
    return ImageBlock(**common, path=image_path or Path(file_name))


def _parse_logo(b: FieldReader, common: dict[str, Any], ctx: Context) -> Block | None:
    align = b.choice("alignement", ALIGNMENTS, "centre")
    gap = b.number("espacement", minimum=0) if "espacement" in b.data else None
    return LogoBlock(**common, align=ALIGNMENTS[align], gap=gap)


def _parse_photo(b: FieldReader, common: dict[str, Any], ctx: Context) -> Block | None:
    minimum = b.number("assombrir", default=0.2, minimum=0)
    maximum = b.number("assombrir_max", default=max(0.8, minimum), minimum=0)
    for key, value in (("assombrir", minimum), ("assombrir_max", maximum)):
        if value > 1:
            b.add(key, f"{value:g} : une opacité va de 0 (photo intacte) à 1 (teinte seule)")
    if minimum > maximum:
        b.add("assombrir", f"{minimum:g} dépasse assombrir_max ({maximum:g})")
    return PhotoBlock(**common, tint=b.color("teinte", ctx.named, "#000000"),
                      minimum=min(minimum, 1.0), maximum=min(max(maximum, minimum), 1.0))


_SHAPE_KEYS = frozenset({"couleur", "contour", "epaisseur"})
BLOCK_TYPES: dict[str, BlockType] = {
    "texte": BlockType(
        TextBlock,
        frozenset(
            {
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
                "couleur_photo",
                "modifiable",
            }
        ),
        _parse_text,
    ),
    "qr": BlockType(QRBlock, frozenset({"donnees", "couleur", "fond", "marge_modules"}), _parse_qr),
    "rect": BlockType(ShapeBlock, _SHAPE_KEYS, _parse_shape),
    "ellipse": BlockType(ShapeBlock, _SHAPE_KEYS, _parse_shape),
    "ligne": BlockType(ShapeBlock, frozenset({"couleur", "epaisseur"}), _parse_shape),
    "image": BlockType(ImageBlock, frozenset({"fichier"}), _parse_image),
    "logo": BlockType(LogoBlock, frozenset({"alignement", "espacement"}), _parse_logo),
    "photo": BlockType(PhotoBlock, frozenset({"teinte", "assombrir", "assombrir_max"}), _parse_photo),
}
# Every key allowed in a block of each type (what the JSON Schema must list).
BLOCK_KEYS = {kind: set(COMMON_BLOCK_KEYS | t.keys) for kind, t in BLOCK_TYPES.items()}


def build_block(
    raw: Any,
    number: int,
    page: tuple[float, float, int],
    named: Mapping[str, Any],
    folders: Sequence[Path],
    out: Collector,
    unit_hint: str,
) -> Block | None:
    """The block of the merged ``blocs[number]``, or None (problems are in ``out``)."""
    if not isinstance(raw, Mapping):
        out.add(("blocs", number), "table attendue")
        return None
    b = FieldReader(raw, ("blocs", number), out)
    kind = raw.get("type")
    name = raw.get("nom", f"bloc{number + 1}")
    if not isinstance(name, str) or not name:
        b.add("nom", "nom du bloc : texte non vide attendu")
        name = f"bloc{number + 1}"
    expected = ", ".join(BLOCK_KEYS)
    if kind is None:
        b.add("type", f"type manquant ; attendu {expected}")
        return None
    if kind not in BLOCK_TYPES:
        b.add("type", f"« {kind} » inconnu{suggest(str(kind), list(BLOCK_KEYS))} ; attendu {expected}")
        return None
    b.unknown_keys(BLOCK_KEYS[kind], f" pour un bloc {kind}")
    box = parse_box(b, page, unit_hint, line=kind == "ligne")
    page_number = int(b.number("page", default=1, minimum=1, integer=True))
    if page_number > page[2]:
        b.add("page", f"page {page_number} alors que le gabarit en a {page[2]} (clé pages)")
    condition = raw.get("si", "")
    if condition and (not isinstance(condition, str) or not is_known_variable(condition.lstrip("!"))):
        b.add(
            "si",
            f"« {condition} » n’est pas une variable connue"
            f"{suggest(str(condition).lstrip('!'), TEMPLATE_VARIABLES)}",
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
    return BLOCK_TYPES[kind].parse(b, common, Context(kind, named, folders))

"""Reading the values of a layout's keys, with every problem collected at its key.

Contract: ``Collector`` gathers problems keyed by key path (``("largeur",)``,
``("couleurs", "jaune")``, ``("blocs", 3, "police")``) and turns them into ``Problem``
values (file, line, display key ``blocs.NOM.clé``, French message) through the
``Origins`` of the merged file. ``FieldReader`` reads the keys of one table (the top
level or one block) as numbers, booleans, texts, choices, colours, templates and
boxes: each method returns a usable value (the default when the value is wrong) and
records what is wrong with the fix, so that one pass reports every problem at once.
Colour forms: ``"#RRGGBB"``, ``"#RGB"``, ``"cmjn(c, m, y, k)"`` (percent), a name of
``[couleurs]``, or ``{ rvb = "#…", cmjn = [c, m, y, k] }``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from affiches.color import Color
from affiches.errors import TemplateError
from affiches.gabarits.lines import Origins
from affiches.gabarits.model import Box, Problem
from affiches.gabarits.variables import TEMPLATE_VARIABLES, is_known_variable, template_fields

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_CMYK = re.compile(r"^cmjn\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)$")
_PERCENT = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*%\s*$")
_WITH_UNIT = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(mm|cm|pt|px|%)?\s*$")


class Collector:
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


def suggest(key: str, known: Sequence[str] | set[str]) -> str:
    from difflib import get_close_matches  # only when a name is wrong

    close = get_close_matches(key, sorted(known), n=1)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""


def parse_color(
    value: Any, named: Mapping[str, Any], messages: list[tuple[str, str]], depth: int = 0
) -> Color:
    if isinstance(value, str) and value in named and depth < 4:
        inner: list[tuple[str, str]] = []
        color = parse_color(named[value], named if depth < 3 else {}, inner, depth + 1)
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
                        f"clé inconnue dans une couleur{suggest(str(key), ['rvb', 'cmjn'])}",
                    )
                )
        base = parse_color(value["rvb"], named, messages, depth + 1)
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
        hint = suggest(value, list(named))
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


class FieldReader:
    """Reads the keys of one block (or of the top level) and reports problems."""

    def __init__(self, data: Mapping[str, Any], prefix: tuple[Any, ...], out: Collector) -> None:
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
            self.add(key, f"nombre attendu, trouvé « {str(value)[:40]} »")
            return float(default or 0)
        if not math.isfinite(value):
            self.add(key, f"nombre fini attendu, trouvé {value}")
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
                key, f"« {value} » inconnu{suggest(str(value), list(choices))} ; attendu {listed}"
            )
            return default
        return str(value)

    def color(self, key: str, named: Mapping[str, Any], default: Any) -> Color:
        messages: list[tuple[str, str]] = []
        color = parse_color(self.data.get(key, default), named, messages)
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
        except TemplateError as exc:  # unbalanced braces, a field not allowed
            self.add(key, str(exc))
            return value
        for name in names:
            if not is_known_variable(name):
                self.add(key, f"variable inconnue {{{name}}}{suggest(name, TEMPLATE_VARIABLES)}")
        return value

    def unknown_keys(self, known: set[str], what: str) -> None:
        for key in self.data:
            if key not in known:
                self.add(str(key), f"clé inconnue{what}{suggest(str(key), known)}")


def parse_box(b: FieldReader, page: tuple[float, float, int], unit_hint: str, line: bool = False) -> Box:
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

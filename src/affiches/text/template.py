"""Layout text templates, through a restricted formatter. Pure.

Contract: a template is text with fields ``{name}`` or ``{name:spec}``; ``{{`` and
``}}`` are literal braces. Only this subset of Python's format language is allowed:

- ``name``: a plain variable name (letters, digits, ``_``); no attribute or index
  access (``{x_a.__class__}``, ``{x_a[0]}``), no conversion (``{x_a!r}``), no field
  inside a spec (``{x_a:{y}}``): these would reach Python objects, print their
  ``repr`` (memory addresses: outputs no longer deterministic) or nest without bound.
- ``spec``: ``[[fill]align][width][.precision]`` for text (``{x_code:>5}``,
  ``{x_nom:.20}``), width and precision at most ``limits.MAX_TEMPLATE_WIDTH``
  (``{x_a:X>30000000}`` would make a 30 MB string).

``parse(template)`` returns the pieces or raises ``errors.TemplateError`` (a
``LayoutError`` whose message is French and names the field); ``field_names(template)`` lists the
variables used; ``render(template, variables)`` fills it in (a missing ``x_…`` variable
is empty, any other missing variable raises ``KeyError`` with its name);
``literal(template)`` is the fixed text. Values are always formatted as ``str``:
whatever a variable holds, nothing but its text reaches the page.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from functools import lru_cache

from affiches.errors import TemplateError
from affiches.limits import MAX_TEMPLATE_WIDTH

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# [[fill]align][width][.precision][s]: fill is any character but braces.
_SPEC = re.compile(r"(?:(?P<fill>[^{}])?(?P<align>[<>^]))?(?P<width>\d+)?(?:\.(?P<precision>\d+))?s?\Z")


Piece = tuple[str, str | None, str]  # literal text, field name (None: none), spec


@lru_cache(maxsize=1024)
def parse(template: str) -> tuple[Piece, ...]:
    try:
        raw = list(string.Formatter().parse(template))
    except ValueError:
        raise TemplateError("accolades déséquilibrées (écrivez {{ et }} pour une accolade)") from None
    pieces: list[Piece] = []
    for literal_text, name, spec, conversion in raw:
        if name is None:
            pieces.append((literal_text, None, ""))
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if not _NAME.match(name):
            if not name:
                reason = "champ sans nom : écrivez {ville} ou, pour une accolade, {{ et }}"
            else:
                reason = "seul un nom de variable est permis (ni point, ni crochets, ni espace)"
            raise TemplateError(f"champ « {shown[:60]} » refusé : {reason}")
        if conversion:
            raise TemplateError(f"champ « {shown[:60]} » refusé : pas de conversion (!r, !s, !a)")
        match = _SPEC.match(spec or "")
        if match is None:
            raise TemplateError(
                f"champ « {shown[:60]} » refusé : format permis [remplissage][<>^][largeur][.précision], "
                "par exemple {x_code:>5}"
            )
        for part in ("width", "precision"):
            value = match.group(part)
            if value is not None and int(value) > MAX_TEMPLATE_WIDTH:
                raise TemplateError(
                    f"champ « {shown[:60]} » refusé : largeur {value[:12]}, {MAX_TEMPLATE_WIDTH} au plus"
                )
        pieces.append((literal_text, name, spec or ""))
    return tuple(pieces)


def field_names(template: str) -> list[str]:
    """Variable names a template uses (``TemplateError`` when it is not allowed)."""
    return [name for _literal, name, _spec in parse(template) if name is not None]


def literal(template: str) -> str:
    """The fixed text of a template (what does not come from variables)."""
    try:
        return "".join(text for text, _name, _spec in parse(template))
    except TemplateError:
        return template


def render(template: str, variables: Mapping[str, object]) -> str:
    out: list[str] = []
    for literal_text, name, spec in parse(template):
        out.append(literal_text)
        if name is None:
            continue
        if name in variables:
            value = str(variables[name])
        elif name.startswith("x_"):
            value = ""
        else:
            raise KeyError(name)
        out.append(format(value, spec) if spec else value)
    return "".join(out)

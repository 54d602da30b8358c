"""Filling a layout's templates with the variables of one city. Pure.

Contract: ``fill_template(template, variables, where)`` fills the template through the
restricted formatter of ``affiches.text.template`` (plain ``{name}`` and ``{name:spec}``
with bounded width: no attribute or index access), where extra batch columns (``x_…``)
missing from ``variables`` are empty; an unknown variable, a field the formatter
refuses or a result over ``limits.MAX_BLOCK_TEXT_CHARS`` characters is a
``LayoutError`` naming ``where``.
``condition_met(si, variables)`` says whether a block with that ``si`` is shown: the
variable is non-empty (``"!var"``: empty); no condition: always.
"""

from __future__ import annotations

from collections.abc import Mapping

from affiches.errors import LayoutError, TemplateError
from affiches.limits import MAX_BLOCK_TEXT_CHARS
from affiches.text.template import render


def fill_template(template: str, variables: Mapping[str, str], where: str) -> str:
    try:
        text = render(template, variables)
    except KeyError as exc:
        detail = f"variable inconnue {{{exc.args[0]}}}"
        raise LayoutError(f"{where} : {detail}", detail=detail, key=str(exc.args[0])) from None
    except TemplateError as exc:
        raise LayoutError(f"{where} : {exc}", detail=str(exc), value=template[:80]) from None
    if len(text) > MAX_BLOCK_TEXT_CHARS:
        detail = f"texte trop long ({len(text)} caractères, {MAX_BLOCK_TEXT_CHARS} au plus) ; raccourcissez-le"
        raise LayoutError(f"{where} : {detail}", detail=detail)
    return text


def condition_met(condition: str, variables: Mapping[str, str]) -> bool:
    if not condition:
        return True
    if condition.startswith("!"):
        return not variables.get(condition[1:], "").strip()
    return bool(variables.get(condition, "").strip())


def where(layout_name: str, block_name: str) -> str:
    """How messages name a block: « gabarit NOM, bloc « BLOC » »."""
    return f"gabarit {layout_name}, bloc « {block_name} »"


def short(text: str, limit: int = 60) -> str:
    """A text cut for a one-line message."""
    flat = text.replace("\n", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

"""Filling a layout's templates with the variables of one city. Pure.

Contract: ``fill_template(template, variables, where)`` is ``str.format`` over the
variables, where extra batch columns (``x_…``) missing from ``variables`` are empty;
an unknown variable or a malformed template is a ``LayoutError`` naming ``where``.
``condition_met(si, variables)`` says whether a block with that ``si`` is shown: the
variable is non-empty (``"!var"``: empty); no condition: always.
"""

from __future__ import annotations

from collections.abc import Mapping

from affiches.errors import LayoutError


class _Variables(dict):  # type: ignore[type-arg]
    """Template variables; extra batch columns (``x_…``) default to empty."""

    def __missing__(self, key: str) -> str:
        if key.startswith("x_"):
            return ""
        raise KeyError(key)


def fill_template(template: str, variables: Mapping[str, str], where: str) -> str:
    try:
        return template.format_map(_Variables(variables))
    except KeyError as exc:
        detail = f"variable inconnue {{{exc.args[0]}}}"
        raise LayoutError(f"{where} : {detail}", detail=detail, key=str(exc.args[0])) from None
    except (ValueError, IndexError):
        detail = f"modèle de texte invalide « {template} »"
        raise LayoutError(f"{where} : {detail}", detail=detail, value=template) from None


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

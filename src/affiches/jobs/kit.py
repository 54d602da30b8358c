"""A city's kit: what the single-city commands (``kit``, ``affiche``, ``tract``, ``visuel``) do.

Contract:
- ``make_city_materials(city, materials, **cli_options)`` validates the options,
  resolves the city, composes every material before writing any (a problem stops
  everything, nothing written), writes the files through the pipeline and returns
  the lines to show: notes on stderr, one path per written file on stdout, a note for
  each file left as it was (``--force`` to redo it), and one for a ``--logo`` or
  ``--photo`` that none of the chosen layouts has a place for (``unused_pictures``).
  Errors propagate as ``AffichesError``.
- ``plan_kit(city, materials, options)`` and ``make_kit(...)`` are the pipeline's
  ``compose_city`` and ``make_city`` (``affiches.jobs.pipeline``) under their old names;
  ``atomic_write(path, produce)`` is ``affiches.jobs.files.write_path``.
- Files land in ``<output>/<city slug>/``; nothing is written outside the output folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from affiches.campaign import DEFAULT_URL, HASHTAG
from affiches.city.model import City
from affiches.errors import OptionError
from affiches.jobs import files
from affiches.jobs.options import (
    KIT,
    MATERIAL_LAYOUTS,
    MAX_OPTION_LENGTH,
    KitOptions,
    build_options,
    check_url,
    short_url,
    template_variables,
)
from affiches.jobs.pipeline import Composed, Written, compose_city, layout_for, make_city

Planned = Composed

__all__ = [
    "DEFAULT_URL",
    "HASHTAG",
    "KIT",
    "MATERIAL_LAYOUTS",
    "MAX_OPTION_LENGTH",
    "KitOptions",
    "OptionError",
    "OutputLine",
    "Planned",
    "Written",
    "atomic_write",
    "check_url",
    "layout_for",
    "make_city_materials",
    "make_kit",
    "plan_kit",
    "short_url",
    "template_variables",
]


@dataclass(frozen=True)
class OutputLine:
    """One line a command prints, on stdout or stderr."""

    text: str
    to_stderr: bool = False


plan_kit = compose_city


def make_kit(city: City, materials: Iterable[str], options: KitOptions) -> list[Written]:
    return make_city(city, materials, options)


def atomic_write(path: Path, produce: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file in the same folder, renamed when complete."""
    files.write_path(path, produce)


def unused_pictures(materials: Iterable[str], options: KitOptions) -> list[str]:
    """Notes for a logo or photo that none of the chosen layouts has a place for."""
    if not options.pictures.logos and not options.pictures.photo:
        return []  # nothing to place: the layouts are not loaded twice (cold start)
    from affiches.gabarits import LogoBlock, PhotoBlock

    layouts = [layout_for(material, options) for material in materials]
    notes = []
    for given, kind, option in ((options.pictures.logos, LogoBlock, "--logo"),
                                (options.pictures.photo, PhotoBlock, "--photo")):
        if given and not any(isinstance(b, kind) for layout in layouts for b in layout.blocks):
            names = ", ".join(layout.name for layout in layouts)
            notes.append(f"Note : {option} n’est utilisé par aucun des gabarits choisis ({names}) ; "
                         "voir « affiches gabarits liste »")
    return notes


def make_city_materials(city: str, materials: Iterable[str], *, departement: str | None = None,
                        **cli_options: object) -> list[OutputLine]:
    from affiches.jobs.pipeline import resolve

    materials = tuple(materials)
    options = build_options(materials, **cli_options)  # type: ignore[arg-type]
    resolved = resolve(city, departement)
    lines = [OutputLine(note, to_stderr=True) for note in resolved.notes]
    lines += [OutputLine(note, to_stderr=True) for note in unused_pictures(materials, options)]
    for item in make_kit(resolved, materials, options):
        if item.status == "existant":
            lines.append(OutputLine(f"{item.path} existe déjà : laissé tel quel (--force pour le refaire)", True))
        else:
            lines.append(OutputLine(str(item.path)))
    return lines

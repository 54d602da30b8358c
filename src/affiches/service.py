"""What the single-city commands do, without Click: options in, messages out.

Contract: ``make_city_materials(city, materials, **cli_options)`` validates the city
and the options, resolves the commune, composes every material before writing any
(a problem stops everything, nothing written), writes the files and returns the
lines to show: notes on stderr, one path per written file on stdout. Library errors
propagate as ``AffichesError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from affiches.errors import AffichesError
from affiches.kit import DEFAULT_URL, KIT, MATERIAL_LAYOUTS, KitOptions, OptionError, make_kit


@dataclass(frozen=True)
class OutputLine:
    text: str
    to_stderr: bool = False


def parse_materials(text: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [item for item in items if item not in KIT]
    if unknown or not items:
        raise OptionError(
            f"--quoi : « {', '.join(unknown) or text} » inconnu ; choisissez parmi {', '.join(KIT)}"
        )
    return items


def parse_layout_choices(values: Sequence[str], materials: Sequence[str]) -> dict[str, str]:
    """``--gabarit NOM`` (one material) or ``--gabarit MATÉRIEL=NOM`` (kit)."""
    chosen: dict[str, str] = {}
    for value in values:
        if "=" in value:
            material, _, name = value.partition("=")
            material = material.strip()
            if material not in MATERIAL_LAYOUTS:
                raise OptionError(
                    f"--gabarit : matériel « {material} » inconnu ; écrivez affiche=NOM, tract=NOM ou visuel=NOM"
                )
            chosen[material] = name.strip()
        elif len(materials) == 1:
            chosen[materials[0]] = value
        else:
            raise OptionError(
                f"--gabarit « {value} » : pour un kit, précisez le matériel, par exemple affiche={value}"
            )
    return chosen


def build_options(materials: Sequence[str], *, sortie: Path, gabarits: Sequence[str] = (),
                  dossiers_gabarits: Sequence[Path] = (), url: str | None = None,
                  collectif: str = "", contact: str = "", date_: str = "", heure: str = "",
                  lieu: str = "", force: bool = False, **_ignored: object) -> KitOptions:
    from affiches.events import event_variables

    return KitOptions(
        output_dir=sortie,
        layouts=parse_layout_choices(gabarits, materials),
        layout_dirs=tuple(dossiers_gabarits),
        url=url if url is not None else DEFAULT_URL,
        collectif=collectif,
        contact=contact,
        force=force,
        extra=event_variables(date_, heure, lieu),
    )


def make_city_materials(city: str, materials: Iterable[str], *, departement: str | None = None,
                        **cli_options: object) -> list[OutputLine]:
    from affiches.communes import resolve_city

    materials = tuple(materials)
    options = build_options(materials, **cli_options)  # type: ignore[arg-type]
    resolution = resolve_city(city, departement)
    lines = [OutputLine(note, to_stderr=True) for note in resolution.notes]
    try:
        written = make_kit(resolution, materials, options)
    except AffichesError:
        raise
    for item in written:
        if item.status == "existant":
            lines.append(OutputLine(f"{item.path} existe déjà : laissé tel quel (--force pour le refaire)", True))
        else:
            lines.append(OutputLine(str(item.path)))
    return lines

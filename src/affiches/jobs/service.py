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
from affiches.jobs.kit import DEFAULT_URL, KIT, MATERIAL_LAYOUTS, KitOptions, OptionError, make_kit
from affiches.limits import check_output_path
from affiches.printing.modes import PRINT_SHOP_BLEED_MM, PrintOptions

PRINT_OPTION_NAMES = (
    "imprimeur", "fond_perdu", "traits_de_coupe", "cmjn", "tuiles", "feuille", "a4", "imposer",
    "recto_verso",
)


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


def build_print_options(*, imprimeur: bool = False, fond_perdu: float | None = None,
                        traits_de_coupe: bool = False, cmjn: bool = False, tuiles: bool = False,
                        feuille: str | None = None, a4: bool = False, imposer: bool = False,
                        recto_verso: str | None = None) -> PrintOptions:
    """The print options of the command line (``--imprimeur`` = 3 mm, marks, CMYK)."""
    if feuille is not None and not tuiles:
        raise OptionError(
            "--feuille choisit le papier des --tuiles ; ajoutez --tuiles ou retirez-la"
        )
    if recto_verso is not None and not imposer:
        raise OptionError(
            "--recto-verso règle l’ordre des pages de --imposer ; ajoutez --imposer ou retirez-la"
        )
    default_bleed = PRINT_SHOP_BLEED_MM if imprimeur else 0.0
    bleed = fond_perdu if fond_perdu is not None else default_bleed
    return PrintOptions(
        bleed_mm=bleed,
        crop_marks=traits_de_coupe or imprimeur,
        cmyk=cmjn or imprimeur,
        tiles=tuiles,
        tile_sheet=(feuille or "a4").lower(),
        fit_a4=a4,
        impose=imposer,
        duplex=recto_verso or "long",
    ).checked()


def build_options(materials: Sequence[str], *, sortie: Path, gabarits: Sequence[str] = (),
                  dossiers_gabarits: Sequence[Path] = (), url: str | None = None,
                  collectif: str = "", contact: str = "", date_: str = "", heure: str = "",
                  lieu: str = "", force: bool = False, **others: object) -> KitOptions:
    from affiches.city.events import event_variables

    printing = build_print_options(**{  # type: ignore[arg-type]
        key: value for key, value in others.items() if key in PRINT_OPTION_NAMES
    })

    return KitOptions(
        output_dir=check_output_path(sortie),
        layouts=parse_layout_choices(gabarits, materials),
        layout_dirs=tuple(dossiers_gabarits),
        url=url if url is not None else DEFAULT_URL,
        collectif=collectif,
        contact=contact,
        force=force,
        extra=event_variables(date_, heure, lieu),
        printing=printing,
    )


def make_city_materials(city: str, materials: Iterable[str], *, departement: str | None = None,
                        **cli_options: object) -> list[OutputLine]:
    from affiches.city.communes import resolve_city

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

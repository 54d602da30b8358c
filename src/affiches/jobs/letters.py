"""Letters to the town hall: resolve the city, compose, then write four files (and a mail).

Contract: ``plan_letter(resolution, kind, options)`` composes everything in memory
(a bad input or a text that does not fit stops before any file is written) and
returns ``PlannedLetter`` items: for ``kind`` "lettre" (layout ``lettre-maire``) or
"cada" (layout ``demande-cada``), the same letter as ``.pdf``, ``.odt``, ``.eml`` and
``.txt`` in the city's folder, plus, for a layout that has one, the short e-mail to
the campaign (``courriel-technopolice-<ville>.eml``). ``notes`` say what the user must
complete (unknown address or e-mail of the town hall) and where data was unusable.
``write_letters`` writes them with the same safe primitive as the kit (temporary file
renamed when complete, existing files kept unless ``force``). Names of files:
``<layout>-<city slug>.<ext>``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from affiches.city.communes import CityResolution
from affiches.errors import OutputError, os_reason
from affiches.jobs.kit import KitOptions, Written, atomic_write, city_folder, template_variables
from affiches.letters.compose import LetterInputs, compose_campaign_mail, compose_letter
from affiches.letters.layout import LetterLayout, load_letter_layout
from affiches.letters.page import letter_scene
from affiches.scene import Scene

LETTER_LAYOUTS = {"lettre": "lettre-maire", "cada": "demande-cada"}
LETTER_FORMATS = ("pdf", "odt", "eml", "txt")


@dataclass(frozen=True)
class LetterOptions:
    output_dir: Path = Path("output")
    layout: str = ""  # name or file; default per kind
    layout_dirs: Sequence[Path] = ()
    expediteur: str = ""
    adresse: str = ""
    courriel: str = ""
    collectif: str = ""
    maire: str = ""
    adresse_mairie: str = ""
    courriel_mairie: str = ""
    date: dt.date | None = None
    lieu: str = ""
    force: bool = False
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlannedLetter:
    scene: Scene
    path: Path
    fmt: str


@dataclass(frozen=True)
class LetterPlan:
    items: tuple[PlannedLetter, ...]
    notes: tuple[str, ...]


def plan_letter(resolution: CityResolution, kind: str, options: LetterOptions) -> LetterPlan:
    layout: LetterLayout = load_letter_layout(options.layout or LETTER_LAYOUTS[kind], options.layout_dirs)
    commune = resolution.commune
    variables = template_variables(resolution, KitOptions(collectif=options.collectif, contact=options.courriel))
    variables["mairie_adresse_brute"] = commune.mairie_adresse if commune else ""
    variables.update(options.extra)
    inputs = LetterInputs(
        variables=variables,
        population=commune.population if commune else 0,
        expediteur=options.expediteur,
        adresse=options.adresse,
        courriel=options.courriel,
        collectif=options.collectif,
        maire=options.maire,
        mairie_adresse=options.adresse_mairie,
        mairie_email=options.courriel_mairie,
        date=options.date or dt.date.today(),
        lieu=options.lieu,
    )
    letter = compose_letter(layout, inputs)
    scene = letter_scene(letter, layout)
    folder = city_folder(options.output_dir, resolution.name)
    stem = f"{layout.name}-{folder.name}"
    items = [PlannedLetter(scene, folder / f"{stem}.{fmt}", fmt) for fmt in LETTER_FORMATS]
    mail = compose_campaign_mail(layout, inputs, letter)
    if mail is not None:
        mail_scene = Scene(width=0, height=0, pages=(), background=scene.background,
                           title=mail.email_subject, layout_name=f"{layout.name}-courriel", letter=mail)
        items.append(PlannedLetter(mail_scene, folder / f"courriel-technopolice-{folder.name}.eml", "eml"))
    notes = [f"{stem} : à compléter avant l’envoi : {what}" for what in letter.to_fill]
    if len(letter.recipient[-1]) > 38 and not letter.to_fill:
        notes.append(f"{stem} : la dernière ligne de l’adresse dépasse 38 caractères ; vérifiez-la "
                     f"auprès de La Poste")
    return LetterPlan(tuple(items), tuple(notes))


def write_letters(plan: LetterPlan, options: LetterOptions) -> list[Written]:
    from affiches.render import writer_for

    written: list[Written] = []
    for item in plan.items:
        if item.path.exists() and not options.force:
            written.append(Written(item.path, "existant"))
            continue
        writer = writer_for(item.fmt)
        try:
            atomic_write(item.path, functools.partial(writer, item.scene))
        except OSError as exc:
            raise OutputError(
                f"écriture impossible de {item.path} : {os_reason(exc)} ; vérifiez le dossier --sortie"
            ) from None
        written.append(Written(item.path, "écrit"))
    return written


# Trial inputs for ``gabarits verifier``: the longest names and texts a letter meets.
TRIAL_CITIES = (("Saint-Étienne", "42"), ("Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson", "51"), ("Paris", None))
TRIAL_SENDER = LetterOptions(
    expediteur="Marie-Dominique de La Rochefoucauld-Montbel",
    adresse="Résidence des Tilleuls, bâtiment B, 128 boulevard du Maréchal-de-Lattre-de-Tassigny, "
            "42000 Saint-Étienne",
    courriel="technopolice-saint-etienne@exemple.org",
    collectif="Technopolice Saint-Étienne et environs",
    date=dt.date(2026, 9, 30),
)


def check_letter_file(path: Path, layout_dirs: Sequence[Path] = ()) -> list[str]:
    """Every problem of one letter layout: its keys and templates, then a trial letter
    for a few cities (long names, missing address) with a long sender block, which must
    hold on one page."""
    from affiches.city.communes import resolve_city
    from affiches.errors import AffichesError
    from affiches.letters.layout import check_letter_layout

    problems = check_letter_layout(path)
    if problems:
        return problems
    for city, departement in TRIAL_CITIES:
        options = LetterOptions(**{**TRIAL_SENDER.__dict__, "layout": str(path), "layout_dirs": tuple(layout_dirs)})
        try:
            plan_letter(resolve_city(city, departement), "lettre", options)
        except AffichesError as exc:
            problems.append(f"{path} : essai avec {city} : {exc}")
    return problems

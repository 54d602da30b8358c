"""Letters to the town hall in the production pipeline: variables → content → files.

Contract:
- ``LETTER_KINDS`` maps a kind (``lettre``, ``cada``; also ``lot --quoi`` materials) to
  its default letter layout; ``load_letter_layouts`` loads the chosen ones.
- ``letter_variables(city, options)`` gives every input of a letter as template
  variables: the city's and the options' (``jobs.options.template_variables``), the
  sender's (``lettre_expediteur``, ``lettre_adresse``, ``lettre_maire``,
  ``lettre_adresse_mairie``, ``lettre_courriel_mairie``, ``lettre_date``,
  ``lettre_lieu``) and the town hall's (``lettre_population``, ``lettre_mairie_lignes``).
  The batch builds the same keys from a row, so its inputs key covers them.
- ``letter_outputs(folder, kind, layout, variables, logos)`` composes the letter (nothing
  written: a bad input or a text that does not fit raises first) and returns its
  files in memory (``pipeline.OutputFile``; names from ``pipeline.letter_names``):
  ``.pdf``, ``.odt``, ``.eml``, ``.txt``, and for a layout that has one the e-mail to
  the campaign (``pipeline.campaign_mail_name``), with the notes to show (what the
  user must complete before sending).
- ``make_letter(city, kind, options)`` does that and writes with ``pipeline.write``
  (atomic, nothing outside the output folder, existing files kept unless ``force``).
- ``check_letter_file(path, dirs)`` is ``gabarits verifier`` for a letter layout.
Same inputs, same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from affiches.city.model import City
from affiches.images.artwork import Artwork
from affiches.jobs import pipeline
from affiches.jobs.options import KitOptions, template_variables
from affiches.letters.compose import LetterInputs, compose_campaign_mail, compose_letter
from affiches.letters.layout import LetterLayout, load_letter_layout
from affiches.letters.page import letter_scene
from affiches.scene import Scene

LETTER_KINDS = {"lettre": "lettre-maire", "cada": "demande-cada"}
LETTER_FORMATS = ("pdf", "odt", "eml", "txt")
# Sender columns of a batch file (and their variables, prefixed with « lettre_ »).
SENDER_FIELDS = ("expediteur", "adresse", "maire", "adresse_mairie", "courriel_mairie")


@dataclass(frozen=True)
class LetterOptions:
    output_dir: Path = Path("output")
    layout: str = ""  # name or file; default per kind
    layout_dirs: Sequence[Path] = ()
    expediteur: str = ""
    adresse: str = ""
    courriel: str = ""  # --contact
    collectif: str = ""
    maire: str = ""
    adresse_mairie: str = ""
    courriel_mairie: str = ""
    date: dt.date | None = None  # default: today
    lieu: str = ""
    force: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)
    logos: tuple[Artwork, ...] = ()  # --logo, checked (affiches.images)


def load_letter_layouts(kinds: Iterable[str], layout_dirs: Sequence[Path] = (),
                        chosen: Mapping[str, str] | None = None) -> dict[str, LetterLayout]:
    chosen = chosen or {}
    return {kind: load_letter_layout(chosen.get(kind) or LETTER_KINDS[kind], layout_dirs) for kind in kinds}


def letter_fingerprint(layout: LetterLayout) -> str:
    """Hash of the layout as parsed and of its font files (the batch's « up to date » test)."""
    from affiches.text.fonts import find_font, font_digest

    parts = [repr(layout)] + [font_digest(find_font(f, layout.search_dirs)) for f in (layout.font, layout.bold_font)]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def city_letter_variables(city: City) -> dict[str, str]:
    commune = city.commune
    return {
        "lettre_population": str(commune.population if commune else 0),
        "lettre_mairie_lignes": " | ".join(city.mairie_lignes),
    }


def sender_variables(values: Mapping[str, str], day: dt.date, lieu: str = "") -> dict[str, str]:
    """The sender's inputs as variables, from options or from a batch row's columns."""
    variables = {f"lettre_{name}": values.get(name, "") for name in SENDER_FIELDS}
    variables.update(lettre_date=day.isoformat(), lettre_lieu=lieu)
    return variables


def letter_variables(city: City, options: LetterOptions) -> dict[str, str]:
    kit = KitOptions(collectif=options.collectif, contact=options.courriel, extra=dict(options.extra))
    variables = template_variables(city, kit)
    values = {name: getattr(options, name) for name in SENDER_FIELDS}
    variables.update(sender_variables(values, options.date or dt.date.today(), options.lieu))
    variables.update(city_letter_variables(city))
    return variables


def letter_inputs(variables: Mapping[str, str]) -> LetterInputs:
    return LetterInputs(
        variables=variables,
        population=int(variables.get("lettre_population") or 0),
        expediteur=variables.get("lettre_expediteur", ""),
        adresse=variables.get("lettre_adresse", ""),
        courriel=variables.get("contact", ""),
        collectif=variables.get("collectif", ""),
        maire=variables.get("lettre_maire", ""),
        mairie_adresse=variables.get("lettre_adresse_mairie", ""),
        mairie_email=variables.get("lettre_courriel_mairie", ""),
        date=dt.date.fromisoformat(variables.get("lettre_date") or dt.date.today().isoformat()),
        lieu=variables.get("lettre_lieu", ""),
    )


def _render(scene: Scene, fmt: str) -> bytes:
    from affiches.render import writer_for

    buffer = io.BytesIO()
    writer_for(fmt)(scene, buffer)
    return buffer.getvalue()


def letter_outputs(folder: str, kind: str, layout: LetterLayout, variables: Mapping[str, str],
                   logos: Sequence[Artwork] = ()) -> tuple[list[pipeline.OutputFile], list[str]]:
    inputs = letter_inputs(variables)
    letter = compose_letter(layout, inputs)
    scene = letter_scene(letter, layout, logos)
    names = pipeline.letter_names(folder, layout.name, LETTER_FORMATS)
    outputs = [pipeline.OutputFile(name, _render(scene, fmt), kind) for fmt, name in names.items()]
    mail = compose_campaign_mail(layout, inputs, letter)
    if mail is not None:
        mail_scene = Scene(width=0, height=0, pages=(), background=scene.background,
                           title=mail.email_subject, layout_name=f"{layout.name}-courriel", letter=mail)
        outputs.append(pipeline.OutputFile(pipeline.campaign_mail_name(folder), _render(mail_scene, "eml"), kind))
    stem = f"{layout.name}-{folder}"
    notes = [f"{stem} : à compléter avant l’envoi : {what}" for what in letter.to_fill]
    if len(letter.recipient[-1]) > 38 and not letter.to_fill:
        notes.append(f"{stem} : la dernière ligne de l’adresse dépasse 38 caractères ; vérifiez-la "
                     f"auprès de La Poste")
    return outputs, notes


def make_letter(city: City, kind: str, options: LetterOptions) -> tuple[list[pipeline.Written], list[str]]:
    layout = load_letter_layouts([kind], options.layout_dirs, {kind: options.layout})[kind]
    outputs, notes = letter_outputs(city.folder, kind, layout, letter_variables(city, options), options.logos)
    return pipeline.write(outputs, options.output_dir, options.force), notes


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
    from affiches.errors import AffichesError
    from affiches.letters.layout import check_letter_layout

    problems = check_letter_layout(path)
    if problems:
        return problems
    layout = load_letter_layout(str(path), layout_dirs)
    for city_name, departement in TRIAL_CITIES:
        try:
            city = pipeline.resolve(city_name, departement)
            letter_outputs(city.folder, "lettre", layout, letter_variables(city, TRIAL_SENDER))
        except AffichesError as exc:
            problems.append(f"{path} : essai avec {city_name} : {exc}")
    return problems

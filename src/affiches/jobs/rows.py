"""Batch planning: input rows become tasks (or row failures), cheaply, in the calling process.

Contract:
- ``InputRow`` is a row of the CSV file or a commune of a département listing.
- ``Planner(settings, prints, manifest).plan(row)`` gives a ``Task`` (the city's folder,
  its template variables from ``affiches.jobs.options.template_variables``, the
  materials to (re)make, their inputs keys), a ``RowFailure`` (line, value, reason from
  the error's own message), or ``None``. The city is validated and resolved, event
  details parsed, options checked; no composition, no rendering. A row's own column
  wins over the command's option. Two rows naming the same commune (or the same
  unknown name) are an error for the second; two different communes with the same
  folder name get distinct folders (``chatillon-92023``). A name that is no commune is a
  row error unless ``keep_unknown`` is set.
- ``layout_fingerprints`` and ``inputs_key`` say when a material's files are up to date.
- Letters (``lettre``, ``cada``): the row's sender columns (``expediteur``, ``adresse``,
  ``maire``, ``adresse_mairie``, ``courriel_mairie``), the letters' date and the town
  hall's data become ``lettre_…`` variables, in the letters' inputs keys only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from affiches import __version__
from affiches.city.model import City
from affiches.errors import AffichesError, os_errors, printable
from affiches.jobs import pipeline
from affiches.jobs.diskmap import DiskMap
from affiches.jobs.manifest import Manifest, is_current
from affiches.jobs.options import LETTERS, check_text, template_variables

if TYPE_CHECKING:  # pragma: no cover
    from affiches.jobs.batch import BatchSettings

# Bumped when the way files are rendered changes without a layout or font changing.
RENDER_VERSION = "1"


@dataclass(frozen=True)
class InputRow:
    line: int  # line in the CSV file, or rank in the département listing
    city: str
    values: Mapping[str, str] = field(default_factory=dict)  # departement, collectif, date…
    extra: Mapping[str, str] = field(default_factory=dict)  # x_… variables
    unreadable: str = ""
    code_insee: str = ""  # set when the row comes from the communes database


@dataclass(frozen=True)
class Task:
    line: int
    city: str  # as typed
    name: str  # as printed
    folder: str
    variables: dict[str, str]
    materials: tuple[str, ...]  # the ones to (re)make
    keys: dict[str, str]  # material -> inputs key
    owned: dict[str, dict[str, Any]]  # relative path -> record of a file a previous run wrote
    force: bool


@dataclass(frozen=True)
class RowFailure:
    line: int
    value: str
    reason: str

    def message(self) -> str:
        return printable(f"ligne {self.line} : « {self.value} » : {self.reason}")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def layout_fingerprints(layouts: Mapping[str, Any]) -> dict[str, str]:
    """material -> hash of the layout as parsed, its fonts and image files."""
    from affiches.gabarits import ImageBlock, TextBlock
    from affiches.jobs.letters import LETTER_KINDS, letter_fingerprint
    from affiches.text.fontfile import font_digest

    prints = {}
    for material, layout in layouts.items():
        if material in LETTER_KINDS:
            prints[material] = letter_fingerprint(layout)
            continue
        parts = [repr(layout)]
        for block in layout.blocks:
            if isinstance(block, TextBlock):
                parts.append(font_digest(block.font_file))
            elif isinstance(block, ImageBlock):
                with os_errors(block.path, "vérifiez le gabarit", action="lecture impossible de"):
                    parts.append(_digest(Path(block.path).read_bytes()))
        prints[material] = _digest("\n".join(parts).encode("utf-8", "surrogatepass"))
    return prints


def inputs_key(variables: Mapping[str, str], material: str, layout_print: str) -> str:
    data = json.dumps(
        {"variables": dict(sorted(variables.items())), "materiel": material,
         "gabarit": layout_print, "version": f"{__version__}/{RENDER_VERSION}"},
        ensure_ascii=False, sort_keys=True,
    )
    return _digest(data.encode("utf-8", "surrogatepass"))[:32]


def inputs_keys(variables: Mapping[str, str], prints: Mapping[str, str],
                materials: Iterable[str], pictures: str) -> dict[str, str]:
    """``inputs_key`` of each material (letters' variables left out of the others), the
    same strings: the variables are serialised once for all the kit's materials."""
    from affiches.jobs.letters import LETTER_KINDS

    version = json.dumps(f"{__version__}/{RENDER_VERSION}", ensure_ascii=False)
    serialised: dict[bool, str] = {}
    keys = {}
    for material in materials:
        letter = material in LETTER_KINDS
        if letter not in serialised:
            chosen = {**_letter_key_variables(variables, material), "_images": pictures}
            serialised[letter] = json.dumps(chosen, ensure_ascii=False, sort_keys=True)
        # json.dumps of the dictionary of ``inputs_key`` with sorted keys, written out
        data = (f'{{"gabarit": {json.dumps(prints[material], ensure_ascii=False)}, '
                f'"materiel": {json.dumps(material, ensure_ascii=False)}, '
                f'"variables": {serialised[letter]}, "version": {version}}}')
        keys[material] = _digest(data.encode("utf-8", "surrogatepass"))[:32]
    return keys


def rows_from_departement(departement: str, population_min: int = 0) -> Iterator[InputRow]:
    from affiches.city.communes import iter_communes, normalize_departement

    code = normalize_departement(departement)
    for rank, commune in enumerate(iter_communes(code, population_min), start=1):
        yield InputRow(rank, commune.nom, {"departement": commune.departement},
                       code_insee=commune.code_insee)


def load_layouts(settings: BatchSettings) -> dict[str, Any]:
    """material -> its layout: a poster, flyer or visual layout, or a letter layout."""
    from affiches.jobs.letters import LETTER_KINDS, load_letter_layouts

    kit = [m for m in settings.materials if m not in LETTER_KINDS]
    letters = [m for m in settings.materials if m in LETTER_KINDS]
    return {**pipeline.load_layouts(kit, settings.kit),
            **load_letter_layouts(letters, settings.kit.layout_dirs, settings.kit.layouts)}


def _letter_key_variables(variables: Mapping[str, str], material: str) -> Mapping[str, str]:
    """A kit material's inputs key ignores the letters' inputs (``lettre_…``)."""
    from affiches.jobs.letters import LETTER_KINDS

    if material in LETTER_KINDS:
        return variables
    return {k: v for k, v in variables.items() if not k.startswith("lettre_")}


class Planner:
    """Turns input rows into tasks; remembers folders to catch duplicates."""

    def __init__(self, settings: BatchSettings, prints: Mapping[str, str], manifest: Manifest):
        self.settings = settings
        self.prints = prints
        self.pictures = settings.kit.pictures.fingerprint
        self.manifest = manifest
        # On disk, not in memory: a batch of 100,000 rows keeps a flat memory.
        self.seen = DiskMap()  # folder -> [identity, line]
        self.identities = DiskMap()  # commune code or typed name -> line

    def close(self) -> None:
        self.seen.close()
        self.identities.close()

    def plan(self, row: InputRow) -> Task | RowFailure | None:
        """A task, a failure, or None when every material is already up to date."""
        try:
            return self._plan(row)
        except AffichesError as exc:
            return RowFailure(row.line, row.city, exc.message)

    def _plan(self, row: InputRow) -> Task | RowFailure | None:
        from affiches.city.communes import get_commune_by_code, resolve_city
        from affiches.city.events import event_variables

        settings = self.settings
        if row.unreadable:
            return RowFailure(
                row.line, row.city,
                f"colonne « {row.unreadable} » illisible (caractères invalides) ; "
                "réenregistrez le fichier en UTF-8 ou essayez --encodage",
            )
        values = row.values
        if row.code_insee:
            commune = get_commune_by_code(row.code_insee)
            city = City.of_commune(commune) if commune else City(row.city, None)
        else:
            departement = values.get("departement") or settings.departement or None
            city = resolve_city(row.city, departement)
            if city.commune is None and not settings.keep_unknown:
                return RowFailure(
                    row.line, row.city,
                    "aucune commune de ce nom ; corrigez l’orthographe, précisez le département "
                    "ou ajoutez --garder-inconnues pour l’imprimer tel quel",
                )
        commune = city.commune
        identity = commune.code_insee if commune else "?" + city.name.casefold()
        if identity in self.identities:
            return RowFailure(
                row.line, row.city,
                f"même ville que la ligne {self.identities[identity]} ; supprimez le doublon",
            )
        self.identities[identity] = row.line
        folder = city.slug
        if folder in self.seen:
            folder = pipeline.homonym_folder(folder, commune.code_insee if commune else str(row.line))
            if folder in self.seen:  # pragma: no cover - codes are unique
                return RowFailure(row.line, row.city, f"dossier {folder} déjà pris")
        self.seen[folder] = (identity, row.line)
        if folder != city.folder:
            city = replace(city, folder=folder)

        def pick(name: str, default: str) -> str:
            value = values.get(name, "")
            return value if value.strip() else default

        extra = dict(settings.kit.extra)
        if any(values.get(k, "").strip() for k in ("date", "heure", "lieu")):
            extra.update(event_variables(pick("date", settings.date),
                                         pick("heure", settings.heure),
                                         pick("lieu", settings.lieu)))
        for key, value in row.extra.items():
            extra[key] = _check_cell(key, value)
        options = replace(
            settings.kit,
            collectif=pick("collectif", settings.kit.collectif),
            contact=pick("contact", settings.kit.contact),
            url=pick("url", settings.kit.url),
            extra=extra,
            own_words={name: pick(name, settings.kit.own_words.get(name, ""))
                       for name in ("accroche", "message", "credit")},
        )
        variables = template_variables(city, options)
        if any(m in LETTERS for m in settings.materials):
            from affiches.jobs.letters import SENDER_FIELDS, city_letter_variables, sender_variables

            sender = {name: pick(name, "") for name in SENDER_FIELDS}
            variables.update(sender_variables(sender, settings.letter_date or dt.date.today()))
            variables.update(city_letter_variables(city))
        # A changed logo, photo or crop redoes the city's files.
        keys = inputs_keys(variables, self.prints, settings.materials, self.pictures)
        entry = self.manifest.get(folder)
        root = settings.kit.output_dir
        todo = tuple(
            m for m in settings.materials
            if settings.kit.force or not is_current(entry, m, keys[m], root)
        )
        owned = {}
        if entry:
            for material in entry.get("materiels", {}).values():
                for name, record in material.get("fichiers", {}).items():
                    if isinstance(record, dict):
                        owned[name] = record
        task = Task(row.line, row.city, city.name, folder, variables, todo, keys, owned,
                    settings.kit.force)
        return task


def _check_cell(column: str, value: str) -> str:
    return check_text(value, f"colonne {column}", column)

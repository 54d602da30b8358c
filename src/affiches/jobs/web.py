"""A web request is a job like the kit and the batch: the same pipeline, results in memory.

Contract:
- A form is a flat ``Mapping[str, str]`` (the page's field names: ``ville``,
  ``collectif``, ``contact``, ``url``, ``date``, ``heure``, ``lieu``, ``gabarit_affiche``,
  ``gabarit_tract``, ``gabarit_visuel`` and the print check boxes ``imprimeur``,
  ``tuiles``, ``imposer``, ``a4``); unknown keys are ignored, a missing key is empty.
- ``check(form)``, ``preview(form, key, width)``, ``download(form, filename)`` and
  ``kit_zip(form)`` (each also takes the uploaded logo and photo, see
  ``affiches.jobs.web_pictures``) validate every field, resolve the city and compose through
  ``affiches.jobs.pipeline`` (``resolve``, ``compose_city``, ``render``: the very bytes
  the command line writes) and return plain picklable data, so they can run in a
  worker process. Nothing is ever written to disk.
- Every problem is a ``FormError`` whose ``errors`` maps a field name (or
  ``"formulaire"`` for a problem of the whole kit, ``"impression"`` for the print
  options) to the one-line French message the command line gives, without its
  leading ``--option :`` (it is shown next to the field), in French typography. A text
  that does not fit its box is shown at the field that fills that box (the error's
  ``layout`` and ``block`` fields).
- The print check boxes each add their own variant files (print shop, A4 tiles,
  imposed flyers, reduced to A4) next to the plain kit, so they never conflict.
- Layouts are loaded once per process; the last plans are cached (a page asks for the
  same form several times). Same form, same bytes (ZIP entries sorted, fixed time).
"""

from __future__ import annotations

import dataclasses
import functools
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from affiches.city.model import City
from affiches.errors import AffichesError, FormError
from affiches.gabarits import Layout
from affiches.images.artwork import UserPictures
from affiches.jobs import pipeline, web_pictures
from affiches.jobs.options import KIT, MATERIAL_LAYOUTS, MAX_OWN_WORDS, KitOptions, check_text_option, check_url
from affiches.jobs.web_letters import LETTER_BOXES, SENDER_FIELDS, LetterResult, letters
from affiches.jobs.web_pictures import Upload
from affiches.printing.modes import PrintOptions
from affiches.text.typography import french_typography

TEXT_FIELDS = ("collectif", "contact", "lieu")
OWN_WORDS = ("accroche", "message")  # the collective's own headline and sentence (--accroche, --message)
PRINT_VARIANTS: dict[str, tuple[str, ...]] = {  # check box -> materials it applies to
    "imprimeur": ("affiche", "tract"),
    "tuiles": ("affiche",),
    "imposer": ("tract",),
    "a4": ("affiche", "tract"),
}
PREVIEWS = ("affiche", "tract-recto", "tract-verso", "visuel")
MIN_WIDTH, MAX_WIDTH = 120, 1400
PREVIEW_COLORS = 64
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# template variable -> the field that fills it (a text that does not fit is shown there)
VARIABLE_FIELDS = {
    "collectif": "collectif", "signature": "collectif", "contact": "contact", "url": "url",
    "url_courte": "url", "accroche": "accroche", "message": "message",
    "evenement": "lieu", "lieu": "lieu", "date": "date", "heure": "heure",
    "ville": "ville", "a_ville": "ville", "de_ville": "ville", "ville_maj": "ville",
    "a_ville_maj": "ville", "de_ville_maj": "ville", "ville_officiel": "ville",
}
KIT_KEYS = (*TEXT_FIELDS, *OWN_WORDS, "credit", "ville", "url", "date", "heure", *(f"gabarit_{m}" for m in KIT),
            *PRINT_VARIANTS)
FORM_KEYS = (*KIT_KEYS, *LETTER_BOXES, *SENDER_FIELDS)  # the letters' fields never go in a preview's URL


@dataclass(frozen=True)
class Plan:
    city: City
    items: tuple[tuple[pipeline.Composed, PrintOptions], ...]
    letters: LetterResult | None = None


@dataclass(frozen=True)
class CityInfo:
    name: str
    departement: str
    notes: tuple[str, ...]
    known: bool  # a commune of France (False: the name is used as typed)


@dataclass(frozen=True)
class CheckResult:
    city: CityInfo
    alt_text: str
    files: tuple[tuple[str, str], ...]  # (file name, short French label)
    zip_name: str
    letter_notes: tuple[str, ...] = ()  # what to complete by hand before sending
    mailto: tuple[tuple[str, str], ...] = ()  # (letter, mailto: address) when the e-mail is known


@dataclass(frozen=True)
class FileResult:
    filename: str
    mimetype: str
    data: bytes


def field_message(error: AffichesError) -> str:
    """The command line's message, without its ``--option :`` prefix, in French typography
    (the terminal gets ordinary spaces, a web page no-break ones)."""
    message = str(error)
    prefix = f"--{error.key} : "
    if error.key and message.startswith(prefix):
        message = message[len(prefix):]
    return french_typography(message)


@functools.lru_cache(maxsize=1)
def _layouts() -> dict[str, Layout]:
    """Every layout that can be offered, loaded once per process (a server keeps them)."""
    from affiches.gabarits import available_layouts, load_layout

    loaded = {}
    for name in available_layouts():
        try:
            layout = load_layout(name)
        except AffichesError:
            continue  # a broken user layout is not offered
        if layout.material in KIT:
            loaded[name] = layout
    return loaded


def warm() -> None:
    """Import the writers and load the layouts now (a render process, before its first job)."""
    from affiches.render import writer_for

    writer_for("pdf")
    writer_for("png")
    _layouts()


def layout_choices() -> dict[str, tuple[tuple[str, str], ...]]:
    """For each kit material, the layouts that can be chosen: (name, description)."""
    choices: dict[str, list[tuple[str, str]]] = {m: [] for m in KIT}
    for name, layout in _layouts().items():
        choices[layout.material].append((name, layout.description or name))
    for material in KIT:  # the default layout first
        default = MATERIAL_LAYOUTS[material]
        choices[material].sort(key=lambda item, d=default: (item[0] != d, item[0]))  # type: ignore[misc]
    return {m: tuple(items) for m, items in choices.items()}


def _field_of(error: AffichesError, form: Mapping[str, str]) -> str:
    """The form field whose text a composition error is about ("formulaire" if unknown)."""
    from affiches.gabarits import QRBlock, TextBlock, template_fields

    layout = _layouts().get(error.layout or "")
    for block in layout.blocks if layout else ():
        if block.name == error.block:
            template = block.template if isinstance(block, TextBlock) else (
                block.data if isinstance(block, QRBlock) else "")
            fields = [VARIABLE_FIELDS[v] for v in template_fields(template) if v in VARIABLE_FIELDS]
            filled = [f for f in fields if _value(form, f).strip()]
            return (filled or fields or ["formulaire"])[0]
    return "formulaire"


def _value(form: Mapping[str, str], key: str) -> str:
    value = form.get(key, "")
    return value if isinstance(value, str) else ""


def _checked(form: Mapping[str, str], key: str) -> bool:
    return _value(form, key) not in ("", "0", "non")


def _validate(form: Mapping[str, str],
              pictures: UserPictures) -> tuple[City, KitOptions, tuple[str, ...], dict[str, str]]:
    from affiches.city.events import event_variables, format_time, parse_date

    errors: dict[str, str] = {}
    city = None
    try:
        city = pipeline.resolve(_value(form, "ville"))
    except AffichesError as exc:
        errors["ville"] = field_message(exc)
    texts = {}
    for name in TEXT_FIELDS:
        try:
            texts[name] = check_text_option(name, _value(form, name))
        except AffichesError as exc:
            errors[name] = field_message(exc)
    for name in OWN_WORDS:
        try:
            texts[name] = check_text_option(name, _value(form, name), MAX_OWN_WORDS)
        except AffichesError as exc:
            errors[name] = field_message(exc)
    url = _value(form, "url").strip()
    try:
        url = check_url(url) if url else ""
    except AffichesError as exc:
        errors["url"] = field_message(exc)
    for name, parse in (("date", parse_date), ("heure", format_time)):
        try:
            if _value(form, name).strip():
                parse(_value(form, name))
        except AffichesError as exc:
            errors[name] = field_message(exc)
    layouts = {}
    choices = layout_choices()
    for material in KIT:
        chosen = _value(form, f"gabarit_{material}") or MATERIAL_LAYOUTS[material]
        names = [name for name, _ in choices[material]]
        if chosen not in names:
            errors[f"gabarit_{material}"] = french_typography(
                f"gabarit « {chosen[:60]} » inconnu ; choisissez parmi {', '.join(names)}")
        layouts[material] = chosen
    from affiches.jobs import web_letters

    senders = web_letters.validate(form, _letter_kinds(form), errors)
    if errors or city is None:
        raise FormError(errors)
    options = KitOptions(layouts=layouts, collectif=texts["collectif"], contact=texts["contact"],
                         extra=event_variables(_value(form, "date"), _value(form, "heure"), texts["lieu"]),
                         own_words={**{name: texts[name] for name in OWN_WORDS},
                                    "credit": _value(form, "credit") if pictures.photo else ""},
                         pictures=pictures)
    if url:
        options = dataclasses.replace(options, url=url)
    return city, options, tuple(v for v in PRINT_VARIANTS if _checked(form, v)), senders


def _letter_kinds(form: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(kind for kind in LETTER_BOXES if _checked(form, kind))


def _print_options(variant: str) -> PrintOptions:
    from affiches.jobs.options import build_print_options

    return build_print_options(**{variant: True})  # type: ignore[arg-type]


@functools.lru_cache(maxsize=32)
def _plan(items: tuple[tuple[str, str], ...], materials: tuple[str, ...], pictures: UserPictures) -> Plan:
    form = dict(items)
    city, options, variants, senders = _validate(form, pictures)
    layouts = {m: _layouts()[name] for m, name in options.layouts.items()}
    try:
        planned = [(c, options.printing) for c in pipeline.compose_city(city, materials, options, layouts)]
    except AffichesError as exc:
        raise FormError({_field_of(exc, form): field_message(exc)}) from None
    for variant in variants if materials == KIT else ():
        printing = _print_options(variant)
        try:
            extra = pipeline.compose_city(city, PRINT_VARIANTS[variant],
                                          dataclasses.replace(options, printing=printing), layouts)
        except AffichesError as exc:
            raise FormError({"impression": field_message(exc)}) from None
        planned.extend((c, printing) for c in extra)
    written = None
    if materials == KIT and _letter_kinds(form):
        try:
            written = letters(city, senders, _letter_kinds(form), options.collectif, options.contact)
        except AffichesError as exc:
            raise FormError({"lettres": field_message(exc)}) from None
    return Plan(city, tuple(planned), written)


def plan(form: Mapping[str, str], materials: tuple[str, ...] = KIT, uploads: Sequence[Upload] = ()) -> Plan:
    """Validate the form and compose every file of ``materials`` (the print variants too
    for the whole kit)."""
    keys = FORM_KEYS if materials == KIT else KIT_KEYS  # a preview does not depend on the letters
    return _plan(tuple((k, _value(form, k)) for k in keys), materials, web_pictures.pictures(uploads))


def _basename(name: str) -> str:
    return PurePosixPath(name).name


def _label(item: pipeline.Composed, printing: PrintOptions) -> str:
    what = {"affiche": "Affiche", "tract": "Tract", "visuel": "Visuel"}[item.material]
    how = {"tuiles": "en tuiles A4 à assembler", "imposer": "imposé, deux par feuille A4",
           "a4": "réduit sur une A4"}.get(item.print_mode, "")
    if not how and printing.for_print_shop:
        how = "pour l’imprimerie"
    fmt = item.layout.output_format.upper()
    return f"{what} {how} ({fmt})" if how else f"{what} ({fmt})"


def check(form: Mapping[str, str], uploads: Sequence[Upload] = ()) -> CheckResult:
    result = plan(form, KIT, uploads)
    city, planned = result.city, result.items
    files: list[tuple[str, str]] = []
    alt = ""
    for item, printing in planned:
        files.append((_basename(item.name), _label(item, printing)))
        if item.alt_text_name:
            files.append((_basename(item.alt_text_name), "Texte alternatif du visuel (TXT)"))
            alt = alt or item.scene.alt_text
    letter_notes: tuple[str, ...] = ()
    mailto: tuple[tuple[str, str], ...] = ()
    if result.letters:
        files.extend((_basename(f.name), label) for f, label in zip(result.letters.files, result.letters.labels,
                                                                    strict=True))
        letter_notes = tuple(french_typography(note) for note in result.letters.notes)
        mailto = result.letters.mailto
    notes = tuple(french_typography(note) for note in city.notes)
    info = CityInfo(city.name, city.departement, notes, city.commune is not None)
    return CheckResult(info, alt, tuple(files), f"{city.folder}.zip", letter_notes, mailto)


def preview(form: Mapping[str, str], key: str, width: int, uploads: Sequence[Upload] = ()) -> bytes:
    """A PNG of one preview (``PREVIEWS``), ``width`` pixels wide (bounded), palette."""
    from PIL import Image

    from affiches.render.png import PngOptions, render_image, scene_colors, to_palette

    if key not in PREVIEWS:
        raise FormError({"apercu": french_typography(
            f"aperçu « {key[:40]} » inconnu ; choisissez parmi {', '.join(PREVIEWS)}")})
    width = max(MIN_WIDTH, min(MAX_WIDTH, width))
    material, _, side = key.partition("-")
    scene = plan(form, (material,), uploads).items[0][0].scene
    page = min(2 if side == "verso" else 1, len(scene.pages))
    if scene.pixel_size is None:
        image = render_image(scene, PngOptions(page=page, dpi=72 * width / scene.width))
    else:
        image = render_image(scene, PngOptions(page=page))
        if image.width > width:
            image = image.resize((width, max(1, round(image.height * width / image.width))),
                                 Image.Resampling.LANCZOS)
    buffer = io.BytesIO()  # a palette is 2x quicker to encode and 2x smaller than RGB; flat colours exact
    to_palette(image, PREVIEW_COLORS, scene_colors(scene, page)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _mimetype(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return {".pdf": "application/pdf", ".png": "image/png", ".txt": "text/plain; charset=utf-8",
            ".odt": "application/vnd.oasis.opendocument.text", ".eml": "message/rfc822"}[suffix]


def download(form: Mapping[str, str], filename: str, uploads: Sequence[Upload] = ()) -> FileResult:
    result = plan(form, KIT, uploads)
    for output in result.letters.files if result.letters else ():
        if _basename(output.name) == filename:
            return FileResult(filename, _mimetype(filename), output.data)
    for item, printing in result.items:
        if filename in (_basename(item.name), _basename(item.alt_text_name or "")):
            for output in pipeline.render_one(item, printing):
                if _basename(output.name) == filename:
                    return FileResult(filename, _mimetype(filename), output.data)
    raise FormError({"fichier": french_typography(
        f"fichier « {filename[:80]} » inconnu pour ce kit ; rechargez la page")})


def kit_zip(form: Mapping[str, str], uploads: Sequence[Upload] = ()) -> FileResult:
    """Every file of the kit (and the print variants asked for) in one ZIP, in memory."""
    result = plan(form, KIT, uploads)
    entries = {output.name: output.data for item, printing in result.items
               for output in pipeline.render_one(item, printing)}
    entries.update((output.name, output.data) for output in (result.letters.files if result.letters else ()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED if name.endswith(".txt") else zipfile.ZIP_STORED
            archive.writestr(info, entries[name])
    return FileResult(f"{result.city.folder}.zip", "application/zip", buffer.getvalue())

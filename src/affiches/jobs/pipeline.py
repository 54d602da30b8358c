"""The one production pipeline: resolve → plan → compose → render → write.

Every command that makes materials goes through these functions: ``kit``,
``affiche``, ``tract``, ``visuel`` (``affiches.jobs.kit``), ``lot`` (the batch only adds
scheduling, the manifest and progress), the designers' previews and the fit report
(their variables), and the web page (``render_city``: bytes in memory, no disk).

Contract:
- ``resolve(typed, departement)`` → ``City`` (``affiches.city.communes.resolve_city``).
- ``load_layouts(materials, options)`` → ``{material: Layout}`` (``--gabarit`` or default).
- ``plan(folder, materials, layouts, printing)`` → ``[PlannedOutput]``: the ONLY place
  where output names are decided: ``<folder>/<layout>-<folder><variant>.<ext>``
  (``variant`` is the print mode's suffix, ``-imprimeur``, ``-a4-tuiles``…; ``ext`` the
  layout's format, ``jpg`` for a screen visual with a photo: ``output_format``) and, for
  a PNG, its alt text ``<folder>/<layout>-<folder>.txt``. Names are relative to the
  output root, ``/``-separated. Print options that apply to no material are an error.
  The other names of a city's outputs live next to it: ``homonym_folder`` (a batch's
  second city with the same slug), ``preview_name`` and ``sheet_name`` (designers'
  previews).
- ``compose(planned, variables, printing, root, pictures)`` → ``[Composed]``: every scene
  (with the user's logos and photo, ``affiches.images``)
  composed, QR codes checked for the print mode; the first problem raises before
  anything is rendered or written.
- ``render(composed, printing)`` → ``[OutputFile]`` (name, bytes, material): the files'
  exact bytes in memory, alt texts included (UTF-8, one final newline).
- ``write(files, root, force)`` → ``[Written]``: each file through
  ``affiches.jobs.files.write_file`` (atomic, nothing outside ``root``); an existing
  file is left alone (status ``existant``) unless ``force``. When a write fails (a full
  disk), the ``OutputError`` lists the files already written, each complete.
- ``render_city(typed, materials, options)`` → (``City``, ``[OutputFile]``): the whole
  pipeline without writing.
Same inputs, same bytes: nothing here depends on time, process or order of calls.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from affiches.city.model import City
from affiches.errors import OutputError
from affiches.gabarits import Layout, load_layout
from affiches.images.artwork import NO_PICTURES, UserPictures
from affiches.jobs import files
from affiches.jobs.options import MATERIAL_LAYOUTS, KitOptions, template_variables
from affiches.printing.modes import PrintOptions, check_materials, check_printable, file_suffix, mode_for
from affiches.scene import Scene

ALT_TEXT_SUFFIX = ".txt"
PREVIEWS_FOLDER = "apercus"


@dataclass(frozen=True)
class PlannedOutput:
    """One file a city's run will write, before composing it."""

    material: str
    layout: Layout
    mode: str  # see affiches.printing.modes.mode_for
    name: str  # relative to the output root
    alt_text_name: str | None = None  # PNG only; written when the scene has an alt text


@dataclass(frozen=True)
class Composed:
    """A material composed for a city: its layout and scene."""

    material: str
    layout: Layout
    scene: Scene
    path: Path  # final path of the main file (root / name)
    alt_text_path: Path | None
    print_mode: str
    name: str
    alt_text_name: str | None


@dataclass(frozen=True)
class OutputFile:
    """A rendered file: its name (relative to the output root) and bytes."""

    name: str  # relative to the output root
    data: bytes
    material: str


@dataclass(frozen=True)
class Written:
    """A file once written (or found already there)."""

    path: Path
    status: str  # "écrit" | "existant"


def resolve(typed: str, departement: str | None = None) -> City:
    from affiches.city.communes import resolve_city

    return resolve_city(typed, departement)


def layout_for(material: str, options: KitOptions) -> Layout:
    return load_layout(options.layouts.get(material, MATERIAL_LAYOUTS[material]), options.layout_dirs)


def load_layouts(materials: Iterable[str], options: KitOptions) -> dict[str, Layout]:
    return {material: layout_for(material, options) for material in materials}


def homonym_folder(slug: str, distinction: str) -> str:
    """The folder of a second city whose slug is taken (batch): ``chatillon-92023``."""
    return f"{slug}-{distinction.lower()}"


def preview_name(layout_stem: str, city: City) -> str:
    """``gabarits apercu``: ``apercus/<layout>-<city>.png`` below the output folder."""
    return f"{PREVIEWS_FOLDER}/{layout_stem}-{city.slug}.png"


def sheet_name(city: City) -> str:
    """``gabarits planche``: ``apercus/planche-<city>.png`` below the output folder."""
    return f"{PREVIEWS_FOLDER}/planche-{city.slug}.png"


def output_format(layout: Layout, pictures: UserPictures = NO_PICTURES) -> str:
    """The layout's format, except that a screen visual with a photo block, when a photo
    is given, is a JPEG (a photograph: a PNG would be five to ten times bigger)."""
    from affiches.gabarits import PhotoBlock

    if layout.output_format == "png" and pictures.photo is not None and any(
        isinstance(block, PhotoBlock) for block in layout.blocks
    ):
        return "jpg"
    return layout.output_format


def output_name(folder: str, layout: Layout, mode: str, printing: PrintOptions,
                pictures: UserPictures = NO_PICTURES) -> str:
    suffix = file_suffix(mode, printing) if layout.output_format == "pdf" else ""
    return f"{folder}/{layout.name}-{folder}{suffix}.{output_format(layout, pictures)}"


def letter_names(folder: str, layout_name: str, formats: Sequence[str]) -> dict[str, str]:
    """A letter's files, one per format: ``<folder>/<layout>-<folder>.<ext>``."""
    return {fmt: f"{folder}/{layout_name}-{folder}.{fmt}" for fmt in formats}


def campaign_mail_name(folder: str) -> str:
    """The e-mail telling the campaign a request was sent: ``<folder>/courriel-technopolice-<folder>.eml``."""
    return f"{folder}/courriel-technopolice-{folder}.eml"


def plan(folder: str, materials: Sequence[str], layouts: Mapping[str, Layout],
         printing: PrintOptions, pictures: UserPictures = NO_PICTURES) -> list[PlannedOutput]:
    files.split_name(folder)  # a folder name never climbs out of the root
    if printing.any:
        check_materials(tuple(materials), {m: layouts[m].output_format for m in materials}, printing)
    planned = []
    for material in materials:
        layout = layouts[material]
        mode = mode_for(material, layout.output_format, printing)
        name = output_name(folder, layout, mode, printing, pictures)
        alt = name.rsplit(".", 1)[0] + ALT_TEXT_SUFFIX if layout.output_format == "png" else None
        planned.append(PlannedOutput(material, layout, mode, name, alt))
    return planned


def compose(planned: Sequence[PlannedOutput], variables: Mapping[str, str], printing: PrintOptions,
            root: Path = Path(), pictures: UserPictures = NO_PICTURES) -> list[Composed]:
    from affiches.compose import compose as compose_scene

    composed = []
    for item in planned:
        scene = compose_scene(item.layout, variables, pictures)
        if item.layout.output_format == "pdf":
            check_printable(scene, item.layout.name, item.mode, printing)
        alt = item.alt_text_name if scene.alt_text else None
        composed.append(Composed(item.material, item.layout, scene, root / item.name,
                                 root / alt if alt else None, item.mode, item.name, alt))
    return composed


def render_one(item: Composed, printing: PrintOptions) -> list[OutputFile]:
    from affiches.render import writer_for

    buffer = io.BytesIO()
    fmt = item.name.rsplit(".", 1)[-1]  # the layout's format, or jpg for a photo visual
    writer_for(fmt, item.print_mode, printing)(item.scene, buffer)
    out = [OutputFile(item.name, buffer.getvalue(), item.material)]
    if item.alt_text_name:
        out.append(OutputFile(item.alt_text_name, (item.scene.alt_text + "\n").encode("utf-8"),
                              item.material))
    return out


def render(composed: Sequence[Composed], printing: PrintOptions) -> list[OutputFile]:
    return [file for item in composed for file in render_one(item, printing)]


def write(outputs: Sequence[OutputFile], root: Path, force: bool = False) -> list[Written]:
    written = []
    for output in outputs:
        path = root / output.name
        if not force and files.exists(root, output.name):
            written.append(Written(path, "existant"))
            continue
        try:
            files.write_file(root, output.name, output.data)
        except OutputError as exc:  # a full disk: say which files are there, complete
            done = [str(w.path) for w in written if w.status == "écrit"]
            note = f" ; déjà écrits (complets) : {', '.join(done)}" if done else " ; aucun fichier écrit"
            raise OutputError(str(exc) + note, path=exc.path, detail=exc.detail + note) from None
        written.append(Written(path, "écrit"))
    return written


def compose_city(city: City, materials: Iterable[str], options: KitOptions,
                 layouts: Mapping[str, Layout] | None = None) -> list[Composed]:
    """Plan and compose every material of a city (nothing rendered or written)."""
    materials = tuple(materials)
    chosen = {m: layouts[m] if layouts and m in layouts else layout_for(m, options) for m in materials}
    variables = template_variables(city, options)
    planned = plan(city.folder, materials, chosen, options.printing, options.pictures)
    return compose(planned, variables, options.printing, options.output_dir, options.pictures)


def render_city(typed: str, materials: Iterable[str], options: KitOptions,
                departement: str | None = None) -> tuple[City, list[OutputFile]]:
    """The files of a city's materials, in memory (the web page's entry point)."""
    city = resolve(typed, departement)
    return city, render(compose_city(city, materials, options), options.printing)


def make_city(city: City, materials: Iterable[str], options: KitOptions) -> list[Written]:
    """Compose everything, then render and write: a problem stops all before any file."""
    outputs = render(compose_city(city, materials, options), options.printing)
    return write(outputs, options.output_dir, options.force)

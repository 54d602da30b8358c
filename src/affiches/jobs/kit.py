"""A city's kit: resolve the city, fill the variables, compose, write files safely.

Contract:
- ``template_variables(resolution, options)`` gives every variable a layout may use.
- ``plan_kit(...)`` composes every requested material in memory first (so a text that
  does not fit, or a bad option, stops everything before a single file is written)
  and returns ``Planned`` items; ``write_planned`` writes them.
- Files land in ``<output>/<city slug>/``; each is written to a hidden temporary file
  in that folder and renamed when complete, so no half-written file is ever visible.
  An existing file is left alone unless ``force`` is set.
- Nothing is written outside the output folder: the slug is ASCII without separators
  and every target path is checked to lie inside it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from affiches.campaign import DEFAULT_URL, HASHTAG
from affiches.city.communes import CityResolution, city_forms, slugify
from affiches.compose import compose
from affiches.errors import AffichesError, OutputError, os_reason
from affiches.gabarits import Layout, load_layout
from affiches.printing.modes import PrintOptions, check_materials, check_printable, file_suffix, mode_for
from affiches.scene import Scene

MATERIAL_LAYOUTS = {"affiche": "affiche-a3", "tract": "tract-a5", "visuel": "visuel-carre"}
KIT = ("affiche", "tract", "visuel")
MAX_OPTION_LENGTH = 200


class OptionError(AffichesError):
    """An option's value cannot be used."""


@dataclass(frozen=True)
class KitOptions:
    output_dir: Path = Path("output")
    layouts: Mapping[str, str] = field(default_factory=dict)  # material -> layout name or file
    layout_dirs: Sequence[Path] = ()
    url: str = DEFAULT_URL
    collectif: str = ""
    contact: str = ""
    force: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)  # event and batch columns
    printing: PrintOptions = field(default_factory=PrintOptions)  # print shop / office


@dataclass(frozen=True)
class Planned:
    material: str
    layout: Layout
    scene: Scene
    path: Path  # final path of the main file
    alt_text_path: Path | None = None
    print_mode: str = "page"  # see affiches.printing.modes.mode_for


@dataclass(frozen=True)
class Written:
    path: Path
    status: str  # "écrit" | "existant"


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise OptionError(
            f"--url : « {url} » n’est pas une adresse web ; donnez une adresse complète, "
            f"par exemple {DEFAULT_URL}"
        )
    return url


def check_text_option(name: str, value: str) -> str:
    value = " ".join(value.split())
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise OptionError(f"--{name} : caractère de contrôle interdit ; retirez-le")
    if len(value) > MAX_OPTION_LENGTH:
        raise OptionError(
            f"--{name} : texte trop long ({len(value)} caractères, {MAX_OPTION_LENGTH} au plus) ; raccourcissez-le"
        )
    return value


def short_url(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def template_variables(resolution: CityResolution, options: KitOptions) -> dict[str, str]:
    commune = resolution.commune
    variables = city_forms(resolution.name, commune)
    collectif = check_text_option("collectif", options.collectif)
    contact = check_text_option("contact", options.contact)
    url = check_url(options.url)
    variables.update(
        departement=commune.departement if commune else "",
        collectif=collectif,
        contact=contact,
        signature=" — ".join(part for part in (collectif, contact) if part),
        url=url,
        url_courte=short_url(url),
        hashtag=HASHTAG,
        mairie_adresse=(commune.mairie_adresse.replace(" | ", ", ") if commune else ""),
        mairie_email=commune.mairie_email if commune else "",
        evenement="",
        date="",
        heure="",
        lieu="",
    )
    variables.update(options.extra)
    return variables


def layout_for(material: str, options: KitOptions) -> Layout:
    return load_layout(options.layouts.get(material, MATERIAL_LAYOUTS[material]), options.layout_dirs)


def city_folder(output_dir: Path, name: str) -> Path:
    return output_dir / slugify(name)


def plan_kit(
    resolution: CityResolution,
    materials: Iterable[str],
    options: KitOptions,
    layouts: Mapping[str, Layout] | None = None,
) -> list[Planned]:
    variables = template_variables(resolution, options)
    folder = city_folder(options.output_dir, resolution.name)
    slug = folder.name
    planned = []
    materials = tuple(materials)
    chosen = {
        m: layouts[m] if layouts and m in layouts else layout_for(m, options) for m in materials
    }
    if options.printing.any:
        formats = {m: lay.output_format for m, lay in chosen.items()}
        check_materials(materials, formats, options.printing)
    for material in materials:
        layout = chosen[material]
        scene = compose(layout, variables)
        mode = mode_for(material, layout.output_format, options.printing)
        if layout.output_format == "pdf":
            check_printable(scene, layout.name, mode, options.printing)
        suffix = file_suffix(mode, options.printing) if layout.output_format == "pdf" else ""
        path = folder / f"{layout.name}-{slug}{suffix}.{layout.output_format}"
        alt = path.with_suffix(".txt") if layout.output_format == "png" and scene.alt_text else None
        planned.append(Planned(material, layout, scene, path, alt, mode))
    return planned


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, produce: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file in the same folder, renamed when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.chmod(temp_name, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as stream:
            produce(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _write_scene(writer: Callable[..., None], scene: Scene, stream: BinaryIO) -> None:
    writer(scene, stream)


def write_planned(planned: Sequence[Planned], options: KitOptions) -> list[Written]:
    from affiches.render import writer_for

    root = options.output_dir
    written: list[Written] = []
    for item in planned:
        targets = [item.path] + ([item.alt_text_path] if item.alt_text_path else [])
        for target in targets:
            if not _inside(target, root):  # pragma: no cover - slugs cannot escape
                raise OutputError(f"chemin de sortie hors du dossier {root} : {target}")
        if item.path.exists() and not options.force:
            written.append(Written(item.path, "existant"))
        else:
            writer = writer_for(item.layout.output_format, item.print_mode, options.printing)
            try:
                atomic_write(item.path, functools.partial(_write_scene, writer, item.scene))
            except OSError as exc:
                raise OutputError(
                    f"écriture impossible de {item.path} : {os_reason(exc)} ; vérifiez le dossier --sortie"
                ) from None
            written.append(Written(item.path, "écrit"))
        if item.alt_text_path:
            alt_path = item.alt_text_path
            if alt_path.exists() and not options.force:
                written.append(Written(alt_path, "existant"))
            else:
                data = (item.scene.alt_text + "\n").encode("utf-8")
                atomic_write(alt_path, lambda stream, d=data: stream.write(d))  # type: ignore[misc]
                written.append(Written(alt_path, "écrit"))
    return written


def make_kit(resolution: CityResolution, materials: Iterable[str], options: KitOptions) -> list[Written]:
    return write_planned(plan_kit(resolution, materials, options), options)

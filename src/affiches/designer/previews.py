"""Designers' tools: full checks, previews, watch mode, contact sheet, new layouts.

Contract:
- ``check_layout_file(path, dirs)`` returns every ``Problem`` of a layout file: the
  structural and design checks of ``layout.check_file`` and, when those pass, a trial
  composition of each block with sample variables (``sample_variables``: a real city,
  a signature and an event) and again with each variable a ``si`` condition tests
  emptied (``condition_variants``), so every block is tried in every case where it is
  shown, ``si = "!evenement"`` included: texts that cannot
  fit, characters missing from the block's font (bundled or the designer's own), QR
  codes too small. Each problem points at the block's line.
- ``preview_image(layout, variables, max_side)`` composes and rasterises every page side
  by side, scaled to fit ``max_side`` pixels (Pillow image); ``write_preview`` writes it
  atomically (below an output folder: through no linked folder).
- ``watch(path, ...)`` polls the layout file, the files it inherits from and their
  fonts and images every ``interval`` seconds, re-renders the preview on every change
  and reports what changed or what is wrong through ``say``; it never stops on a
  layout error (only when ``should_stop()`` is true or on Ctrl-C).
- ``contact_sheet(layouts, variables)`` draws every layout, labelled, on one image.
Everything user-facing is French. Pillow is imported only by the functions that draw.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from affiches.campaign import LABEL_FONT_BOLD, LABEL_FONT_REGULAR
from affiches.city.model import City
from affiches.errors import AffichesError, OutputError, os_reason
from affiches.gabarits import (
    Block,
    ImageBlock,
    Layout,
    Problem,
    TextBlock,
    check_file,
    load_layout,
    template_literal,
)

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image as PILImage

SAMPLE_CITY = "Saint-Étienne"
PREVIEW_MAX_SIDE = 1200
SHEET_CELL = 420  # height of one layout's thumbnail on the contact sheet, pixels


def sample_variables(
    city: str | City = SAMPLE_CITY, departement: str | None = None, with_extras: bool = True
) -> dict[str, str]:
    """Template variables for ``city`` (typed, or already resolved); with ``with_extras``,
    a signature and an event too."""
    from affiches.designer.fitreport import SAMPLE_EXTRA
    from affiches.jobs.options import KitOptions, template_variables
    from affiches.jobs.pipeline import resolve

    resolved = city if isinstance(city, City) else resolve(city, departement)
    variables = template_variables(resolved, KitOptions())
    if with_extras:
        for key in ("collectif", "contact", "signature", "evenement", "date", "heure", "lieu"):
            variables[key] = SAMPLE_EXTRA[key]
    return variables


# ----------------------------------------------------------------- checks


def composition_problems(
    layout: Layout, variables: Mapping[str, str]
) -> list[tuple[tuple[Any, ...], str]]:
    """Compose each block alone with ``variables``; what goes wrong, by block key."""
    from affiches.compose import compose_block
    from affiches.text.typography import french_typography

    found: list[tuple[tuple[Any, ...], str]] = []
    for block in layout.blocks:
        if isinstance(block, TextBlock):
            literal = french_typography(template_literal(block.template))
            missing = block.metrics.missing_chars(literal.upper() if block.uppercase else literal)
            if missing:
                chars = ", ".join(f"« {c} » (U+{ord(c):04X})" for c in missing)
                found.append(
                    (
                        ("blocs", block.index, "texte"),
                        f"caractère(s) absent(s) de la police {block.metrics.name} : {chars}",
                    )
                )
                continue
        for variant in condition_variants(layout, block, variables):
            try:
                compose_block(block, layout, variant)
            except AffichesError as exc:
                key = "texte" if isinstance(block, TextBlock) else "boite"
                if isinstance(block, ImageBlock):
                    key = "fichier"
                found.append((("blocs", block.index, key), exc.detail))
                break  # one problem per block: the first variant that fails
    return found


def condition_variants(layout: Layout, block: Block, variables: Mapping[str, str]) -> list[dict[str, str]]:
    """The variable sets under which ``block`` is shown: the sample as given, and the sample
    with each variable the layout's conditions test emptied (``si = "!evenement"`` blocks are
    shown only without an event), when the block's own condition holds in it."""
    from affiches.compose import condition_met

    tested = sorted({b.condition.lstrip("!") for b in layout.blocks if b.condition})
    variants = [dict(variables)] + [{**variables, name: ""} for name in tested if variables.get(name)]
    return [v for v in variants if condition_met(block.condition, v)]


def check_layout_file(
    path: Path | str, dirs: Sequence[Path | str] = (), variables: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every problem of one layout file, each at its file and line."""
    sample = dict(variables) if variables is not None else sample_variables()

    def trial(layout: Layout) -> list[tuple[tuple[Any, ...], str]]:
        return composition_problems(layout, sample)

    return check_file(path, dirs, extra_checks=(trial,))


# ----------------------------------------------------------------- preview


def preview_image(
    layout: Layout, variables: Mapping[str, str], max_side: int = PREVIEW_MAX_SIDE
) -> PILImage.Image:
    """Every page of the layout, side by side, scaled to fit ``max_side`` pixels."""
    from PIL import Image as PILImageModule

    from affiches.compose import compose
    from affiches.render.png import PngOptions, render_image

    scene = compose(layout, variables)
    pages = len(scene.pages)
    gap = 16 if pages > 1 else 0
    # Points per pixel so that all pages side by side fit max_side.
    total_w = scene.width * pages
    room = max_side - gap * (pages - 1) - pages  # a pixel per page for rounding
    scale = min(room / total_w, max_side / scene.height)
    dpi = 72 * scale
    images = []
    for number in range(1, pages + 1):
        if scene.pixel_size is not None:
            image = render_image(scene, PngOptions(page=number))
            if max(image.size) * pages > max_side:
                w = max(1, round(image.width * scale * 4 / 3))
                h = max(1, round(image.height * scale * 4 / 3))
                image = image.resize((w, h), PILImageModule.Resampling.LANCZOS)
        else:
            image = render_image(scene, PngOptions(page=number, dpi=dpi))
        images.append(image)
    width = sum(i.width for i in images) + gap * (pages - 1)
    height = max(i.height for i in images)
    sheet = PILImageModule.new("RGB", (width, height), (128, 128, 128))
    x = 0
    for image in images:
        sheet.paste(image, (x, 0))
        x += image.width + gap
    return sheet


def write_preview(image: PILImage.Image, target: Path, root: Path | None = None) -> None:
    """Write the PNG atomically; below ``root`` (the output folder), through no linked folder."""
    from affiches.jobs.files import write_path, write_under

    def produce(stream: Any) -> None:
        image.save(stream, format="PNG", optimize=False)

    if root is None:
        write_path(target, produce)
    else:
        write_under(root, target, produce)


# ----------------------------------------------------------------- watch


def watched_files(path: Path, dirs: Sequence[Path | str] = ()) -> list[Path]:
    """The layout file, the files it inherits from, and the fonts and images it uses."""
    files = [path.resolve()]
    try:
        layout = load_layout(path, dirs)
    except AffichesError:
        return files
    files.extend(f for f in layout.files if f not in files)
    for block in layout.blocks:
        if isinstance(block, TextBlock) and block.font_file not in files:
            files.append(block.font_file)
        elif isinstance(block, ImageBlock) and block.path.is_file() and block.path not in files:
            files.append(block.path)
    return files


def _stamp(paths: Sequence[Path]) -> dict[Path, int | None]:
    stamps: dict[Path, int | None] = {}
    for p in paths:
        try:
            st = p.stat()
            stamps[p] = st.st_mtime_ns ^ st.st_size
        except OSError:
            stamps[p] = None
    return stamps


def forget_font_caches() -> None:
    """Drop per-process font caches so an edited font file is read again."""
    from affiches.text.fonts import forget_fonts

    forget_fonts()
    from affiches.render.png_flat import forget_caches

    forget_caches()


@dataclass(frozen=True)
class RenderOutcome:
    ok: bool
    lines: tuple[str, ...]
    seconds: float


def render_once(
    path: Path,
    target: Path,
    variables: Mapping[str, str],
    dirs: Sequence[Path | str] = (),
    max_side: int = PREVIEW_MAX_SIDE,
    root: Path | None = None,
) -> RenderOutcome:
    """Check, compose and write the preview; problems are reported, never raised."""
    start = time.perf_counter()
    problems = check_file(path, dirs, design=True)
    errors = [str(p) for p in problems]
    try:
        layout = load_layout(path, dirs)
        image = preview_image(layout, variables, max_side)
        write_preview(image, target, root)
    except OutputError as exc:
        return RenderOutcome(False, (*errors, exc.detail), time.perf_counter() - start)
    except AffichesError as exc:
        return RenderOutcome(
            False, (*errors, f"{path}: aperçu impossible : {exc}"), time.perf_counter() - start
        )
    except OSError as exc:
        return RenderOutcome(
            False,
            (*errors, f"{target}: écriture impossible : {os_reason(exc)}"),
            time.perf_counter() - start,
        )
    return RenderOutcome(not errors, tuple(errors), time.perf_counter() - start)


def watch(
    path: Path,
    target: Path,
    variables: Mapping[str, str],
    say: Callable[[str], None],
    dirs: Sequence[Path | str] = (),
    interval: float = 0.2,
    should_stop: Callable[[], bool] = lambda: False,
    max_side: int = PREVIEW_MAX_SIDE,
    root: Path | None = None,
) -> int:
    """Re-render the preview whenever a watched file changes; returns the number of renders."""
    renders = 0

    def render(reason: str) -> None:
        nonlocal renders
        outcome = render_once(path, target, variables, dirs, max_side, root)
        renders += 1
        stamp = time.strftime("%H:%M:%S")
        for line in outcome.lines:
            say(line)
        state = (
            "aperçu à jour"
            if outcome.ok
            else (
                "aperçu à jour malgré les problèmes ci-dessus"
                if target.exists() and not any("aperçu impossible" in ln for ln in outcome.lines)
                else "aperçu non mis à jour"
            )
        )
        say(f"[{stamp}] {reason} → {state} : {target} ({outcome.seconds:.2f} s)")

    files = watched_files(path, dirs)
    stamps = _stamp(files)
    render("premier rendu")
    say(f"Surveillance de {len(files)} fichier(s) ; Ctrl-C pour arrêter.")
    while not should_stop():
        time.sleep(interval)
        current = _stamp(files)
        changed = [p for p in files if current.get(p) != stamps.get(p)]
        if not changed:
            continue
        stamps = current  # taken before rendering: a save during the render is seen next time
        if any(p.suffix.lower() in (".ttf", ".otf") for p in changed):
            forget_font_caches()
        names = ", ".join(_short_path(p) for p in changed)
        missing = [p for p in changed if current.get(p) is None]
        reason = f"modifié : {names}" + (" (fichier disparu)" if missing else "")
        render(reason)
        files = watched_files(path, dirs)
        new = [p for p in files if p not in stamps]
        stamps.update(_stamp(new))
    return renders


def _short_path(p: Path) -> str:
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


# ----------------------------------------------------------------- contact sheet


def contact_sheet(
    layouts: Sequence[tuple[Layout, str]],
    variables: Mapping[str, str],
    cell: int = SHEET_CELL,
    columns: int = 3,
) -> PILImage.Image:
    """Every layout rendered for the city, labelled with its name, size and origin."""
    from PIL import Image as PILImageModule
    from PIL import ImageDraw, ImageFont

    from affiches.text.fonts import find_font

    label_font = ImageFont.truetype(str(find_font(LABEL_FONT_BOLD)), 18)
    small_font = ImageFont.truetype(str(find_font(LABEL_FONT_REGULAR)), 14)
    tiles = []
    for layout, origin in layouts:
        try:
            image = preview_image(layout, variables, max_side=cell * 2)
            image.thumbnail((cell * 2, cell), PILImageModule.Resampling.LANCZOS)
            error = ""
        except AffichesError as exc:
            image = PILImageModule.new("RGB", (cell, cell), (240, 240, 240))
            error = str(exc)
        tiles.append((layout, origin, image, error))
    margin, label_h = 24, 56
    tile_w = cell * 2 if any(t[2].width > cell for t in tiles) else cell
    columns = max(1, min(columns, len(tiles)))
    rows = -(-len(tiles) // columns)
    width = margin + columns * (tile_w + margin)
    height = margin + rows * (cell + label_h + margin) + 40
    sheet = PILImageModule.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    draw.text(
        (margin, 10),
        f"Planche des gabarits — {variables.get('ville', '')}",
        font=label_font,
        fill=(20, 20, 20),
    )
    for number, (layout, origin, image, error) in enumerate(tiles):
        col, row = number % columns, number // columns
        x = margin + col * (tile_w + margin)
        y = 40 + margin + row * (cell + label_h + margin)
        sheet.paste(image, (x + (tile_w - image.width) // 2, y + (cell - image.height) // 2))
        draw.rectangle([x, y, x + tile_w - 1, y + cell - 1], outline=(200, 200, 200))
        size = f"{layout.width:g} × {layout.height:g} {layout.unit}"
        draw.text((x, y + cell + 6), layout.name, font=label_font, fill=(20, 20, 20))
        detail = f"{layout.material} · {size} · {origin}"
        if error:
            detail = "ERREUR : " + error
        draw.text(
            (x, y + cell + 30),
            _fit_label(detail, 90),
            font=small_font,
            fill=(180, 0, 0) if error else (90, 90, 90),
        )
    return sheet


def _fit_label(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Hardened SVG logos: parsed with defusedxml, drawn as vectors by svglib.

Contract: ``load_svg(data, path)`` accepts an SVG only when it is self-contained and
inert: no DTD or entity (defusedxml refuses them: no billion laughs, no external
entity), no script, no event attribute (``onload``…), no ``foreignObject``, no
reference outside the file (every ``href`` must be ``#fragment``; ``url(…)`` in
attributes and styles only ``url(#…)``; no ``@import``), no live text (``<text>``:
its font could not be embedded), at most ``MAX_SVG_ELEMENTS`` elements (also once
every ``<use>`` is expanded: no multiplying chain, no loop) nested at most
``MAX_SVG_DEPTH`` deep, a finite positive size at most ``MAX_LOGO_ASPECT`` times longer
one way than the other (``check_logo_shape``, also applied to raster logos).
Otherwise an ``ImageError`` names the file and what is refused. ``svg_drawing``
gives the reportlab ``Drawing`` (vector, for the PDF writer) and ``svg_raster`` its
rasterisation at an exact pixel size with transparency (the drawing is written as a
one-page PDF and rendered by pdfium: the PNG shows exactly what the PDF shows).
"""

from __future__ import annotations

import io
import logging
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from affiches.errors import ImageError
from affiches.images.artwork import Artwork
from affiches.limits import MAX_SVG_DEPTH, MAX_SVG_ELEMENTS  # every limit is in affiches.limits

MAX_LOGO_ASPECT = 20  # width to height, or height to width
FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
# Live text would be drawn with whatever font the reader has (none embedded): refused.
TEXT_ELEMENTS = {"text", "tspan", "textpath", "flowroot", "flowpara"}
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_HREF = {"href", "{http://www.w3.org/1999/xlink}href"}

logging.getLogger("svglib").setLevel(logging.CRITICAL)  # its warnings are not the user's business


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _check_tree(root: Any, path: Path) -> None:
    def refuse(reason: str) -> ImageError:
        return ImageError(f"logo {path} : SVG refusé, {reason} ; exportez un SVG simple (« SVG simple » d’Inkscape)")

    if _local(root.tag) != "svg":
        raise refuse("l’élément racine n’est pas <svg>")
    count = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise refuse(f"plus de {MAX_SVG_ELEMENTS} éléments")
        if depth > MAX_SVG_DEPTH:
            raise refuse(f"éléments imbriqués sur plus de {MAX_SVG_DEPTH} niveaux")
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        tag = _local(element.tag)
        if tag in FORBIDDEN_ELEMENTS:
            raise refuse(f"il contient un élément <{tag}> (script ou contenu externe)")
        if tag in TEXT_ELEMENTS:
            raise ImageError(
                f"logo {path} : SVG refusé, il contient du texte (élément <{tag}>) dont la police ne "
                "serait pas incorporée ; convertissez le texte en tracés (Inkscape : Chemin > Objet en chemin)"
            )
        for name, value in element.attrib.items():
            local = _local(name)
            if local.startswith("on"):
                raise refuse(f"il contient un script (attribut {local})")
            if name in _HREF and not value.strip().startswith("#"):
                raise refuse(f"il fait référence à un fichier ou une adresse externe (« {value[:60]} »)")
            if _EXTERNAL_URL.search(value) or "javascript:" in value.lower():
                raise refuse(f"il fait référence à une adresse externe (« {value[:60]} »)")
        if tag == "style" and element.text:
            text = element.text
            if _EXTERNAL_URL.search(text) or "@import" in text.lower():
                raise refuse("sa feuille de style fait référence à un fichier externe")
        stack.extend((child, depth + 1) for child in element)
    _check_uses(root, refuse)


def _check_uses(root: Any, refuse: Any) -> None:
    """``<use>`` copies the element it names: a chain of them multiplies the drawing
    (2 uses of 2 uses of… : a billion shapes from a few lines) or loops. The drawing
    once every ``use`` is expanded must stay under ``MAX_SVG_ELEMENTS``; a loop is refused."""
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    size: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        key = id(element)
        if key in size:
            continue
        targets = list(element)
        if isinstance(element.tag, str) and _local(element.tag) == "use":
            href = element.get("href") or element.get("{http://www.w3.org/1999/xlink}href") or ""
            target = by_id.get(href.strip()[1:])
            if target is not None:
                targets.append(target)
        if done:
            visiting.discard(key)
            size[key] = 1 + sum(size.get(id(t), 0) for t in targets)
            if size[key] > MAX_SVG_ELEMENTS:
                raise refuse(f"ses <use> le démultiplient au-delà de {MAX_SVG_ELEMENTS} éléments")
            continue
        if key in visiting:
            raise refuse("un <use> se contient lui-même")
        visiting.add(key)
        stack.append((element, True))
        for target in targets:
            if id(target) in visiting:
                raise refuse("un <use> se contient lui-même")
            if id(target) not in size:
                stack.append((target, False))


def load_svg(data: bytes, path: Path) -> Artwork:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException:
        raise ImageError(
            f"logo {path} : SVG refusé, il déclare un DTD ou des entités ; exportez un SVG simple"
        ) from None
    except (ParseError, ValueError, UnicodeError):
        raise ImageError(f"logo {path} : ce SVG est mal formé ; exportez-le de nouveau") from None
    _check_tree(root, path)
    art = Artwork("svg", data, 1.0, 1.0, path.name, opaque=False)
    drawing = svg_drawing(art)
    try:
        width, height = float(drawing.width), float(drawing.height)
    except (AttributeError, TypeError, ValueError):
        width = height = 0.0
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise ImageError(f"logo {path} : SVG sans taille lisible ; donnez-lui width, height ou viewBox")
    check_logo_shape(width, height, path)
    return Artwork("svg", data, width, height, path.name, opaque=False)


def check_logo_shape(width: float, height: float, path: Path) -> None:
    """A logo more than ``MAX_LOGO_ASPECT`` times longer than high (or the reverse)
    would be a hairline in any slot."""
    ratio = max(width / height, height / width)
    if ratio > MAX_LOGO_ASPECT:
        shown = f"{ratio:.0f}" if ratio < 1000 else "plus de 1000"
        raise ImageError(
            f"logo {path} : proportions de {shown} pour 1, {MAX_LOGO_ASPECT} pour 1 au plus ; "
            "recadrez le logo"
        )


@lru_cache(maxsize=8)
def _drawing_for(data: bytes) -> Any:
    from svglib.svglib import svg2rlg

    try:
        return svg2rlg(io.BytesIO(data))
    except Exception:  # svglib raises many kinds on odd input; the caller reports it
        return None


def svg_drawing(artwork: Artwork) -> Any:
    """The reportlab Drawing of a checked SVG artwork (cached; do not mutate it)."""
    return _drawing_for(artwork.data)


@lru_cache(maxsize=8)
def _svg_pdf(data: bytes) -> bytes:
    from reportlab.graphics import renderPDF

    drawing = _drawing_for(data)
    return renderPDF.drawToString(drawing)  # type: ignore[no-any-return]


def svg_raster(artwork: Artwork, width: int, height: int) -> Any:
    """An RGBA Pillow image of exactly ``width`` × ``height`` pixels (the SVG stretched
    to that box: callers pass a box of the SVG's proportions)."""
    import pypdfium2 as pdfium
    from PIL import Image

    document = pdfium.PdfDocument(_svg_pdf(artwork.data))
    try:
        page = document[0]
        page_width, page_height = page.get_size()
        bitmap = page.render(scale=max(width / page_width, height / page_height),
                             fill_color=(255, 255, 255, 0), may_draw_forms=False)
        image = bitmap.to_pil().convert("RGBA")
    finally:
        document.close()
    if image.size != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return image

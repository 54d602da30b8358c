"""Photo work, pure pixels: focal-point crop, luminance, contrast, darkening.

Contract: no file access and no knowledge of layouts. ``parse_focus`` reads the
``--cadrage`` value; ``crop_fill`` cuts the largest region of the target proportions
around the focal point and resizes it to the exact pixel size; ``luminance`` gives a
float image of WCAG relative luminance (sRGB linearised per channel through a
256-entry table, so within 0.002 of the exact value); ``worst_contrast`` the lowest
WCAG contrast between a text colour and any pixel of a box; ``tint`` lays a colour at
a given opacity over the photo. ``darken_until`` searches the smallest opacity that
makes every text pass, measured on the real pixels a callback renders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageMath

from affiches.errors import FocusError, ImageError

NAMED_FOCUS = {
    "centre": (0.5, 0.5), "center": (0.5, 0.5), "milieu": (0.5, 0.5),
    "haut": (0.5, 0.0), "bas": (0.5, 1.0), "gauche": (0.0, 0.5), "droite": (1.0, 0.5),
    "haut-gauche": (0.0, 0.0), "haut-droite": (1.0, 0.0),
    "bas-gauche": (0.0, 1.0), "bas-droite": (1.0, 1.0),
}
_PAIR = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*[ ,;x×]\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*$")


def parse_focus(text: str) -> tuple[float, float]:
    """``centre``, ``haut``, ``bas-gauche``… or ``X,Y`` in per cent of the photo (``30,40``)."""
    key = text.strip().lower().replace(" ", "-")
    if key in NAMED_FOCUS:
        return NAMED_FOCUS[key]
    match = _PAIR.match(text)
    if match:
        x, y = (float(v) for v in match.groups())
        if 0 <= x <= 100 and 0 <= y <= 100:
            return (x / 100, y / 100)
    raise FocusError(
        f"--cadrage : « {text[:40]} » n’est pas compris ; écrivez centre, haut, bas, gauche, droite, "
        "haut-gauche… ou une position en pourcentage de la photo, par exemple 50,30"
    )


def crop_box(size: tuple[int, int], target: tuple[int, int],
             focus: tuple[float, float]) -> tuple[int, int, int, int]:
    """The largest region of ``size`` with the proportions of ``target``, centred on
    the focal point as far as the edges allow."""
    width, height = size
    aspect = target[0] / target[1]
    if width / height > aspect:
        crop_w, crop_h = max(1, round(height * aspect)), height
    else:
        crop_w, crop_h = width, max(1, round(width / aspect))
    left = min(max(round(focus[0] * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focus[1] * height - crop_h / 2), 0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def crop_fill(image: Image.Image, target: tuple[int, int], focus: tuple[float, float]) -> Image.Image:
    """Cover ``target`` pixels with the photo: cropped around ``focus``, never distorted."""
    box = crop_box(image.size, target, focus)
    return image.convert("RGB").resize(target, Image.Resampling.LANCZOS, box=box)


def _linear_table() -> list[float]:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return [lin(v / 255) * 255 for v in range(256)]


_LINEAR = _linear_table()


def luminance(image: Image.Image) -> Image.Image:
    """Mode ``F`` image of relative luminance, 0–1."""
    channels = [c.point(lambda v: round(_LINEAR[v])).convert("F") for c in image.convert("RGB").split()]
    return ImageMath.lambda_eval(
        lambda a: (a["r"] * 0.2126 + a["g"] * 0.7152 + a["b"] * 0.0722) / 255,
        r=channels[0], g=channels[1], b=channels[2],
    )


def _comma(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def contrast(l1: float, l2: float) -> float:
    high, low = max(l1, l2), min(l1, l2)
    return (high + 0.05) / (low + 0.05)


def worst_contrast(lum: Image.Image, box: tuple[int, int, int, int], text_luminance: float) -> float:
    """Lowest contrast between the text and any pixel of ``box`` (clipped to the image)."""
    left, top, right, bottom = box
    left, top = max(left, 0), max(top, 0)
    right, bottom = min(right, lum.width), min(bottom, lum.height)
    if right <= left or bottom <= top:
        return 21.0
    extrema = lum.crop((left, top, right, bottom)).getextrema()
    low, high = float(extrema[0]), float(extrema[1])  # type: ignore[arg-type]
    if low <= text_luminance <= high:
        return 1.0
    nearest = high if high < text_luminance else low
    return contrast(text_luminance, nearest)


def tint(image: Image.Image, color: tuple[int, int, int], opacity: float) -> Image.Image:
    """``color`` laid over the photo at ``opacity`` (0: the photo, 1: the colour)."""
    if opacity <= 0:
        return image
    return Image.blend(image.convert("RGB"), Image.new("RGB", image.size, color), opacity)


Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class TextCheck:
    """Where a block's text ink lies on a photo, to check its contrast."""

    block: str
    boxes: tuple[Box, ...]  # where the text's ink lies, pixels of the backdrop (one per glyph)
    luminance: float  # of the text colour
    required: float  # 4.5 or 3.0
    layer: int = 0  # which backdrop: what the page draws over the photo before this text


def darken_until(
    photo: Image.Image,
    color: tuple[int, int, int],
    texts: Sequence[TextCheck],
    backdrop: Callable[[Image.Image, int], Image.Image],
    minimum: float,
    maximum: float,
    name: str,
    step: float = 0.05,
) -> tuple[Image.Image, float, dict[str, float]]:
    """The photo tinted at the smallest opacity, from ``minimum`` by ``step`` up to
    ``maximum``, for which every text's worst contrast on the real backdrop (the photo
    with whatever the page draws over it before the text, rendered by
    ``backdrop(photo, layer)``) reaches its
    requirement. Returns the tinted photo, the opacity and each block's measured worst
    contrast; raises ImageError naming the block when even ``maximum`` is not enough."""
    opacity = minimum
    while True:
        candidate = tint(photo, color, opacity)
        layers: dict[int, Image.Image] = {}
        measured: dict[str, float] = {}
        for check in texts:
            if check.layer not in layers:
                layers[check.layer] = luminance(backdrop(candidate, check.layer))
            ratio = min((worst_contrast(layers[check.layer], box, check.luminance) for box in check.boxes),
                        default=21.0)
            measured[check.block] = min(measured.get(check.block, 21.0), ratio)
        failing = [c for c in texts if measured[c.block] < c.required]
        if not failing:
            return candidate, opacity, measured
        if opacity >= maximum - 1e-9:
            worst = min(failing, key=lambda c: measured[c.block] / c.required)
            raise ImageError(
                f"photo {name} : le texte du bloc « {worst.block} » ne contraste pas assez sur la photo "
                f"({_comma(measured[worst.block])}:1 pour {_comma(worst.required)}:1 demandé, photo assombrie à "
                f"{round(maximum * 100)} %) ; choisissez une photo plus uniforme ou déplacez le cadrage"
            )
        opacity = min(maximum, opacity + step)

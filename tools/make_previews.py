"""Regenerate the README's preview images (docs/apercus/*.png) for Saint-Étienne.

Contract: composes the three built-in materials with the library itself and rasterises
them with the PNG writer at a small size; deterministic. Run: ``python tools/make_previews.py``.
"""

from __future__ import annotations

from pathlib import Path

from affiches.city.communes import resolve_city
from affiches.jobs.kit import KitOptions, plan_kit
from affiches.render.png import PngOptions, render_image

OUT = Path(__file__).resolve().parents[1] / "docs" / "apercus"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    options = KitOptions(collectif="Technopolice Loire", contact="technopolice42@exemple.org")
    planned = {p.material: p for p in plan_kit(resolve_city("Saint-Étienne"), ("affiche", "tract", "visuel"), options)}
    targets = [
        ("affiche", 1, "affiche.png", 40),
        ("tract", 1, "tract-recto.png", 50),
        ("tract", 2, "tract-verso.png", 50),
        ("visuel", 1, "visuel.png", 0),
    ]
    for material, page, name, dpi in targets:
        scene = planned[material].scene
        image = render_image(scene, PngOptions(page=page, dpi=dpi or 72))
        if scene.pixel_size is not None:
            image = image.resize((360, 360))
        image.quantize(colors=64).save(OUT / name, optimize=True)


if __name__ == "__main__":
    main()

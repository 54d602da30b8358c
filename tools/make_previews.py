"""Regenerate the README's preview images (docs/apercus/*.png) for Saint-Étienne.

Contract: composes the built-in materials with the library itself and rasterises
them with the PNG writer at a small size; deterministic. The collective's examples
(``visuel-photo``, ``story``, ``portrait``, ``paysage``, ``affiche-logo``) use a logo
(``sample_logo``: an SVG drawn here) and a photo (``sample_photo``: a square with a
camera on a pole, drawn here with Pillow, no outside picture). Both are also written to
``docs/apercus/exemple-logo.svg`` and ``exemple-photo.jpg`` so the README's commands can
be tried as they are. Run: ``python tools/make_previews.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from affiches.city.communes import resolve_city
from affiches.jobs.kit import KitOptions, plan_kit
from affiches.jobs.options import load_pictures
from affiches.render.png import PngOptions, render_image

OUT = Path(__file__).resolve().parents[1] / "docs" / "apercus"

SAMPLE_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">
  <rect x="0" y="0" width="240" height="120" rx="14" fill="#1d3557"/>
  <circle cx="60" cy="60" r="38" fill="#ffffff"/>
  <circle cx="60" cy="60" r="22" fill="#1d3557"/>
  <path d="M38 82 L82 38" stroke="#e63946" stroke-width="10" stroke-linecap="round"/>
  <path d="M116 34 h100 v14 h-100 z M116 56 h84 v14 h-84 z M116 78 h64 v14 h-64 z" fill="#ffffff"/>
</svg>
"""


def sample_logo(path: Path) -> Path:
    path.write_text(SAMPLE_LOGO, encoding="utf-8")
    return path


def sample_photo(path: Path, size: tuple[int, int] = (1600, 1200)) -> Path:
    """A street at dusk with a surveillance camera on a pole (drawn, not photographed)."""
    width, height = size
    photo = Image.new("RGB", size)
    draw = ImageDraw.Draw(photo)
    for y in range(height):  # sky: warm at the horizon, blue above
        t = y / height
        draw.line([(0, y), (width, y)], fill=(round(70 + 160 * t), round(110 + 90 * t), round(170 + 30 * t)))
    skyline = [(0, 760), (120, 700), (260, 720), (300, 560), (470, 560), (520, 640), (700, 620),
               (760, 480), (980, 480), (1010, 600), (1200, 590), (1260, 520), (1450, 520), (1600, 640)]
    for (x1, y1), (x2, _y2) in zip(skyline, skyline[1:], strict=False):
        draw.rectangle([x1, y1, x2, height], fill=(52, 48, 60))
        for wx in range(x1 + 20, x2 - 20, 46):
            for wy in range(y1 + 30, 1000, 64):
                if (wx * 7 + wy * 3) % 5 < 2:
                    draw.rectangle([wx, wy, wx + 18, wy + 28], fill=(250, 214, 120))
    draw.rectangle([0, 1000, width, height], fill=(96, 92, 98))  # the square
    draw.rectangle([1080, 300, 1104, 1040], fill=(30, 30, 34))  # the pole
    draw.rectangle([940, 300, 1100, 318], fill=(30, 30, 34))  # the arm
    draw.polygon([(820, 330), (960, 300), (990, 360), (850, 400)], fill=(230, 230, 226))  # camera
    draw.polygon([(800, 350), (830, 340), (850, 400), (815, 405)], fill=(20, 20, 24))  # lens
    draw.ellipse([960, 260, 1010, 310], fill=(40, 40, 44))
    photo = photo.filter(ImageFilter.GaussianBlur(1.2))
    photo.save(path, format="JPEG", quality=88)
    return path


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    city = resolve_city("Saint-Étienne")
    options = KitOptions(collectif="Technopolice Loire", contact="technopolice42@exemple.org")
    planned = {p.material: p for p in plan_kit(city, ("affiche", "tract", "visuel"), options)}
    targets = [
        ("affiche", 1, "affiche.png", 40),
        ("tract", 1, "tract-recto.png", 50),
        ("tract", 2, "tract-verso.png", 50),
        ("visuel", 1, "visuel.png", 0),
    ]
    for material, page, name, dpi in targets:
        save(planned[material].scene, page, OUT / name, dpi)

    logo = sample_logo(OUT / "exemple-logo.svg")
    photo = sample_photo(OUT / "exemple-photo.jpg")
    own = KitOptions(collectif="Technopolice Loire", pictures=load_pictures([logo], photo, "60,40"),
                     own_words={"credit": "Photo : Technopolice Loire",
                                "message": "Pas de caméras qui jugent nos gestes {a_ville} !"})
    social = {p.material: p for p in plan_kit(city, ("visuel", "story", "portrait", "paysage"), own)}
    for material, name in (("visuel", "visuel-photo.png"), ("story", "story.png"),
                           ("portrait", "portrait.png"), ("paysage", "paysage.png")):
        save(social[material].scene, 1, OUT / name, 0, photo=True)
    logo_only = KitOptions(collectif="Technopolice Loire", pictures=load_pictures([logo]),
                           own_words={"accroche": "Ni caméras ni algorithmes"})
    (poster,) = plan_kit(city, ("affiche",), logo_only)
    save(poster.scene, 1, OUT / "affiche-logo.png", 40)


def save(scene, page: int, path: Path, dpi: float, photo: bool = False) -> None:  # type: ignore[no-untyped-def]
    image = render_image(scene, PngOptions(page=page, dpi=dpi or 72))
    if scene.pixel_size is not None:  # screen visuals: 360 px high at most, 360 wide at most
        scale = 360 / max(image.width, image.height)
        image = image.resize((round(image.width * scale), round(image.height * scale)))
    image.quantize(colors=128 if photo else 64).save(path, optimize=True)


if __name__ == "__main__":
    main()

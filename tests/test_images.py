"""Users' images: hostile files refused with one French line, good ones normalised."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from affiches.errors import FocusError, ImageError
from affiches.images.load import MAX_IMAGE_BYTES, load_artwork, open_raster
from affiches.images.photo import (
    TextCheck,
    crop_box,
    crop_fill,
    darken_until,
    luminance,
    parse_focus,
    worst_contrast,
)
from affiches.images.svg import svg_raster
from imagefixtures import SVG_LOGO, phone_photo, png_header_only, png_logo, svg_logo


def refused(path: Path, role: str = "logo") -> str:
    with pytest.raises(ImageError) as info:
        load_artwork(path, role)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return message


# --- hostile raster files ----------------------------------------------------------


def test_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_text("ceci n’est pas une image\n", encoding="utf-8")
    assert "ce n’est pas une image lisible ; formats acceptés : PNG, JPEG, GIF, WebP, SVG" in refused(path)


def test_truncated_png(tmp_path: Path) -> None:
    good = png_logo(tmp_path / "full.png").read_bytes()
    path = tmp_path / "tronque.png"
    path.write_bytes(good[: len(good) // 2])
    assert "image tronquée ou abîmée" in refused(path)


def test_truncated_jpeg(tmp_path: Path) -> None:
    good = phone_photo(tmp_path / "full.jpg").read_bytes()
    path = tmp_path / "tronque.jpg"
    path.write_bytes(good[: len(good) // 3])
    assert "image tronquée ou abîmée" in refused(path, "photo")


def test_decompression_bomb_refused_before_decoding(tmp_path: Path) -> None:
    path = png_header_only(tmp_path / "bombe.png", 8000, 8000)  # 64 Mpx in ~1 KB
    assert path.stat().st_size < 2000
    message = refused(path, "photo")
    assert message.endswith(
        "image trop grande (8\u202f000 × 8\u202f000 px, 25 millions de pixels au plus) ; réduisez-la"
    )


def test_pillow_bomb_guard_turned_into_the_one_line_error(tmp_path: Path) -> None:
    path = png_header_only(tmp_path / "enorme.png", 11_000, 11_000)  # over Pillow's own threshold too
    assert "image trop grande" in refused(path)


def test_twenty_thousand_pixels_wide(tmp_path: Path) -> None:
    path = png_header_only(tmp_path / "large.png", 20_000, 10)
    assert refused(path).endswith(
        "image trop grande (20\u202f000 × 10 px, 12\u202f000 px de côté au plus) ; réduisez-la"
    )


def test_animated_gif(tmp_path: Path) -> None:
    path = tmp_path / "anime.gif"
    frames = [Image.new("RGB", (40, 40), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert refused(path).endswith("image animée (3 images) ; donnez une image fixe")


def test_file_of_200_mb(tmp_path: Path) -> None:
    path = tmp_path / "gros.jpg"
    with open(path, "wb") as stream:  # sparse: costs no disk
        stream.truncate(200 * 1024 * 1024)
    assert refused(path, "photo").endswith("fichier trop gros (209,7 Mo, 20 Mo au plus) ; réduisez l’image")


def test_fifo_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "tube.png"
    os.mkfifo(path)
    assert "ce n’est pas un fichier ordinaire" in refused(path)


def test_raster_logo_too_elongated(tmp_path: Path) -> None:
    path = tmp_path / "bande.png"
    Image.new("RGB", (4200, 100), (0, 0, 0)).save(path)
    assert refused(path).endswith("proportions de 42 pour 1, 20 pour 1 au plus ; recadrez le logo")
    assert load_artwork(path, "photo").width == 4000  # a photo may be a panorama: it is cropped


def test_missing_and_empty(tmp_path: Path) -> None:
    assert "lecture impossible (dossier ou fichier inexistant)" in refused(tmp_path / "absent.png")
    (tmp_path / "vide.png").write_bytes(b"")
    assert "fichier vide" in refused(tmp_path / "vide.png")


def test_limit_is_twenty_mb() -> None:
    assert MAX_IMAGE_BYTES == 20_000_000


# --- hostile SVG -------------------------------------------------------------------

HOSTILE_SVG = {
    "script": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
               '<script>alert(1)</script></svg>', "élément <script>"),
    "onload": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
               '<rect width="5" height="5"/></svg>', "script (attribut onload)"),
    "image-file": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                   'width="10" height="10"><image xlink:href="/etc/passwd" width="5" height="5"/></svg>',
                   "référence à un fichier ou une adresse externe (« /etc/passwd »)"),
    "image-url": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                  '<image href="https://exemple.org/x.png" width="5" height="5"/></svg>', "adresse externe"),
    "use-other": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                  '<use href="autre.svg#a"/></svg>', "externe (« autre.svg#a »)"),
    "fill-url": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                 '<rect width="5" height="5" fill="url(https://exemple.org/p.svg#g)"/></svg>', "adresse externe"),
    "css-import": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   '<style>@import "https://exemple.org/a.css";</style></svg>', "feuille de style"),
    "foreign": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                '<foreignObject><p>x</p></foreignObject></svg>', "élément <foreignobject>"),
    "xxe": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>',
            "DTD ou des entités"),
    "laughs": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
               '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;</text></svg>',
               "DTD ou des entités"),
    "malformed": ('<svg xmlns="http://www.w3.org/2000/svg" width="10"><rect></svg>', "mal formé"),
    "not-svg": ('<?xml version="1.0"?><html><body/></html>', "racine n’est pas <svg>"),
    "nested": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + "<g>" * 100
               + "</g>" * 100 + "</svg>", "plus de 64 niveaux"),
    "text": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>TP</text></svg>',
             "contient du texte (élément <text>)"),
    "many": ('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">' + "<g/>" * 20_001 + "</svg>",
             "plus de 20000 éléments"),
    "use-bomb": ('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><defs>'
                 '<rect id="a0" width="1" height="1"/>'
                 + "".join(f'<g id="a{i}"><use href="#a{i - 1}"/><use href="#a{i - 1}"/></g>' for i in range(1, 31))
                 + '</defs><use href="#a30"/></svg>', "le démultiplient au-delà de 20000 éléments"),
    "use-loop": ('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
                 '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>', "se contient lui-même"),
    "nan": ('<svg xmlns="http://www.w3.org/2000/svg" width="nan" height="9"/>', "sans taille"),
    "inf": ('<svg xmlns="http://www.w3.org/2000/svg" width="inf" height="9"/>', "sans taille"),
    "hairline": ('<svg xmlns="http://www.w3.org/2000/svg" width="1e9" height="20"/>',
                 "proportions de plus de 1000 pour 1, 20 pour 1 au plus ; recadrez le logo"),
    "no-size": ('<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>', "sans taille"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_SVG))
def test_hostile_svg(tmp_path: Path, case: str) -> None:
    text, expected = HOSTILE_SVG[case]
    path = svg_logo(tmp_path / f"{case}.svg", text)
    assert expected in refused(path)


def test_svg_over_two_mb(tmp_path: Path) -> None:
    body = '<rect width="1" height="1"/>' * 80_000  # 2,2 Mo: refused on its size, before parsing
    path = svg_logo(tmp_path / "gros.svg", f'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">{body}</svg>')
    assert refused(path).endswith("SVG trop gros (2,2 Mo, 2 Mo au plus) ; simplifiez-le ou exportez un PNG")


def test_svg_refused_as_photo(tmp_path: Path) -> None:
    assert "une photo doit être une image PNG ou JPEG" in refused(svg_logo(tmp_path / "l.svg"), "photo")


# --- good files --------------------------------------------------------------------


def test_svg_logo_loads_and_rasterises_with_transparency(tmp_path: Path) -> None:
    art = load_artwork(svg_logo(tmp_path / "logo.svg"))
    assert art.kind == "svg" and art.data == SVG_LOGO.encode()
    assert art.aspect == pytest.approx(300 / 120)
    image = svg_raster(art, 500, 200)
    assert image.size == (500, 200) and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # outside the rounded corner
    assert image.getpixel((100, 100))[:3] == pytest.approx((255, 212, 0), abs=3)  # the yellow disc


def test_exif_rotated_phone_photo_comes_upright(tmp_path: Path) -> None:
    path = phone_photo(tmp_path / "photo.jpg")
    with Image.open(path) as stored:
        assert stored.size == (1600, 1200)  # stored landscape
    art = load_artwork(path, "photo")
    assert (art.width, art.height) == (1200, 1600)  # viewed portrait
    pixels = open_raster(art)
    red = pixels.getpixel((600, 230))
    assert red[0] > 180 and red[1] < 80  # the red disc is at the top
    assert min(pixels.getpixel((600, 1500))) > 220  # the light ground at the bottom


def test_colour_modes_become_8_bit_srgb(tmp_path: Path) -> None:
    cmyk = tmp_path / "cmjn.jpg"
    Image.new("CMYK", (50, 40), (0, 255, 255, 0)).save(cmyk, quality=95)  # red ink
    art = open_raster(load_artwork(cmyk, "photo"))
    assert art.mode == "RGB"
    r, g, b = art.getpixel((25, 20))
    assert r > 200 and g < 60 and b < 60

    deep = tmp_path / "16bits.png"
    Image.new("I;16", (30, 30), 40000).save(deep)
    gray = open_raster(load_artwork(deep, "photo"))
    assert gray.mode == "RGB" and gray.getpixel((1, 1)) == (156, 156, 156)  # 40000 / 256

    palette = tmp_path / "palette.png"
    image = Image.new("P", (20, 20), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.putpixel((5, 5), 1)
    image.save(palette, transparency=0)
    logo = open_raster(load_artwork(palette))
    assert logo.mode == "RGBA" and logo.getpixel((0, 0))[3] == 0 and logo.getpixel((5, 5)) == (0, 0, 255, 255)


def test_extension_does_not_matter_and_loading_is_deterministic(tmp_path: Path) -> None:
    path = png_logo(tmp_path / "logo.jpeg")  # a PNG misnamed
    first, second = load_artwork(path), load_artwork(path)
    assert first.kind == "raster" and not first.opaque
    assert first.data == second.data and first.digest == second.digest
    assert b"tIME" not in first.data and b"eXIf" not in first.data


def test_large_photo_reduced_to_working_size(tmp_path: Path) -> None:
    path = tmp_path / "grande.jpg"
    Image.new("RGB", (6000, 4000), (10, 20, 30)).save(path, quality=50)
    art = load_artwork(path, "photo")
    assert (art.width, art.height) == (4000, 2667)


# --- photo work --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("centre", (0.5, 0.5)), ("haut", (0.5, 0.0)), ("Bas droite", (1.0, 1.0)),
    ("30,40", (0.3, 0.4)), ("30%, 40%", (0.3, 0.4)), ("12.5 x 100", (0.125, 1.0)),
])
def test_parse_focus(text: str, expected: tuple[float, float]) -> None:
    assert parse_focus(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "nord", "120,50", "1,2,3", "{x}"])
def test_parse_focus_refuses(text: str) -> None:
    with pytest.raises(FocusError, match="^--cadrage : .* par exemple 50,30$"):
        parse_focus(text)


def test_crop_follows_the_focal_point_within_the_edges() -> None:
    assert crop_box((4000, 3000), (1080, 1080), (0.5, 0.5)) == (500, 0, 3500, 3000)
    assert crop_box((4000, 3000), (1080, 1080), (0.0, 0.5)) == (0, 0, 3000, 3000)
    assert crop_box((4000, 3000), (1080, 1080), (1.0, 0.5)) == (1000, 0, 4000, 3000)
    assert crop_box((1200, 1600), (1200, 675), (0.5, 0.1)) == (0, 0, 1200, 675)
    image = Image.new("RGB", (400, 300), (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, 100, 300))  # red left quarter
    left = crop_fill(image, (100, 100), (0.0, 0.5))
    assert left.size == (100, 100) and left.getpixel((10, 50))[1] < 30
    right = crop_fill(image, (100, 100), (1.0, 0.5))
    assert right.getpixel((10, 50)) == (255, 255, 255)


def test_luminance_and_worst_contrast() -> None:
    image = Image.new("RGB", (10, 10), (255, 255, 255))
    image.putpixel((2, 2), (0, 0, 0))
    lum = luminance(image)
    assert lum.getextrema() == pytest.approx((0.0, 1.0))
    assert worst_contrast(lum, (0, 0, 10, 10), 1.0) == 1.0  # the white pixels hide white text
    assert worst_contrast(lum, (3, 3, 10, 10), 0.0) == pytest.approx(21.0)
    yellow = luminance(Image.new("RGB", (1, 1), (255, 212, 0))).getpixel((0, 0))
    assert yellow == pytest.approx(0.6835, abs=0.002)  # WCAG: #FFD400


def test_darken_until_reaches_the_requirement_on_real_pixels() -> None:
    photo = Image.new("RGB", (100, 100), (240, 240, 240))
    checks = [TextCheck("ville", ((10, 10, 90, 50),), 1.0, 4.5)]
    darkened, opacity, measured = darken_until(photo, (0, 0, 0), checks, lambda p, _layer: p, 0.2, 0.9, "p.jpg")
    assert measured["ville"] >= 4.5
    assert 0.2 < opacity < 0.9
    # one step lighter fails: the smallest opacity was found
    with pytest.raises(ImageError, match="« ville » ne contraste pas assez"):
        darken_until(photo, (0, 0, 0), checks, lambda p, _layer: p, opacity - 0.05, opacity - 0.05, "p.jpg")
    assert darkened.getpixel((0, 0))[0] < 240


def test_darken_until_refuses_dark_text_on_dark_photo() -> None:
    photo = Image.new("RGB", (100, 100), (20, 20, 20))
    checks = [TextCheck("message", ((0, 0, 100, 100),), 0.0, 4.5)]
    with pytest.raises(ImageError, match="^photo p.jpg : le texte du bloc « message » ne contraste pas assez"):
        darken_until(photo, (0, 0, 0), checks, lambda p, _layer: p, 0.2, 0.6, "p.jpg")


def test_svg_bytes_are_what_the_artwork_holds() -> None:
    assert io.BytesIO(SVG_LOGO.encode()).read().startswith(b"<?xml")


def test_svg_with_a_few_uses_is_fine(tmp_path: Path) -> None:
    text = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'width="40" height="20"><defs><circle id="c" cx="10" cy="10" r="8" fill="#e63946"/></defs>'
            '<use xlink:href="#c"/><use href="#c" x="20"/></svg>')
    art = load_artwork(svg_logo(tmp_path / "use.svg", text))
    image = svg_raster(art, 80, 40)
    assert image.getpixel((20, 20))[:3] == pytest.approx((230, 57, 70), abs=4)
    assert image.getpixel((60, 20))[:3] == pytest.approx((230, 57, 70), abs=4)
    assert image.getpixel((40, 20))[3] == 0


def test_phone_mpo_jpeg_with_a_preview_frame_is_not_animated(tmp_path: Path) -> None:
    path = tmp_path / "telephone.jpg"
    first = Image.new("RGB", (300, 200), (200, 30, 30))
    first.save(path, format="MPO", save_all=True, append_images=[Image.new("RGB", (300, 200), (0, 0, 200))])
    with Image.open(path) as opened:
        assert opened.format == "MPO" and opened.n_frames == 2
    pixels = open_raster(load_artwork(path, "photo"))
    assert pixels.size == (300, 200) and pixels.getpixel((10, 10))[0] > 150  # the first frame


def test_png_with_exif_orientation_is_turned(tmp_path: Path) -> None:
    path = tmp_path / "tourne.png"
    image = Image.new("RGB", (40, 20), (255, 255, 255))
    image.paste((0, 0, 0), (0, 0, 10, 20))  # black on the left of the stored image
    exif = Image.Exif()
    exif[0x0112] = 8  # viewed: rotated 90° counter-clockwise
    image.save(path, exif=exif.tobytes())
    art = load_artwork(path, "photo")
    assert (art.width, art.height) == (20, 40)
    assert open_raster(art).getpixel((10, 35)) == (0, 0, 0)  # the left band is now at the bottom

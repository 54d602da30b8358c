"""The fast PNG path (render.png_flat) against the general RGB drawing.

The reference is what the general path draws before its palette: Pillow's
``ImageDraw.text`` glyph by glyph (checked here against ``line_mask``) and exact
colour blending. The fast path must stay within ``MAX_RAMP_ERROR`` levels of it, give
files no larger than the general path's palette PNG, decode as the same QR code, and
hand pages it cannot draw exactly (pictures, text across two colours) back.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw

from affiches.city.communes import resolve_city
from affiches.color import Color
from affiches.compose import compose
from affiches.gabarits import load_layout
from affiches.jobs.kit import DEFAULT_URL, KitOptions, template_variables
from affiches.render import png_flat, png_text
from affiches.render.png import PngOptions, PngWriter, raster_size, render_image, write_png
from affiches.render.png_flat import MAX_RAMP_ERROR, line_mask, pil_font, render_flat
from affiches.scene import Image, Page, QRCode, Rect, Scene
from affiches.text.fonts import bundled_fonts_dir

CITIES = ("Saint-Étienne", "Y", "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson", "L'Haÿ-les-Roses",
          "Châtillon (92)", "Œting")
PNG_LAYOUTS = ("visuel-carre", "visuel-carre-clair", "banniere-reseaux")


def scene_for(layout: str, city: str) -> Scene:
    return compose(load_layout(layout), template_variables(resolve_city(city), KitOptions()))


def max_gap(a: PILImage.Image, b: PILImage.Image) -> int:
    return max(high for _low, high in ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getextrema())


def general_png(scene: Scene) -> bytes:
    stream = io.BytesIO()
    writer = PngWriter()
    writer.general(scene).save(stream, format="PNG", compress_level=PngOptions().compress_level)
    return stream.getvalue()


def test_line_mask_is_what_imagedraw_text_draws() -> None:
    """Every text line's cached mask equals Pillow drawing it glyph by glyph (white on black)."""
    for layout in PNG_LAYOUTS:
        scene = scene_for(layout, "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson")
        scale = raster_size(scene, PngOptions())[0] / scene.width
        for item in scene.texts():
            expected = PILImage.new("L", raster_size(scene, PngOptions()), 0)
            draw = ImageDraw.Draw(expected)
            font = pil_font(item.font_path, item.size * scale)
            for dx, char in zip(item.positions, item.text, strict=True):
                if not char.isspace():
                    draw.text(((item.x + dx) * scale, item.baseline * scale), char, font=font,
                              fill=255, anchor="ls")
            got = PILImage.new("L", expected.size, 0)
            mask, x, y = line_mask(item, scale)
            got.paste(255, (x, y, x + mask.width, y + mask.height), mask)
            # Overlapping glyph edges are blended by paste instead of draw_bitmap: ±1.
            assert max_gap(got, expected) <= 1, (layout, item.text)
            assert expected.getbbox() is not None


@pytest.mark.parametrize("layout", PNG_LAYOUTS)
def test_flat_path_stays_close_to_exact_drawing_and_files_do_not_grow(layout: str) -> None:
    for city in CITIES:
        scene = scene_for(layout, city)
        flat = render_flat(scene, 0, raster_size(scene, PngOptions()))
        assert flat is not None, (layout, city)
        assert flat.mode == "P" and flat.size == scene.pixel_size
        exact = render_image(scene)
        assert max_gap(flat, exact) <= MAX_RAMP_ERROR, (layout, city)
        stream = io.BytesIO()
        write_png(scene, stream)
        assert len(stream.getvalue()) <= len(general_png(scene)), (layout, city)
        # Flat areas keep the layout's exact colours.
        colours = {rgb for _n, rgb in flat.convert("RGB").getcolors(256) or []}
        assert scene.background.rgb255() in colours


def test_flat_png_file_decodes_to_the_flat_image() -> None:
    """Our PNG encoder (no Pillow plugins): Pillow reads back the same pixels, 72 dpi, palette."""
    scene = scene_for("visuel-carre", "Saint-Étienne")
    flat = render_flat(scene, 0, raster_size(scene, PngOptions()))
    assert flat is not None
    stream = io.BytesIO()
    write_png(scene, stream)
    with PILImage.open(io.BytesIO(stream.getvalue())) as made:
        made.load()
        assert made.format == "PNG" and made.mode == "P" and made.size == (1080, 1080)
        assert made.info["dpi"] == pytest.approx((72, 72), abs=0.01)
        assert made.tobytes() == flat.tobytes()
        assert ImageChops.difference(made.convert("RGB"), flat.convert("RGB")).getbbox() is None


def test_the_tolerance_is_tight_enough_to_see_an_error() -> None:
    """The general path's palette (octree) is off by more than the bound: the bound means something."""
    scene = scene_for("visuel-carre", "Saint-Étienne")
    stream = io.BytesIO()
    PngWriter().general(scene).save(stream, format="PNG")
    assert max_gap(PILImage.open(io.BytesIO(stream.getvalue())), render_image(scene)) > MAX_RAMP_ERROR


def test_flat_png_is_deterministic_across_cache_states() -> None:
    scene = scene_for("visuel-carre", "Lyon")
    first = io.BytesIO()
    write_png(scene, first)
    png_flat.forget_caches()
    second = io.BytesIO()
    write_png(scene, second)
    write_png(scene_for("visuel-carre", "Paris"), io.BytesIO())  # other lines in the cache
    third = io.BytesIO()
    write_png(scene, third)
    assert first.getvalue() == second.getvalue() == third.getvalue()


def test_flat_png_qr_code_reads_back() -> None:
    import zxingcpp

    from affiches.text.qr import qr_matrix

    base = scene_for("visuel-carre", "Grenoble")
    code = QRCode(540, 480, 220, qr_matrix(DEFAULT_URL), 4, Color((0.08, 0.08, 0.08)),
                  Color((1.0, 1.0, 1.0)), DEFAULT_URL)
    scene = _with_items(base, code)
    assert render_flat(scene, 0, raster_size(scene, PngOptions())) is not None
    stream = io.BytesIO()
    write_png(scene, stream)
    with PILImage.open(io.BytesIO(stream.getvalue())) as made:
        found = zxingcpp.read_barcodes(made.convert("RGB"))
        assert max_gap(made, render_image(scene)) <= MAX_RAMP_ERROR
    assert DEFAULT_URL in [r.text for r in found]


def _with_items(scene: Scene, *extra: object) -> Scene:
    page = Page(scene.pages[0].items + tuple(extra))  # type: ignore[arg-type]
    return dataclasses.replace(scene, pages=(page,))


def test_pictures_take_the_general_path(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    gradient = PILImage.linear_gradient("L").resize((64, 64)).convert("RGB")
    gradient.save(photo)
    scene = _with_items(scene_for("visuel-carre", "Lyon"), Image(10, 10, 100, 100, photo))
    assert render_flat(scene, 0, raster_size(scene, PngOptions())) is None
    stream = io.BytesIO()
    write_png(scene, stream)
    with PILImage.open(io.BytesIO(stream.getvalue())) as made:
        assert made.size == (1080, 1080)
        assert max_gap(made, render_image(scene)) <= 16  # the general palette's own bound


def test_text_across_two_colours_takes_the_general_path() -> None:
    scene = scene_for("visuel-carre", "Lyon")
    line = next(t for t in scene.texts() if t.block == "ville")
    half = Rect(0, 0, line.x + line.width / 2, scene.height, fill=Color((0.2, 0.4, 0.9)))
    moved = dataclasses.replace(line, color=Color((1.0, 1.0, 1.0)))
    mixed = _with_items(scene, half, moved)
    assert render_flat(mixed, 0, raster_size(mixed, PngOptions())) is None
    stream = io.BytesIO()
    write_png(mixed, stream)
    assert PILImage.open(io.BytesIO(stream.getvalue())).size == (1080, 1080)



def test_known_flat_colour_is_the_colour_under_the_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """The painting history (``FlatPainter.flat_under``) never claims a colour the canvas lacks."""
    answers: list[int] = []
    real = png_flat.FlatPainter.flat_under

    def checked(self, left, top, right, bottom):  # type: ignore[no-untyped-def]
        found = real(self, left, top, right, bottom)
        if found >= 0:
            assert self.canvas.crop((left, top, right, bottom)).getextrema() == (found, found)
        answers.append(found)
        return found

    monkeypatch.setattr(png_flat.FlatPainter, "flat_under", checked)
    for layout in PNG_LAYOUTS:
        for city in CITIES:
            scene = scene_for(layout, city)
            assert render_flat(scene, 0, raster_size(scene, PngOptions())) is not None
    assert any(found >= 0 for found in answers)


@pytest.mark.parametrize("layout", PNG_LAYOUTS)
def test_line_by_line_paste_gives_the_block_paste(layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pasting each mapped line (known flat colour, lines apart, cached mappings) draws the
    same indices as one block mask read against the canvas."""
    fast = {}
    for city in CITIES:
        scene = scene_for(layout, city)
        image = render_flat(scene, 0, raster_size(scene, PngOptions()))
        assert image is not None
        fast[city] = (image.tobytes(), image.getpalette())
    monkeypatch.setattr(png_flat.FlatPainter, "flat_under", lambda self, *box: -1)
    png_flat.forget_caches()
    for city in CITIES:
        scene = scene_for(layout, city)
        image = render_flat(scene, 0, raster_size(scene, PngOptions()))
        assert image is not None
        assert (image.tobytes(), image.getpalette()) == fast[city], city


def test_overlapping_lines_take_the_block_path() -> None:
    scene = scene_for("visuel-carre", "Lyon")
    lines = [t for t in scene.texts() if t.block == "message"]
    assert len(lines) > 1
    squeezed = [dataclasses.replace(t, baseline=lines[0].baseline + 3 * i) for i, t in enumerate(lines)]
    items = tuple(i for i in scene.pages[0].items if i not in lines)
    page = Page(items + tuple(squeezed))
    crowded = dataclasses.replace(scene, pages=(page,))
    placed = [line_mask(t, 1080 / scene.width) for t in squeezed]
    assert not png_flat._apart(placed)
    image = render_flat(crowded, 0, raster_size(crowded, PngOptions()))
    assert image is not None
    assert max_gap(image, render_image(crowded)) <= MAX_RAMP_ERROR + 1  # overlapping ink blends


def test_mapped_line_cache_is_bounded() -> None:
    cache = png_text.MappedCache(1000)
    ramp = tuple(range(256))
    masks = [PILImage.new("L", (20, 20), i) for i in range(10)]
    for mask in masks:
        assert cache.get(mask, ramp).tobytes() == mask.tobytes()
    assert cache.used <= 1000 and len(cache.items) == 2
    big = PILImage.new("L", (40, 40), 1)
    cache.get(big, ramp)
    assert all(kept is not big for kept, _mapped in cache.items.values())


FONTS = sorted(bundled_fonts_dir().glob("*.ttf"))
EDGES = [0.0, 1e-300, 1e-40, 1e-9, 0.3, 31.4 / 64, 31.5 / 64 - 1e-5, 31.5 / 64 + 1e-5, 0.5, 32.5 / 64 - 1e-5,
         32.5 / 64 + 1e-5, 0.77, 1 - 1e-5, 1 - 1e-9]


@settings(max_examples=150, deadline=None)
@example(1, 330.0, "0", 0.3, 0.3, 0.2, 1e-300)  # 0 once a 32-bit float: no extra row
@example(1, 330.0, "0", 0.3, 0.3, 0.2, 0.50781)  # 32.5 / 64, rounded either way
@example(0, 92.0, "j", 0.2, 0.2, 0.4921875, 0.99999999)
@given(st.sampled_from(range(len(FONTS))), st.sampled_from([13.0, 34.5 * 4 / 3, 46.0, 92.0, 247.5 * 4 / 3]),
       st.sampled_from("AÉgjQ’«,.Wfi0ÿ"),
       st.one_of(st.sampled_from(EDGES), st.floats(0, 1, exclude_max=True)),
       st.one_of(st.sampled_from(EDGES), st.floats(0, 1, exclude_max=True)),
       st.one_of(st.sampled_from(EDGES), st.floats(0, 1, exclude_max=True)),
       st.one_of(st.sampled_from(EDGES), st.floats(0, 1, exclude_max=True)))
def test_cached_glyph_is_what_pillow_renders(font_index: int, size: float, char: str, fx1: float,
                                             fy1: float, fx2: float, fy2: float) -> None:
    """A glyph rendered at one sub-pixel offset and reused at another of the same class
    is what ``getmask2`` gives at that other offset: same pixels, same size, same offset."""
    path = FONTS[font_index]
    font = pil_font(path, size)
    png_text._glyph(path, size, font, char, fx1, fy1)  # fills the cache
    got, ox, oy = png_text._glyph(path, size, font, char, fx2, fy2)
    core, offset = font.getmask2(char, "L", anchor="ls", start=(fx2, fy2))
    expected = PILImage.Image()._new(core)
    assert (got.size, ox, oy) == (expected.size, offset[0], offset[1])
    assert got.tobytes() == expected.tobytes()

"""The banded PNG encoder (render.png_encode): same pixels, same bytes whatever is cached."""

from __future__ import annotations

import io
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from affiches.city.communes import resolve_city
from affiches.compose import compose
from affiches.gabarits import load_layout
from affiches.jobs.kit import KitOptions, template_variables
from affiches.render import png_encode
from affiches.render.png import PngOptions, raster_size
from affiches.render.png_encode import (
    BAND_ROWS,
    adler32_combine,
    band_rows,
    compress_rows,
    encode_palette_png,
    forget_bands,
)
from affiches.render.png_flat import render_flat


def flat_image(city: str, layout: str = "visuel-carre") -> PILImage.Image:
    scene = compose(load_layout(layout), template_variables(resolve_city(city), KitOptions()))
    image = render_flat(scene, 0, raster_size(scene, PngOptions()))
    assert image is not None
    return image


def one_stream_png(image: PILImage.Image) -> bytes:
    """What the encoder wrote before bands: Pillow's own PNG writer, for comparison."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PngOptions().compress_level)
    return out.getvalue()


@given(st.binary(max_size=3000), st.binary(max_size=3000))
def test_adler32_combine_is_zlibs(first: bytes, second: bytes) -> None:
    assert adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == \
        zlib.adler32(first + second)


@settings(max_examples=40)
@given(st.integers(1, 300), st.integers(1, 200), st.integers(0, 9), st.binary(min_size=1, max_size=64))
def test_banded_stream_decodes_to_the_rows(width: int, height: int, level: int, seed: bytes) -> None:
    data = (seed * (width * height // len(seed) + 1))[: width * height]
    packed = compress_rows(data, width, height, level)
    assert zlib.decompress(packed) == data  # header, bands, final block and Adler-32 all valid
    forget_bands()
    assert compress_rows(data, width, height, level) == packed


def test_png_decodes_to_the_same_pixels_and_palette() -> None:
    image = flat_image("Saint-Étienne")
    data = encode_palette_png(image, 72, 3)
    with PILImage.open(io.BytesIO(data)) as made:
        made.load()
        assert made.mode == "P" and made.size == image.size
        assert made.tobytes() == image.tobytes()
        assert made.getpalette() == image.getpalette()
    with PILImage.open(io.BytesIO(one_stream_png(image))) as before:
        assert before.tobytes() == image.tobytes()


def test_bands_do_not_grow_files() -> None:
    """Bands cost a header each but adapt their codes: within 2 % of one stream (smaller here)."""
    for city in ("Saint-Étienne", "Y", "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"):
        image = flat_image(city)
        assert len(encode_palette_png(image, 72, 3)) <= len(one_stream_png(image)) * 1.02, city


def test_bytes_do_not_depend_on_the_cache() -> None:
    lyon, paris = flat_image("Lyon"), flat_image("Paris")
    forget_bands()
    cold = encode_palette_png(lyon, 72, 3)
    assert len(png_encode.BANDS) == -(-1080 // BAND_ROWS)
    encode_palette_png(paris, 72, 3)  # Paris's bands in the cache, some equal to Lyon's
    warm = encode_palette_png(lyon, 72, 3)
    assert warm == cold
    encode_palette_png(lyon, 72, 1)  # another level: other entries
    assert encode_palette_png(lyon, 72, 3) == cold


def test_unchanged_bands_are_reused_not_recompressed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    lyon, paris = flat_image("Lyon"), flat_image("Paris")
    forget_bands()
    encode_palette_png(lyon, 72, 3)
    made: list[int] = []
    real = zlib.compressobj

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(png_encode.zlib, "compressobj", counting)
    encode_palette_png(paris, 72, 3)
    bands = -(-1080 // BAND_ROWS)
    assert 0 < len(made) < bands  # the slogan's and the hashtag's bands are the same
    made.clear()
    encode_palette_png(paris, 72, 3)
    assert made == []


def test_wide_rows_get_fewer_rows_per_band() -> None:
    assert band_rows(1081) == BAND_ROWS
    assert band_rows(10_001) == 6
    assert band_rows(100_000) == 1
    image = PILImage.new("P", (20_000, 7), 3)
    image.putpalette([0, 0, 0] * 4)
    with PILImage.open(io.BytesIO(encode_palette_png(image, 72, 3))) as made:
        made.load()
        assert made.tobytes() == image.tobytes()


def test_bounded_cache() -> None:
    forget_bands()
    for height in range(1, 700):
        compress_rows(bytes(height), 1, height, 3)
    assert len(png_encode.BANDS) <= png_encode._BANDS_MAX
    forget_bands()
    for image in range(1, 40):  # 39 images of 120 bands of 65 KB, changing from one to the next
        data = bytes([image % 3]) * (65_000 * 120)
        assert zlib.decompress(compress_rows(data, 65_000, 120, image % 2 + 2)) == data
        kept = sum(len(raw) for raw, _packed, _adler in png_encode.BANDS.values())
        assert kept == png_encode._kept[0] <= png_encode._BANDS_BYTES_MAX

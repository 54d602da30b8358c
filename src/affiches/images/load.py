"""Safe loading of a user's image file: every file is hostile until checked.

Contract: ``load_artwork(path, role)`` (or ``artwork_from_bytes(data, name, role)`` for
bytes already in memory, such as a web upload) reads a regular file of at most
``MAX_IMAGE_BYTES`` (``MAX_SVG_BYTES`` for an SVG), recognises PNG, JPEG, GIF and WebP by their content (the name's
extension does not matter) or SVG, and returns an ``Artwork``. Raster images: the
size is checked from the header before any pixel is decoded (``MAX_IMAGE_PIXELS``,
``MAX_IMAGE_SIDE``: decompression bombs are refused without being unpacked), animated
images are refused, a truncated file is an error, the EXIF orientation is applied,
colours are converted to 8-bit sRGB (CMYK JPEGs, ICC profiles, 16-bit PNGs, palettes,
transparency kept as alpha), and the pixels are reduced to the role's working size.
Every problem is an ``ImageError`` whose one-line French message names the file and
the limit. ``open_raster(artwork)`` gives the pixels back as a Pillow image.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from affiches.errors import ImageError, os_reason
from affiches.images.artwork import Artwork
from affiches.limits import (  # every limit is defined in affiches.limits
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    MAX_SVG_BYTES,
)

RASTER_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")  # a JPEG may open as MPO (phones)
# Working size: pixels beyond this are never needed (a photo fills at most an A3
# poster at ~150 dpi after cropping; a logo slot is a few centimetres).
WORKING_SIDE = {"logo": 2000, "photo": 4000}


def _mega(n: int) -> str:
    return f"{n / 1_000_000:.1f}".replace(".", ",").removesuffix(",0")


def _spaced(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def read_user_file(path: Path, what: str, limit: int = MAX_IMAGE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or an ImageError."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ImageError(f"{what} {path} : lecture impossible ({os_reason(exc)}) ; vérifiez le chemin") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImageError(f"{what} {path} : ce n’est pas un fichier ordinaire ; donnez un fichier image")
        if info.st_size > limit:
            raise ImageError(
                f"{what} {path} : fichier trop gros ({_mega(info.st_size)} Mo, {_mega(limit)} Mo au plus) ; "
                "réduisez l’image"
            )
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise ImageError(f"{what} {path} : lecture impossible ({os_reason(exc)})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew while we read it
        raise ImageError(f"{what} {path} : fichier trop gros ({_mega(limit)} Mo au plus) ; réduisez l’image")
    if not data:
        raise ImageError(f"{what} {path} : fichier vide ; donnez une image PNG, JPEG ou SVG")
    return data


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--") \
        or b"<svg" in head


def load_artwork(path: Path | str, role: str = "logo") -> Artwork:
    """Check and load a user's image for ``role`` (``logo`` or ``photo``)."""
    path = Path(path)
    what = "logo" if role == "logo" else "photo"
    return artwork_from_bytes(read_user_file(path, what), path, role)


def artwork_from_bytes(data: bytes, path: Path, role: str = "logo") -> Artwork:
    """The same checks on bytes already in memory (an upload): ``path`` only names it."""
    what = "logo" if role == "logo" else "photo"
    if not data:
        raise ImageError(f"{what} {path} : fichier vide ; donnez une image PNG, JPEG ou SVG")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"{what} {path} : fichier trop gros ({_mega(MAX_IMAGE_BYTES)} Mo au plus) ; réduisez l’image")
    if data[:8] != b"\x89PNG\r\n\x1a\n" and _looks_like_svg(data):
        if role != "logo":
            raise ImageError(f"{what} {path} : une photo doit être une image PNG ou JPEG, pas un SVG")
        if len(data) > MAX_SVG_BYTES:
            raise ImageError(
                f"{what} {path} : SVG trop gros ({_mega(len(data))} Mo, {_mega(MAX_SVG_BYTES)} Mo au plus) ; "
                "simplifiez-le ou exportez un PNG"
            )
        from affiches.images.svg import load_svg

        return load_svg(data, path)
    artwork = _load_raster(data, path, what, WORKING_SIDE.get(role, 2000))
    if role == "logo":
        from affiches.images.svg import check_logo_shape

        check_logo_shape(artwork.width, artwork.height, path)
    return artwork


def _open_checked(data: bytes, path: Path, what: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(RASTER_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(
            f"{what} {path} : image trop grande ({_spaced(MAX_IMAGE_PIXELS)} pixels au plus) ; réduisez-la"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageError(
            f"{what} {path} : ce n’est pas une image lisible ; formats acceptés : PNG, JPEG, GIF, WebP, SVG"
        ) from None
    width, height = image.size
    if max(width, height) > MAX_IMAGE_SIDE:
        raise ImageError(
            f"{what} {path} : image trop grande ({_spaced(width)} × {_spaced(height)} px, "
            f"{_spaced(MAX_IMAGE_SIDE)} px de côté au plus) ; réduisez-la"
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageError(
            f"{what} {path} : image trop grande ({_spaced(width)} × {_spaced(height)} px, "
            f"{_mega(MAX_IMAGE_PIXELS)} millions de pixels au plus) ; réduisez-la"
        )
    if width < 1 or height < 1:
        raise ImageError(f"{what} {path} : image vide (0 pixel)")
    frames = int(getattr(image, "n_frames", 1))
    if frames > 1 and image.format != "MPO":  # MPO: a phone's JPEG with a preview, not animated
        raise ImageError(f"{what} {path} : image animée ({frames} images) ; donnez une image fixe")
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """8-bit sRGB (RGB, or RGBA when the image has transparency)."""
    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        image = image.convert("I").point(lambda v: v * (1 / 256))  # 16 bits to 8
        image = image.convert("L")
    elif mode in ("F", "1"):
        image = image.convert("L")
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "CMYK", "L"):
        from PIL import ImageCms  # only for pictures with a colour profile (cold start)

        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            target = ImageCms.createProfile("sRGB")
            image = ImageCms.profileToProfile(image, source, target, outputMode="RGB")  # type: ignore[assignment]
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: fall back to the plain conversion below
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    if image.mode == "RGBA":
        alpha = image.getchannel("A").getextrema()
        if alpha[0] == 255:
            image = image.convert("RGB")
    return image


def _load_raster(data: bytes, path: Path, what: str, working_side: int) -> Artwork:
    image = _open_checked(data, path, what)
    try:
        with image:
            image.load()
            from PIL import ImageOps  # only when a picture is loaded (cold start)

            upright = ImageOps.exif_transpose(image)
            pixels = _to_srgb(upright)
    except Image.DecompressionBombError:
        raise ImageError(f"{what} {path} : image trop grande ; réduisez-la") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageError(f"{what} {path} : image tronquée ou abîmée ; exportez-la de nouveau") from None
    if max(pixels.size) > working_side:
        pixels.thumbnail((working_side, working_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pixels.save(out, format="PNG", compress_level=1)
    return Artwork("raster", out.getvalue(), pixels.width, pixels.height, path.name,
                   opaque=pixels.mode == "RGB")


def open_raster(artwork: Artwork) -> Image.Image:
    """The pixels of a raster artwork (RGB or RGBA, loaded)."""
    image = Image.open(io.BytesIO(artwork.data), formats=["PNG"])
    image.load()
    return image

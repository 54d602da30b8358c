"""The web page's uploads: a collective's logo and photo, checked in memory.

Contract: an upload is ``(role, file name, bytes)`` with ``role`` ``logo`` or ``photo``.
``pictures(uploads)`` checks each with ``affiches.images.load.artwork_from_bytes`` (the
command line's checks and messages: size, pixels, decompression bombs, hostile SVG…)
and returns the ``UserPictures`` of the run; a bad file is a ``FormError`` at its
field, its message without the file's name (the field names it). Checked images are
kept in a small per-process cache keyed by their content's SHA-256 (previews send the
same file again and again). Nothing is written to disk.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from affiches.errors import AffichesError, FormError
from affiches.images.artwork import NO_PICTURES, Artwork, UserPictures

ROLES = ("logo", "photo")
CACHE_SIZE = 8
Upload = tuple[str, str, bytes]

_cache: OrderedDict[tuple[str, str], Artwork] = OrderedDict()
_lock = threading.Lock()


def _artwork(role: str, name: str, data: bytes) -> Artwork:
    from affiches.images.load import artwork_from_bytes

    key = (role, hashlib.sha256(data).hexdigest())
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    try:
        artwork = artwork_from_bytes(data, Path(name or role), role)
    except AffichesError as exc:
        from affiches.text.typography import french_typography

        message = str(exc).replace(f"{role} {Path(name or role)} : ", "", 1)
        raise FormError({role: french_typography(message)}) from None
    with _lock:
        _cache[key] = artwork
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return artwork


def pictures(uploads: Sequence[Upload]) -> UserPictures:
    if not uploads:
        return NO_PICTURES
    logos = tuple(_artwork(role, name, data) for role, name, data in uploads if role == "logo")
    photos = [_artwork(role, name, data) for role, name, data in uploads if role == "photo"]
    return UserPictures(logos=logos, photo=photos[0] if photos else None)

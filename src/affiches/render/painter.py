"""The painter protocol: one walk over a scene, one dispatch per primitive type.

Contract: a ``Painter`` subclass implements one method per primitive (``rect``,
``line``, ``text``, ``qr``, ``image``, ``artwork``) and, if it needs them, the hooks around
the document and each page. ``paint(scene, pages)`` calls, in this order:
``begin_document(scene)``; for each selected page (all by default, in order)
``begin_page(scene, index)``, the primitive methods for the page's items in order,
``end_page(scene, index)``; then ``end_document(scene)``, whose value it returns.

The type → method table (``METHODS``) is the only place that maps primitive types
to behaviour: every writer (PDF, PNG, print sheets, the text dump) is a painter, so
adding a primitive type means one line here and one method per painter (a painter
that lacks it fails loudly, never skips it silently). Primitive methods receive the
whole primitive (a whole text line, a whole QR code), so a painter can take fast
paths (one path per QR code, one call per line) without changing the walk.

``Writer`` is the base of the output kinds found by name in ``affiches.render``:
constructed with the user's ``PrintOptions``, ``write(scene, target)`` writes the
whole scene to a path or a binary stream. A writer instance is used for one
``write`` at a time (the registry makes a fresh one per call).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from affiches.printing.modes import PrintOptions
from affiches.scene import Image, Line, Picture, Primitive, QRCode, Rect, Scene, TextLine

Target = str | Path | BinaryIO

# The one dispatch table: primitive type -> painter method name.
METHODS: dict[type, str] = {
    Rect: "rect",
    Line: "line",
    TextLine: "text",
    QRCode: "qr",
    Image: "image",
    Picture: "artwork",
}


class Painter:
    """Walks a scene's pages and hands each primitive to its method (see module docstring)."""

    def paint(self, scene: Scene, pages: Iterable[int] | None = None) -> Any:
        """Paint the pages ``pages`` (0-based indices; all when None) of ``scene``."""
        self.begin_document(scene)
        methods: dict[type, Callable[[Any], None]] = {
            kind: getattr(self, name) for kind, name in METHODS.items()
        }
        for index in range(len(scene.pages)) if pages is None else pages:
            self.begin_page(scene, index)
            for item in scene.pages[index].items:
                methods[type(item)](item)
            self.end_page(scene, index)
        return self.end_document(scene)

    # Hooks: override what you need.
    def begin_document(self, scene: Scene) -> None:
        pass

    def begin_page(self, scene: Scene, index: int) -> None:
        pass

    def end_page(self, scene: Scene, index: int) -> None:
        pass

    def end_document(self, scene: Scene) -> Any:
        return None

    # One method per primitive type (see METHODS).
    def rect(self, item: Rect) -> None:
        raise NotImplementedError(self._missing(item))

    def line(self, item: Line) -> None:
        raise NotImplementedError(self._missing(item))

    def text(self, item: TextLine) -> None:
        raise NotImplementedError(self._missing(item))

    def qr(self, item: QRCode) -> None:
        raise NotImplementedError(self._missing(item))

    def image(self, item: Image) -> None:
        raise NotImplementedError(self._missing(item))

    def artwork(self, item: Picture) -> None:
        raise NotImplementedError(self._missing(item))

    def _missing(self, item: Primitive) -> str:
        return f"{type(self).__name__} cannot paint {type(item).__name__}"


class Writer:
    """An output kind: ``write(scene, target)`` writes the whole scene (see module docstring)."""

    def __init__(self, printing: PrintOptions | None = None) -> None:
        self.printing = printing or PrintOptions()

    def write(self, scene: Scene, target: Target) -> None:
        raise NotImplementedError(f"{type(self).__name__}.write")

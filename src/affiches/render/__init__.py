"""Writers: turn a ``Scene`` into bytes, every output kind found by name.

Contract: ``writer_for(fmt, mode="page", printing=None)`` returns ``write(scene,
target)``, which writes the whole scene to ``target`` (a path or a binary stream).
``fmt`` is the file format ("pdf", "png"); ``mode`` what a page becomes on paper
(``affiches.printing.modes.mode_for``: "page", "tuiles", "a4", "imposer");
``printing`` the user's ``PrintOptions`` (none: plain output). Writers never compose,
measure or decide layout; each call of ``write`` uses a fresh writer, so one
``write`` may serve many scenes. An unknown format or mode is an ``AffichesError``
in French naming what exists.

The registry maps ``(fmt, mode)`` to ``"module:Class"``, a ``render.painter.Writer``
subclass, and imports the module only when asked, so ``affiches --help`` does not pay
for reportlab or Pillow. Adding an output kind is one ``register`` line here plus its
module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from affiches.errors import AffichesError

if TYPE_CHECKING:
    from affiches.printing.modes import PrintOptions
    from affiches.render.painter import Target, Writer
    from affiches.scene import Scene

WRITERS: dict[tuple[str, str], str] = {}


def register(fmt: str, writer: str, mode: str = "page") -> None:
    """Make ``writer`` ("module:Class") the writer of ``fmt`` in print ``mode``."""
    WRITERS[(fmt, mode)] = writer


register("pdf", "affiches.render.pdf:PdfWriter")
register("pdf", "affiches.render.pdf_sheets:TilesWriter", mode="tuiles")
register("pdf", "affiches.render.pdf_sheets:FitWriter", mode="a4")
register("pdf", "affiches.render.pdf_sheets:NupWriter", mode="imposer")
register("png", "affiches.render.png:PngWriter")
register("jpg", "affiches.render.jpeg:JpegWriter")  # visuals with a photo (see jobs.kit)
register("odt", "affiches.render.letterfiles:OdtWriter")
register("eml", "affiches.render.letterfiles:EmlWriter")
register("txt", "affiches.render.letterfiles:TxtWriter")


def formats() -> list[str]:
    """The registered file formats, in registration order."""
    return list(dict.fromkeys(fmt for fmt, _mode in WRITERS))


def writer_class(fmt: str, mode: str = "page") -> type[Writer]:
    """The class registered for ``fmt`` and ``mode`` (its module imported now)."""
    try:
        module_name, name = WRITERS[(fmt, mode)].split(":")
    except KeyError:
        if fmt not in formats():
            raise AffichesError(
                f"format de sortie inconnu : « {fmt} » ; formats disponibles : "
                f"{', '.join(formats())}"
            ) from None
        modes = [m for f, m in WRITERS if f == fmt]
        raise AffichesError(
            f"mode d’impression inconnu pour le format {fmt} : « {mode} » ; modes "
            f"disponibles : {', '.join(modes)}"
        ) from None
    cls: type[Writer] = getattr(importlib.import_module(module_name), name)
    return cls


class BoundWriter:
    """``write(scene, target)`` for one output kind and one set of print options."""

    def __init__(self, cls: type[Writer], printing: PrintOptions | None) -> None:
        self.cls = cls
        self.printing = printing

    def __call__(self, scene: Scene, target: Target) -> None:
        self.cls(self.printing).write(scene, target)

    write = __call__

    def __repr__(self) -> str:
        return f"<writer {self.cls.__name__} {self.printing!r}>"


def writer_for(fmt: str, mode: str = "page", printing: PrintOptions | None = None) -> BoundWriter:
    """The writer of ``fmt`` in print ``mode`` with ``printing`` (see module docstring)."""
    return BoundWriter(writer_class(fmt, mode), printing)

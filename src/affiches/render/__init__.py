"""Writers: turn a ``Scene`` into bytes.

Contract: ``writer_for(fmt, mode="page", printing=None)`` returns a callable
``write(scene, stream)`` (``stream`` binary; a path is accepted too); with print options
that apply (``printing.any``) a PDF goes through the print mode's writer
(``affiches.printing.modes.print_writer``); writers never compose, measure or decide
layout. The registry maps a format name to ``module:function`` and imports the module
only when used, so ``affiches --help`` does not pay for reportlab or Pillow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from affiches.errors import AffichesError

WRITERS: dict[str, str] = {
    "pdf": "affiches.render.pdf:write_pdf",
    "png": "affiches.render.png:write_png",
}

Writer = Callable[..., None]


def writer_for(fmt: str, mode: str = "page", printing: Any = None) -> Writer:
    if fmt == "pdf" and printing is not None and printing.any:
        from affiches.printing.modes import print_writer

        return print_writer(mode, printing)
    try:
        module_name, function = WRITERS[fmt].split(":")
    except KeyError:
        raise AffichesError(
            f"format de sortie inconnu : « {fmt} » ; formats disponibles : {', '.join(WRITERS)}"
        ) from None
    module: Any = importlib.import_module(module_name)
    return getattr(module, function)  # type: ignore[no-any-return]

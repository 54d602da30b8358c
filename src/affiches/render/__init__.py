"""Writers: turn a ``Scene`` into bytes.

Contract: ``writer_for(fmt)`` returns a callable ``write(scene, target, options)`` where
``target`` is a path or a binary stream; writers never compose, measure or decide
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
    "odt": "affiches.render.letterfiles:write_odt",
    "eml": "affiches.render.letterfiles:write_eml",
    "txt": "affiches.render.letterfiles:write_txt",
}

Writer = Callable[..., None]


def writer_for(fmt: str) -> Writer:
    try:
        module_name, function = WRITERS[fmt].split(":")
    except KeyError:
        raise AffichesError(
            f"format de sortie inconnu : « {fmt} » ; formats disponibles : {', '.join(WRITERS)}"
        ) from None
    module: Any = importlib.import_module(module_name)
    return getattr(module, function)  # type: ignore[no-any-return]

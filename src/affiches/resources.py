"""Locate the data files shipped with the package.

Contract: ``assets_dir()`` and ``builtin_layouts_dir()`` return existing directories.
In an installed wheel they are ``affiches/assets`` and ``affiches/layouts`` inside the
package (hatch ``force-include``); in a source checkout they fall back to the
repository's top-level ``assets/`` and ``layouts/``. When neither exists they raise
``ResourceError`` (a subclass of ``AffichesError``) with a French message.
"""

from __future__ import annotations

from pathlib import Path

from affiches.errors import ResourceError

__all__ = ["ResourceError", "assets_dir", "builtin_layouts_dir"]




def _locate(name: str) -> Path:
    """Return the packaged directory ``name``, else the source checkout's one."""
    # The package's own folder, as importlib.resources.files("affiches") gives for an
    # installed wheel, without importing importlib.resources (and tempfile, shutil, bz2,
    # lzma with it) at start-up.
    package = Path(__file__).resolve().parent
    packaged = package / name
    if packaged.is_dir():
        return packaged
    checkout = package.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise ResourceError(
        f"Dossier « {name} » introuvable dans le paquet affiches ni dans {checkout.parent} : "
        "réinstallez le paquet."
    )


def assets_dir() -> Path:
    """Directory holding fonts and data (``affiches/assets`` or ``<repo>/assets``)."""
    return _locate("assets")


def builtin_layouts_dir() -> Path:
    """Directory holding the built-in layouts (``affiches/layouts`` or ``<repo>/layouts``)."""
    return _locate("layouts")

"""Where layout files, and the fonts and images they name, are found.

Contract:
- ``find_layout(name_or_path, user_dirs)`` returns the file of a layout: an existing
  ``.toml`` path, or ``NAME.toml`` in the user's folders (first match wins: ``--dossier-
  gabarits`` folders, then ``$AFFICHES_GABARITS``, then ``./layouts/``) and then in the
  built-in ``layouts/``; an unknown name is a ``LayoutError`` suggesting the closest one.
- ``available_layouts`` maps every usable name to its winning file; ``layout_catalog``
  also lists the files a user layout hides; ``is_builtin`` tells a bundled file.
- ``user_font_dirs`` (``$AFFICHES_POLICES``) and ``find_image`` (beside the layout,
  then the package's ``assets/``) are the other search paths of a layout; an image
  is a relative name without ``..`` whose real path stays inside its folder.
Reads folder listings only; parses nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from affiches.errors import LayoutError
from affiches.limits import file_inside
from affiches.resources import assets_dir, builtin_layouts_dir

ENV_LAYOUT_DIRS = "AFFICHES_GABARITS"
ENV_FONT_DIRS = "AFFICHES_POLICES"


def unique_paths(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p not in out:
            out.append(p)
    return out


def user_font_dirs() -> list[Path]:
    """Folders named by ``$AFFICHES_POLICES`` (separated like PATH)."""
    return [Path(e) for e in os.environ.get(ENV_FONT_DIRS, "").split(os.pathsep) if e]


def user_layout_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    """User folders looked at before the built-ins, in order of precedence."""
    dirs = [Path(d) for d in extra]
    for entry in os.environ.get(ENV_LAYOUT_DIRS, "").split(os.pathsep):
        if entry:
            dirs.append(Path(entry))
    dirs.append(Path.cwd() / "layouts")
    seen: list[Path] = []
    builtin = builtin_layouts_dir().resolve()
    for d in dirs:
        if d.is_dir() and d.resolve() not in seen and d.resolve() != builtin:
            seen.append(d.resolve())
    return seen


def layout_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    return [*user_layout_dirs(extra), builtin_layouts_dir()]


def available_layouts(extra: Sequence[Path | str] = ()) -> dict[str, Path]:
    """Every layout name that can be used, mapped to the file that wins."""
    return {name: files[0] for name, files in layout_catalog(extra).items()}


def layout_catalog(extra: Sequence[Path | str] = ()) -> dict[str, list[Path]]:
    """Every layout name mapped to all its files, the winning one first (sorted by name)."""
    found: dict[str, list[Path]] = {}
    for folder in layout_dirs(extra):
        for path in sorted(folder.glob("*.toml")):
            found.setdefault(path.stem, []).append(path)
    return dict(sorted(found.items()))


def is_builtin(path: Path) -> bool:
    return path.resolve().parent == builtin_layouts_dir().resolve()


def find_layout(name_or_path: str, extra_dirs: Sequence[Path | str] = ()) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or os.sep in name_or_path:
        if candidate.is_file():
            return candidate.resolve()
        if candidate.exists():
            raise LayoutError(f"gabarit « {name_or_path} » : ce n’est pas un fichier ordinaire ; "
                              "donnez un fichier .toml")
        raise LayoutError(f"gabarit introuvable : fichier « {name_or_path} » inexistant")
    layouts = available_layouts(extra_dirs)
    if name_or_path in layouts:
        return layouts[name_or_path]
    from difflib import get_close_matches  # only when a name is wrong

    close = get_close_matches(name_or_path, list(layouts), n=1)
    hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
    raise LayoutError(
        f"gabarit inconnu : « {name_or_path} »{hint} (gabarits disponibles : "
        f"{', '.join(sorted(layouts))} ; voir « affiches gabarits liste »)"
    )


def find_image(name: str, folders: Sequence[Path]) -> Path | None:
    """An image file named by a layout: beside the layout (or its parents), then in assets/.

    Only a relative name without ``..`` is looked for, and only a file whose real path
    (links resolved) lies inside the folder it was found in (``limits.file_inside``).
    """
    for base in (*folders, assets_dir()):
        candidate = file_inside(base, name)
        if candidate is not None:
            return candidate
    return None

"""Error hierarchy of the library.

Contract: library code raises only subclasses of ``AffichesError`` for problems a
user can fix; each carries a one-line French message naming the offending value and
the fix. Only ``cli.py`` turns them into Click errors (exit status 1 or 2).
"""

import errno


class AffichesError(Exception):
    """Base class: a problem with the user's input, layouts, fonts or files."""


class CityNameError(AffichesError):
    """The city name typed is empty, blank, too long or contains control characters."""


class LayoutError(AffichesError):
    """A layout file is missing, unreadable or invalid."""


class FitError(AffichesError):
    """A text cannot fit its block even at the smallest size allowed."""


class GlyphError(AffichesError):
    """A character is missing from every font available for a block."""


class OutputError(AffichesError):
    """An output path is unsafe or cannot be written."""


_OS_REASONS = {
    errno.ENOENT: "dossier ou fichier inexistant",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOTDIR: "un élément du chemin n’est pas un dossier",
    errno.EISDIR: "c’est un dossier",
    errno.EEXIST: "existe déjà",
    errno.EDQUOT: "quota disque dépassé",
}


def os_reason(exc: OSError) -> str:
    """A system error's reason, in French where it is a common one."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class ImageError(AffichesError):
    """A user's image (logo, photo) is unreadable, hostile or over a limit."""


class FocusError(AffichesError):
    """The --cadrage value (the photo's focal point) cannot be read."""

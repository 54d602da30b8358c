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
    errno.ENAMETOOLONG: "nom trop long",
    errno.ELOOP: "lien symbolique refusé",
    errno.EFBIG: "fichier trop gros pour le système",
}


def os_reason(exc: OSError) -> str:
    """A system error's reason, in French where it is a common one."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


class LimitError(AffichesError):
    """An input asks for more than a limit of ``affiches.limits`` allows."""


_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0, 32), *range(127, 160))}
_CONTROLS.update({c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def printable(text: str) -> str:
    """``text`` safe to show on a terminal or in a one-line report: control characters
    (escape sequences, line breaks, bidirectional overrides) written as ``\\x1b``…"""
    return str(text).translate(_CONTROLS)

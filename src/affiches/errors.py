"""Every error class of the library, with structured fields.

Contract: library code raises only subclasses of ``AffichesError`` for problems a
user can fix. Each carries a one-line French message (``str(exc)``) naming the
offending value and the fix, the same text without its location prefix
(``exc.detail``), the fields it is about (``layout``, ``block``, ``key``, ``value``,
``path``: ``None`` when irrelevant) and its exit status (``exit_code``, Click's
model: 1 for a problem with the input, 2 for a usage error). Nobody parses a
message back: callers read the fields. ``os_errors(path, hint)`` turns an
``OSError`` raised in its block into the one-line ``OutputError``; ``printable(text)``
escapes control characters (terminal escape sequences from a CSV cell) for display.
Only the
command line (``affiches.cli``) and the web layer turn errors into output.
This module imports nothing from the package.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from pathlib import Path


class AffichesError(Exception):
    """Base class: a problem with the user's input, layouts, fonts or files."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        layout: str | None = None,
        block: str | None = None,
        key: str | None = None,
        value: str | None = None,
        path: str | Path | None = None,
        detail: str | None = None,
    ) -> None:
        message = " ".join(message.split("\n"))  # always one line
        super().__init__(message)
        self.message = message
        self.layout = layout
        self.block = block
        self.key = key
        self.value = value
        self.path = path
        self.detail = message if detail is None else " ".join(detail.split("\n"))

    def __str__(self) -> str:
        return self.message

    @classmethod
    def in_block(cls, layout: str, block: str, detail: str, **fields: str | None) -> AffichesError:
        """``gabarit L, bloc « B » : detail``, with the layout and block as fields."""
        return cls(f"gabarit {layout}, bloc « {block} » : {detail}", layout=layout, block=block,
                   detail=detail, **fields)


class CityNameError(AffichesError):
    """The city name typed is empty, blank, too long or contains control characters."""


class CommunesDataError(AffichesError):
    """The bundled communes database is missing or unreadable."""


class EventError(AffichesError):
    """A date or time of an event cannot be understood."""


class OptionError(AffichesError):
    """An option's value cannot be used."""


class ImageError(AffichesError):
    """A user's image (logo, photo) is unreadable, hostile or over a limit."""


class FocusError(OptionError):
    """The --cadrage value (the photo's focal point) cannot be read."""


class CsvError(AffichesError):
    """The CSV file cannot be read or has no usable city column."""


class LayoutError(AffichesError):
    """A layout file is missing, unreadable or invalid."""


class TemplateError(LayoutError):
    """A layout template outside the restricted formatter's subset (``affiches.text.template``)."""


class FitError(AffichesError):
    """A text cannot fit its block even at the smallest size allowed."""


class GlyphError(AffichesError):
    """A character is missing from every font available for a block."""


class QRDataError(AffichesError):
    """The data of a QR code cannot be encoded."""


class ResourceError(AffichesError):
    """A bundled resource (fonts, layouts, data) cannot be found."""


class PrintError(AffichesError):
    """Print options that do not apply, or a QR code too small once printed."""


class ImposeError(AffichesError):
    """Pages cannot be imposed on the sheet asked for."""


class AddressError(AffichesError):
    """A postal address cannot be read or cannot be set in 6 lines of 38 characters."""


class LetterInputError(AffichesError):
    """Something the sender typed cannot be used in a letter."""


class OutputError(AffichesError):
    """An output path is unsafe or cannot be written."""


class LimitError(AffichesError):
    """An input asks for more than a limit of ``affiches.limits`` allows."""


class FormError(AffichesError):
    """Fields of the web page's form cannot be used: ``errors`` maps each field to its
    one-line message (several at once). Picklable: it crosses the render processes."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()), key=next(iter(self.errors), None))

    def __reduce__(self) -> tuple[type[FormError], tuple[dict[str, str]]]:
        return (FormError, (self.errors,))


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
    errno.ELOOP: "lien symbolique refusé",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EFBIG: "fichier trop gros pour le système",
    errno.ENXIO: "ce n’est pas un fichier ordinaire (tube ou périphérique)",
}


def os_reason(exc: OSError) -> str:
    """A system error's reason, in French where it is a common one."""
    return _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))


@contextlib.contextmanager
def os_errors(path: str | Path, hint: str = "vérifiez le dossier --sortie",
              action: str = "écriture impossible de") -> Iterator[None]:
    """Turn an ``OSError`` raised inside the block into one ``OutputError`` line."""
    try:
        yield
    except OSError as exc:
        raise OutputError(f"{action} {path} : {os_reason(exc)} ; {hint}", path=str(path),
                          detail=f"{action} {path} : {os_reason(exc)}") from None


_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0, 32), *range(127, 160))}
_CONTROLS.update({c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def printable(text: str) -> str:
    """``text`` safe to show on a terminal or in a one-line report: control characters
    (escape sequences, line breaks, bidirectional overrides) written as ``\\x1b``…"""
    return str(text).translate(_CONTROLS)


__all__ = [
    "AffichesError",
    "CityNameError",
    "CommunesDataError",
    "CsvError",
    "EventError",
    "FitError",
    "FocusError",
    "GlyphError",
    "ImageError",
    "ImposeError",
    "LayoutError",
    "LimitError",
    "OptionError",
    "OutputError",
    "PrintError",
    "QRDataError",
    "TemplateError",
    "ResourceError",
    "os_errors",
    "os_reason",
    "printable",
]

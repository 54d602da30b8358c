"""Every resource limit of the program, in one place, and the checks that enforce them.

Contract: the constants below bound what any input (a CSV file, a layout, a font, an
image, an option) may ask for, so that no input, however hostile, makes a command
run for minutes, eat the machine's memory or hang. Each check raises an
``AffichesError`` subclass (the one given, or ``LimitError``) with a one-line French
message naming the value, the limit and the fix. ``docs/securite.md`` lists the same
limits for users; change both together.

- ``read_regular_file(path, limit, error, what)`` reads a whole input file: a regular
  file only (a FIFO, a device such as ``/dev/zero``, a folder are refused without
  blocking: the file is opened non-blocking and checked with ``fstat``), at most
  ``limit`` bytes.
- ``available_cpus()``; ``check_jobs(n)``: worker processes, at most twice the CPUs available.
- ``check_output_path(path)``: an output folder whose name the system can hold.
- ``parse_toml(text)``: TOML nested at most ``MAX_TOML_DEPTH`` deep; ``nesting_depth(value)``:
  depth of nested lists/tables of parsed TOML (iterative).
- ``file_inside(folder, name)``: the file ``name`` (relative, no ``..``) of ``folder``,
  its real path (links resolved) inside the folder's real path, or None: what a layout
  may name (images, fonts) never reaches outside its allowed folders.
- ``image_problem(path)``: why an image a layout names cannot be used (not a regular
  file, too big, not PNG or JPEG, more than ``MAX_IMAGE_PIXELS`` once decoded: a
  decompression bomb), read from its header only, or None.
Imports nothing from the rest of the package but ``errors`` (Pillow lazily).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path
from typing import Any

from affiches.errors import AffichesError, LimitError, os_reason

# Input files.
MAX_CSV_BYTES = 50 * 1024 * 1024  # a CSV list of cities (the communes of France: 3 MB)
MAX_LAYOUT_BYTES = 1024 * 1024  # a layout file (.toml; the largest shipped: 10 KB)
MAX_FONT_BYTES = 20 * 1024 * 1024  # a font file (.ttf)
MAX_IMAGE_BYTES = 20_000_000  # an image: a layout's, a user's logo or photo
MAX_SVG_BYTES = 2_000_000  # a user's SVG logo: more path data only slows the PDF down
MAX_METRICS_BYTES = 4 * 1024 * 1024  # a font metrics cache file (.metrics)

# CSV content.
MAX_CELL_CHARS = 128 * 1024  # one cell (the csv module's own default limit)
MAX_COLUMNS = 200  # columns of the header line (and of any row)

# Texts.
MAX_OPTION_CHARS = 200  # --collectif, --contact, a CSV column printed by a layout
MAX_BLOCK_TEXT_CHARS = 5_000  # one block's text after its variables are filled in
MAX_TEMPLATE_WIDTH = 200  # width or precision in a template field, {x_a:>30}

# Layouts.
MAX_LAYOUT_PAGES = 20
MAX_LAYOUT_BLOCKS = 500
MAX_TOML_DEPTH = 16  # nested arrays and tables
MAX_MM_SIDE = 3_000  # a page of 3 m
MAX_PX_SIDE = 8_000  # a PNG page side
MAX_PX_AREA = 40_000_000  # a PNG page, width × height (about 120 MB of RGB)
MAX_IMAGE_PIXELS = 25_000_000  # an image, decoded (Pillow's bomb check; a 24-megapixel camera passes)
MAX_IMAGE_SIDE = 12_000  # pixels, either side of an image
MAX_SVG_ELEMENTS = 20_000  # elements of a user's SVG logo
MAX_SVG_DEPTH = 64  # nesting of a user's SVG logo

# Texts a user writes on the web page or the command line (beyond MAX_OPTION_CHARS).
MAX_OWN_WORDS_CHARS = 400  # --accroche, --message: a headline or a sentence, not a page
MAX_LOGOS = 2  # a collective and a partner
MAX_LETTER_FIELD_CHARS = 200  # a field of a letter (sender, signatory…)

# The web page's requests.
MAX_WEB_FIELDS_BYTES = 64 * 1024  # the text fields of a request, all together
MAX_WEB_UPLOAD_BYTES = 10_000_000  # one image sent (logo or photo)
MAX_WEB_BODY_BYTES = MAX_WEB_FIELDS_BYTES + 2 * MAX_WEB_UPLOAD_BYTES + 64 * 1024  # a logo and a photo
MAX_WEB_QUERY_BYTES = 4096
MAX_WEB_FIELDS = 40

# Batches.
MAX_POPULATION = 100_000_000  # --population-min
JOBS_PER_CPU = 2  # --jobs is at most twice the CPUs available
MAX_PATH_BYTES = 3_000  # an output folder's path (Linux allows 4,096 for the whole path)
MAX_NAME_BYTES = 255  # one component of a path


def _mebibytes(count: int) -> str:
    """A size as people read it: ``1,5 Mo``, ``12 Ko``."""
    if count < 1024 * 1024:
        return f"{-(-count // 1024)} Ko"
    tenths = -(-count * 10 // (1024 * 1024))  # rounded up: a file just over the limit shows over it
    return f"{tenths // 10},{tenths % 10} Mo".replace(",0 ", " ")


def read_regular_file(
    path: Path, limit: int, error: type[AffichesError] = LimitError, what: str = "fichier"
) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes; see the contract."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket or a FIFO without writer on some systems
            raise error(f"{path} : ce n’est pas un fichier ordinaire ; donnez un {what}") from None
        raise error(f"{path} : lecture impossible ({os_reason(exc)}) ; vérifiez le chemin") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{path} : c’est un dossier ; donnez un {what}")
        if not stat.S_ISREG(info.st_mode):
            raise error(
                f"{path} : ce n’est pas un fichier ordinaire (tube, périphérique…) ; donnez un {what}"
            )
        if info.st_size > limit:
            raise error(
                f"{path} : fichier trop gros ({_mebibytes(info.st_size)}, {_mebibytes(limit)} au plus)"
                f" ; découpez-le ou allégez-le"
            )
        chunks = []
        size = 0
        while True:  # read to the end, never past the limit (a file growing while read)
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise error(
                    f"{path} : fichier trop gros (plus de {_mebibytes(limit)}) ; découpez-le ou allégez-le"
                )
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{path} : lecture impossible ({os_reason(exc)}) ; vérifiez le fichier") from None
    finally:
        os.close(fd)


def available_cpus() -> int:
    """CPUs this process may run on (affinity and cgroup aware where Python knows it)."""
    count = getattr(os, "process_cpu_count", None)
    if count is not None:
        return max(1, count() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def check_jobs(jobs: int) -> int:
    cpus = available_cpus()
    if jobs < 1 or jobs > cpus * JOBS_PER_CPU:
        shown = str(jobs) if len(str(jobs)) <= 12 else str(jobs)[:12] + "…"
        raise LimitError(
            f"-j {shown} : entre 1 et {cpus * JOBS_PER_CPU} processus sur cette machine "
            f"({cpus} processeur{'s' if cpus > 1 else ''} × {JOBS_PER_CPU}) ; "
            "omettez -j pour utiliser tous les processeurs"
        )
    return jobs


def check_output_path(path: Path) -> Path:
    """Refuse an output folder whose name is longer than the system can hold."""
    encoded = os.fsencode(str(path))
    longest = max((len(part) for part in encoded.split(b"/")), default=0)
    if longest > MAX_NAME_BYTES:
        reason = f"un nom de {longest} octets, {MAX_NAME_BYTES} au plus"
    elif len(encoded) > MAX_PATH_BYTES:
        reason = f"{len(encoded)} octets, {MAX_PATH_BYTES} au plus"
    else:
        return path
    raise LimitError(f"-o {str(path)[:40]}… : chemin trop long ({reason}) ; choisissez un dossier plus court")


def is_plain_relative(name: str) -> bool:
    """A relative file name without ``..``: ``logo.png``, ``images/logo.png``."""
    path = Path(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\x00" not in name


def file_inside(folder: Path, name: str) -> Path | None:
    if not is_plain_relative(name):
        return None
    try:
        root = folder.resolve()
        candidate = (root / name).resolve()
    except (OSError, RuntimeError):  # a link loop
        return None
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


IMAGE_FORMATS = ("PNG", "JPEG")


def image_problem(path: Path) -> str | None:
    try:
        info = path.stat()
    except OSError as exc:
        return f"illisible ({os_reason(exc)})"
    if not stat.S_ISREG(info.st_mode):
        return "ce n’est pas un fichier ordinaire"
    if info.st_size > MAX_IMAGE_BYTES:
        return f"fichier trop gros ({_mebibytes(info.st_size)}, {_mebibytes(MAX_IMAGE_BYTES)} au plus)"
    import warnings

    from PIL import Image, UnidentifiedImageError

    too_big = (f"image trop grande (plus de {MAX_IMAGE_PIXELS // 1_000_000} millions de pixels une fois "
               "décodée) ; réduisez-la")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # reads the header only
                kind, (width, height) = image.format, image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return too_big
    except (UnidentifiedImageError, OSError, ValueError):
        return "ce n’est pas une image PNG ou JPEG lisible"
    if kind not in IMAGE_FORMATS:
        return f"format {kind} non pris en charge ; enregistrez-la en PNG ou JPEG"
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        return too_big
    return None


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, nested at most ``MAX_TOML_DEPTH`` deep (``LimitError``
    otherwise, tomllib's own recursion limit included); ``TOMLDecodeError`` passes through."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        table = tomllib.loads(text)
    except RecursionError:
        table = None
    if table is None or nesting_depth(table) > MAX_TOML_DEPTH:
        raise LimitError(f"tableaux ou tables imbriqués sur plus de {MAX_TOML_DEPTH} niveaux ; "
                         "simplifiez le fichier")
    return table


def nesting_depth(value: Any) -> int:
    """Depth of nested lists and dicts (a scalar is 0), computed without recursion."""
    depth = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        depth = max(depth, level)
        stack.extend((child, level) for child in children)
    return depth

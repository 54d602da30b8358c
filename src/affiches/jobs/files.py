"""The one file-writing primitive, and the reads that go with it, inside an output root.

Contract:
- ``write_file(root, name, data)`` writes ``root/name`` (``name`` relative, ``/``-separated,
  no ``..``) with ``data`` (bytes, or a callable given the binary stream). Every folder
  on the way below ``root`` is created or opened without following a symbolic link
  (``O_NOFOLLOW`` on each component, ``openat``-style): a folder that is a link (to
  anywhere) is refused with a one-line ``OutputError``. The file is written to a hidden
  ``.NAME.<random>.part`` created in the target folder with ``O_CREAT|O_EXCL|O_NOFOLLOW``
  (a planted link or file at that name is never followed nor reused), flushed,
  ``fsync``-ed and renamed over the target with ``os.replace`` (a link at the target
  name is replaced, never followed). On any failure the temporary file is removed and
  the target is untouched; temporary files of the same name that a killed run left
  there are removed first. ``OSError`` becomes ``OutputError`` naming the path; other
  exceptions (from the callable) propagate.
- ``write_path(path, data)`` writes a file the user named exactly (its folder is the
  root); ``write_under(root, target, data)`` is ``write_file`` when ``target`` lies below
  ``root``, ``write_path`` otherwise.
- ``root`` itself is the user's choice (``-o``): created with its parents if missing,
  and it may be a link.
- ``file_digest(root, name)`` is the SHA-256 of a regular file below ``root`` (read
  without following links: ``None`` when absent, ``LINK`` when it is a link).
- ``clean_stale_parts(root, depth=1)`` removes the ``.*.part`` files a killed run left,
  in ``root`` and its sub-folders (not through links).
- ``open_append(root, name)`` opens a journal for appending without following a link.
- ``open_root(root)`` is a descriptor of the root (batches write below it with
  ``affiches.jobs.staging``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from affiches.errors import OutputError, os_errors

PART_SUFFIX = ".part"
LINK = "lien"
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_HINT = "vérifiez le dossier --sortie"

Content = bytes | Callable[[BinaryIO], object]


def split_name(name: str) -> tuple[str, ...]:
    """The components of a relative output name; anything that could climb out is refused."""
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise OutputError(f"nom de fichier de sortie invalide : « {name} »", value=name)
    return parts


def _link_error(root: Path, parts: tuple[str, ...]) -> OutputError:
    where = root.joinpath(*parts)
    return OutputError(
        f"{where} est un lien symbolique (ou n’est pas un dossier) : rien n’est écrit à travers ; "
        "supprimez-le ou choisissez un autre dossier --sortie", path=str(where),
        detail=f"{where} est un lien symbolique (ou n’est pas un dossier)",
    )


@contextlib.contextmanager
def open_folder(root: Path, parts: tuple[str, ...], create: bool = True) -> Iterator[int]:
    """A descriptor of ``root/parts…``, each folder created if asked and never followed if a link."""
    if create:
        root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, _DIR_FLAGS)
    try:
        for index, part in enumerate(parts):
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=fd)
            try:
                child = os.open(part, _DIR_FLAGS | _NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _link_error(root, parts[: index + 1]) from None
                raise
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _temp_name(filename: str) -> str:
    return f".{filename[:200]}.{secrets.token_hex(6)}{PART_SUFFIX}"


def _create_temp(filename: str, folder: int) -> tuple[str, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        temp = _temp_name(filename)
        try:
            return temp, os.open(temp, flags, 0o666, dir_fd=folder)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no usable temporary name", filename)


def _remove_stale(filename: str, folder: int) -> None:
    """Remove the temporary files of ``filename`` a killed run left in this folder."""
    prefix = f".{filename[:200]}."
    with os.scandir(folder) as entries:
        stale = [e.name for e in entries if e.name.startswith(prefix) and e.name.endswith(PART_SUFFIX)]
    for name in stale:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder)


def write_file(root: Path, name: str, data: Content, hint: str = _HINT) -> Path:
    """Write ``root/name`` atomically, nothing outside ``root`` (see the module contract)."""
    parts = split_name(name)
    target = root.joinpath(*parts)
    with os_errors(target, hint), open_folder(root, parts[:-1]) as folder:
        _remove_stale(parts[-1], folder)
        temp, fd = _create_temp(parts[-1], folder)
        try:
            with os.fdopen(fd, "wb") as stream:
                if isinstance(data, bytes):
                    stream.write(data)
                else:
                    data(stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, parts[-1], src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=folder)
            raise
    return target


def write_path(path: Path, data: Content, hint: str = _HINT) -> Path:
    """``write_file`` for a path chosen by the user (its folder is the root)."""
    return write_file(path.parent, path.name, data, hint)


def write_under(root: Path, target: Path, data: Content, hint: str = _HINT) -> Path:
    """``write_file(root, …)`` when ``target`` lies below ``root`` (no linked folder between
    them is followed), else ``write_path`` (a file the user named exactly)."""
    try:
        relative = target.relative_to(root)
    except ValueError:
        return write_path(target, data, hint)
    return write_file(root, relative.as_posix(), data, hint)


def exists(root: Path, name: str) -> bool:
    """Whether ``root/name`` exists (a link counts, and is not followed)."""
    try:
        os.lstat(root.joinpath(*split_name(name)))
    except OSError:
        return False
    return True


def file_digest(root: Path, name: str) -> str | None:
    """SHA-256 of ``root/name``; ``None`` if absent, ``LINK`` if it or a folder on the way is a link."""
    parts = split_name(name)
    try:
        with open_folder(root, parts[:-1], create=False) as folder:
            fd = os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=folder)
    except OutputError:
        return LINK
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LINK
        raise
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_append(path: Path) -> BinaryIO:
    """``path`` opened for appending (created if missing); a link there is refused, and so
    is anything but a regular file (a FIFO planted there would block: opened non-blocking,
    checked, then set back to blocking)."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    hint = "supprimez ce fichier ou choisissez un autre dossier --sortie"
    with os_errors(path, hint):
        fd = os.open(path, flags, 0o666)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(f"{path} n’est pas un fichier ordinaire : rien n’y est écrit ; {hint}", path=str(path))
    os.set_blocking(fd, True)
    return os.fdopen(fd, "ab")


def read_nofollow(path: Path) -> bytes:
    """The bytes of ``path``; ``OSError`` (``ELOOP``) when it is a link."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as stream:
        return stream.read()


def open_root(root: Path) -> int:
    """A descriptor of the output root, created with its parents if missing (it may be a link:
    the user's choice)."""
    root.mkdir(parents=True, exist_ok=True)
    return os.open(root, _DIR_FLAGS)


def clean_stale_parts(root: Path, depth: int = 1, prefix: str = ".") -> int:
    """Remove ``.*.part`` files in ``root`` and ``depth`` levels of real sub-folders."""
    removed = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if depth > 0:
                    removed += clean_stale_parts(Path(entry.path), depth - 1, prefix)
            elif entry.name.startswith(prefix) and entry.name.endswith(PART_SUFFIX):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed

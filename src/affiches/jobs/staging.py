"""Staged writes: a batch's chunk of kits written together, with few system calls.

Contract (the guarantees of ``affiches.jobs.files.write_file``, for many files at once):
- ``Staging(root, root_fd)``: ``root_fd`` is the output root, opened once
  (``files.open_root``). ``folder(parts)`` creates or opens ``root/parts…`` once, each
  component opened with ``O_NOFOLLOW`` (a folder that is a link, or no folder, is
  refused with a one-line ``OutputError``), and says whether it was created now
  (``StagedFolder.new``: then it is empty, nothing in it to check).
- ``StagedFolder.stage(name, data)`` writes ``data`` to a hidden ``.NAME.<random>.part``
  created with ``O_CREAT|O_EXCL|O_NOFOLLOW`` and returns its ``stat`` (size and mtime:
  what the manifest records; a rename keeps them). ``lstat(name)`` and ``digest(name)``
  look at an existing file without following a link.
- ``commit()`` makes every staged temporary durable together — one ``syncfs`` of the
  output's file system on Linux; elsewhere each temporary was ``fsync``-ed when staged
  — and only then renames each over its final name (a link at that name is replaced,
  never followed). So a final name never points at data a power cut could leave empty,
  and a killed run leaves only ``.part`` files: the next batch removes them when it
  starts (``files.clean_stale_parts``); ``Staging`` does not scan folders for them.
- A folder whose temporaries cannot be flushed or renamed gets ``failure`` (the
  ``OSError``) and its remaining temporaries removed; files of it renamed before are
  complete; the other folders are unaffected. ``discard()`` removes a folder's
  temporaries (its kit failed), ``abort()`` every one (an interruption).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from affiches.jobs.files import _DIR_FLAGS, _NOFOLLOW, _create_temp, _link_error


def _open_child(folder: int, part: str, create: bool) -> tuple[int, bool]:
    """(descriptor of ``part`` in ``folder``, whether it was created now); ``OSError`` ``ELOOP``
    or ``ENOTDIR`` when it is a link or no folder."""
    created = False
    if create:
        try:
            os.mkdir(part, 0o777, dir_fd=folder)
            created = True
        except FileExistsError:
            pass
    return os.open(part, _DIR_FLAGS | _NOFOLLOW, dir_fd=folder), created


class StagedFolder:
    """One folder of a ``Staging``: its descriptor, its staged temporaries."""

    def __init__(self, path: Path, fd: int, new: bool, sync_each: bool) -> None:
        self.path = path
        self.fd = fd
        self.new = new  # created by this Staging: empty, no file of anyone in it
        self.sync_each = sync_each
        self.temps: list[tuple[str, str]] = []  # (temporary, final name), in staging order
        self.failure: OSError | None = None

    def lstat(self, name: str) -> os.stat_result | None:
        """The entry ``name`` in this folder, not followed if a link; ``None`` when absent."""
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def digest(self, name: str) -> str:
        """SHA-256 of the regular file ``name`` in this folder (``ELOOP`` if it is a link)."""
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=self.fd)
        digest = hashlib.sha256()
        with os.fdopen(fd, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def stage(self, name: str, data: bytes) -> os.stat_result:
        """Write ``data`` to a new temporary for ``name``; its ``stat`` after writing."""
        temp, fd = _create_temp(name, self.fd)
        self.temps.append((temp, name))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if self.sync_each:
                os.fsync(fd)
            return os.fstat(fd)
        finally:
            os.close(fd)

    def discard(self) -> None:
        """Remove the temporaries not renamed yet."""
        for temp, _name in self.temps:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=self.fd)
        self.temps = []

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _syncfs() -> Callable[[int], None] | None:
    """libc's ``syncfs`` (Linux): every dirty page of one file system to disk, one call."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # pragma: no cover - exotic libc
        return None
    function.argtypes = [ctypes.c_int]

    def call(fd: int) -> None:
        if function(fd) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))

    return call


_SYNCFS: list[Callable[[int], None] | None] = []


class Staging:
    """Files of many folders written to temporaries, made durable together, then renamed."""

    def __init__(self, root: Path, root_fd: int) -> None:
        self.root = root
        self.root_fd = root_fd
        if not _SYNCFS:
            _SYNCFS.append(_syncfs())
        self._syncfs = _SYNCFS[0]
        self.folders: list[StagedFolder] = []

    def folder(self, parts: tuple[str, ...]) -> StagedFolder:
        """The folder ``root/parts…``, created if missing; a link on the way is refused
        (``OutputError``)."""
        fd = os.dup(self.root_fd)
        new = False
        try:
            for index, part in enumerate(parts):
                try:
                    child, new = _open_child(fd, part, True)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise _link_error(self.root, parts[: index + 1]) from None
                    raise
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        folder = StagedFolder(self.root.joinpath(*parts), fd, new, self._syncfs is None)
        self.folders.append(folder)
        return folder

    def commit(self) -> None:
        """Make every staged file durable, then rename each over its final name; close all."""
        try:
            if self._syncfs is not None and any(f.temps for f in self.folders):
                self._syncfs(self.root_fd)
        except OSError as exc:
            for folder in self.folders:
                folder.failure = folder.failure or exc
        for folder in self.folders:
            try:
                while folder.failure is None and folder.temps:
                    temp, name = folder.temps[0]
                    os.replace(temp, name, src_dir_fd=folder.fd, dst_dir_fd=folder.fd)
                    folder.temps.pop(0)
            except OSError as exc:
                folder.failure = exc
            folder.discard()
            folder.close()
        self.folders = []

    def abort(self) -> None:
        """Remove every temporary not renamed yet; close all."""
        for folder in self.folders:
            folder.discard()
            folder.close()
        self.folders = []

"""A batch worker: makes chunks of kits (plan, compose, render, write) and says what it wrote.

Contract:
- ``prepare(settings)`` reads the layouts (and their fonts) and returns them;
  ``warm()`` then loads what every kit needs (the renderers, the QR code of the URL)
  and tunes the allocator (``tune_malloc``), once per process. The batch calls both
  before forking its workers, which inherit it all (``warm`` only when there is work:
  a rerun with nothing to do stays quick); with another start method ``init_worker``
  does it in the worker. ``init_worker(settings, quiet_signals)`` is the pool's
  initializer: Ctrl-C left to the parent, death with the parent (Linux), the output
  root opened once; ``release()`` closes it (the batch's own process, ``-j 1``).
- ``make_tasks(tasks)`` gives one ``Outcome`` per task, in order: the files of each
  material with their record (SHA-256, size, mtime: what the manifest keeps), or the
  row's one-line error, plus notes. Only that goes back to the batch: it keeps the
  tasks. A kit is wholly rendered before anything of it is written (a misfit writes
  nothing); then every file of the chunk is staged and committed together
  (``affiches.jobs.staging``: temporaries, one flush to disk, renames): the batch
  journals a row only once its files are durable under their final names.
- A file that exists but was not written by a previous run (or was edited since, or is
  a link) is left alone and its row fails, unless ``force``; if its bytes are exactly
  those that would be written, it is simply recorded. In a folder this chunk created,
  or with ``force``, nothing is checked: there is nothing to find.
- A failing row never affects another one's files; an exception other than an
  ``AffichesError``, an ``OSError`` or a bug in one row (``KeyboardInterrupt``…)
  removes every temporary of the chunk and propagates.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from affiches.errors import AffichesError, OutputError, os_reason
from affiches.jobs import pipeline
from affiches.jobs.rows import Task, _digest, load_layouts

if TYPE_CHECKING:  # pragma: no cover
    from affiches.jobs.batch import BatchSettings
    from affiches.jobs.staging import StagedFolder, Staging

_WORKER: dict[str, Any] = {}
# glibc: freed memory is kept for the next kit up to this much, and blocks below this size
# come from the heap, not from mmap (see tune_malloc).
TRIM_THRESHOLD = 16 << 20  # 64 MB kept up to 6 MB more per worker for no fewer page faults
MMAP_THRESHOLD = 32 << 20


@dataclass(frozen=True)
class Outcome:
    files: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # material -> name -> record
    error: str = ""
    notes: str = ""  # what to complete by hand (a letter without the town hall's address)


def tune_malloc() -> None:
    """Keep freed memory for the next kit instead of giving it back to the system at once.

    A kit allocates and frees tens of megabytes (images, PDF streams); with glibc's
    defaults each large block is a fresh ``mmap`` whose pages the kernel zeroes on first
    touch: about 650 page faults and 2.3 ms of system time per kit. With a fixed trim
    threshold and ``mmap`` threshold the heap is reused: 25 faults per kit, same peak
    memory (it is bounded by the largest kit, not by the number of kits).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return
    mallopt(-1, TRIM_THRESHOLD)  # M_TRIM_THRESHOLD
    mallopt(-3, MMAP_THRESHOLD)  # M_MMAP_THRESHOLD


def prepare(settings: BatchSettings) -> dict[str, Any]:
    """The layouts (read again: they may have changed since the last batch) and their fonts."""
    layouts = load_layouts(settings)
    _WORKER.clear()
    _WORKER.update(settings=settings, layouts=layouts, root=settings.kit.output_dir,
                   printing=settings.kit.printing, pictures=settings.kit.pictures, warm=False)
    return dict(layouts)


def warm() -> None:
    """The renderers, the URL's QR code, the allocator: what the first kit would pay for."""
    if _WORKER["warm"]:
        return
    from affiches.render import writer_for
    from affiches.text.qr import qr_matrix

    tune_malloc()
    for layout in _WORKER["layouts"].values():
        writer_for(getattr(layout, "output_format", "pdf"))  # a letter layout's first file is a PDF
    with contextlib.suppress(AffichesError):
        qr_matrix(_WORKER["settings"].kit.url)
    _WORKER["warm"] = True


def init_worker(settings: BatchSettings, quiet_signals: bool = False) -> None:
    """The pool's initializer (and the ``-j 1`` batch's): prepared, warm, root opened."""
    from affiches.jobs.files import open_root

    if quiet_signals:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
        _die_with_parent()
    if _WORKER.get("settings") is not settings:  # not inherited from the batch process
        prepare(settings)
    warm()
    release()
    _WORKER["root_fd"] = open_root(settings.kit.output_dir)


def release() -> None:
    """Close the root opened by ``init_worker``."""
    fd = _WORKER.pop("root_fd", None)
    if fd is not None:
        os.close(fd)


def _die_with_parent() -> None:
    """Linux: a worker is killed when the batch process dies (``kill -9``): no orphans.

    Whatever a killed worker was writing stays a hidden ``.part`` file, removed by the
    next run.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - exotic libc
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _render(task: Task) -> tuple[list[pipeline.OutputFile], list[str]]:
    from affiches.jobs.letters import LETTER_KINDS, letter_outputs

    layouts = _WORKER["layouts"]
    printing = _WORKER["printing"]
    pictures = _WORKER["pictures"]
    kit = [m for m in task.materials if m not in LETTER_KINDS]
    planned = pipeline.plan(task.folder, kit, layouts, printing, pictures)
    composed = pipeline.compose(planned, task.variables, printing, _WORKER["root"], pictures)
    outputs = pipeline.render(composed, printing)  # all rendered first: a misfit writes nothing
    notes: list[str] = []
    for kind in (m for m in task.materials if m in LETTER_KINDS):
        letter_files, letter_notes = letter_outputs(task.folder, kind, layouts[kind], task.variables,
                                                     pictures.logos)
        outputs += letter_files
        notes += letter_notes
    return outputs, notes


def _write_error(exc: OSError) -> str:
    return f"écriture impossible ({os_reason(exc)}) ; vérifiez le dossier de sortie"


def _stage_task(task: Task, staging: Staging) -> tuple[Outcome, list[StagedFolder]]:
    """Render one task and stage its files; the folders it staged into."""
    folders: dict[tuple[str, ...], StagedFolder] = {}
    try:
        outputs, notes = _render(task)
        decided = []
        for output in outputs:
            parts = PurePosixPath(output.name).parts
            if parts[:-1] not in folders:
                folders[parts[:-1]] = staging.folder(parts[:-1])
            folder = folders[parts[:-1]]
            digest = _digest(output.data)
            decided.append((output, folder, parts[-1], digest,
                            _decide(folder, parts[-1], output.name, digest, task)))
        results: dict[str, dict[str, dict[str, Any]]] = {m: {} for m in task.materials}
        for output, folder, filename, digest, kept in decided:
            info = kept or folder.stage(filename, output.data)
            results[output.material][output.name] = {
                "sha256": digest, "taille": info.st_size, "mtime_ns": info.st_mtime_ns}
        return Outcome(results, notes=" ; ".join(notes)), list(folders.values())
    except AffichesError as exc:
        error = exc.message
    except OSError as exc:
        error = _write_error(exc)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the other rows
        error = f"erreur interne ({type(exc).__name__} : {exc})"
    for folder in folders.values():
        folder.discard()
    return Outcome(error=error), []


def _decide(folder: StagedFolder, filename: str, name: str, digest: str,
            task: Task) -> os.stat_result | None:
    """``None``: write the file; else the ``stat`` of an existing file with the same bytes."""
    if task.force or folder.new:
        return None
    info = folder.lstat(filename)
    if info is None:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(
            f"{name} est un lien symbolique ; laissé tel quel, supprimez-le ou --force pour le "
            "remplacer par le fichier", path=name,
        )
    owned = task.owned.get(name) or {}
    if stat.S_ISREG(info.st_mode):
        if (info.st_size, info.st_mtime_ns) == (owned.get("taille"), owned.get("mtime_ns")):
            return info if owned.get("sha256") == digest else None  # ours, unchanged since
        current = folder.digest(filename)
        if current == digest:
            return info
        if current == owned.get("sha256"):
            return None  # ours, unchanged since: its inputs changed
    raise AffichesError(
        f"{name} existe déjà avec un autre contenu (non produit par un lot précédent) ; "
        "laissé tel quel, --force pour le remplacer", path=name,
    )


def make_tasks(tasks: Sequence[Task]) -> list[Outcome]:
    """Every task of a chunk made, its files durable under their final names (or its error)."""
    from affiches.jobs.staging import Staging

    staging = Staging(_WORKER["root"], _WORKER["root_fd"])
    staged: list[tuple[Outcome, list[StagedFolder]]] = []
    try:
        for task in tasks:
            staged.append(_stage_task(task, staging))
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    outcomes = []
    for outcome, folders in staged:
        failure = next((f.failure for f in folders if f.failure is not None), None)
        outcomes.append(outcome if failure is None else Outcome(error=_write_error(failure)))
    return outcomes

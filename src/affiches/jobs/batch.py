"""Batch production: one kit per row of a CSV file or per commune of a département.

Contract (scheduling, manifest and progress only; everything else is the pipeline's):
- ``run_batch(rows, settings, progress)`` plans each row (``affiches.jobs.rows``),
  skips the materials whose files are complete and up to date according to the
  manifest (``affiches.jobs.manifest``), makes the others in chunks (``chunk_size``)
  with ``jobs`` worker processes (``affiches.jobs.worker``: layouts, fonts, QR code of
  the URL and writers prepared once, before the workers are forked), records the rows
  of each finished chunk in the manifest journal at once (one write), and returns a
  ``BatchSummary``. A failing row never stops the others.
- Memory stays flat whatever the number of rows: rows are read lazily, the manifest
  entries, the duplicate tables and the list of finished folders live in
  ``DiskMap``s (temporary SQLite files), at most ``jobs × 3`` chunks are in flight, and
  ``BatchSummary.failures`` keeps the first ``MAX_KEPT_FAILURES`` (all are counted).
- Interrupted (Ctrl-C, a broken worker, any exception), the batch stops at once: the
  chunks already running finish, nothing is compacted, the journal keeps every
  finished row and the next run resumes from it. Otherwise the manifest is compacted
  at the end (``Manifest.save``).
- A worker runs the same pipeline as ``affiches kit`` (``affiches.jobs.pipeline``: plan,
  compose, render to bytes) and writes a chunk's files with ``affiches.jobs.staging``
  (atomic, nothing outside the output folder, a city folder that is a link refused,
  data on disk before any final name points at it; see ``affiches.jobs.worker`` for
  existing files). Stale ``.part`` files left by a killed run are removed at start.
- Outputs are deterministic: same inputs, same bytes, whatever ``jobs`` is, and the
  same bytes as ``affiches kit`` for the same city and options.
- ``--zip`` archives and the contact sheet are made at the end from the files on disk
  (``affiches.jobs.archives``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from affiches.errors import AffichesError, os_errors
from affiches.jobs import worker
from affiches.jobs.diskmap import DiskMap
from affiches.jobs.files import clean_stale_parts
from affiches.jobs.manifest import Manifest
from affiches.jobs.options import KIT, MATERIAL_LAYOUTS, KitOptions
from affiches.jobs.rows import (
    InputRow,
    Planner,
    RowFailure,
    Task,
    layout_fingerprints,
    rows_from_departement,
)
from affiches.jobs.worker import Outcome
from affiches.limits import available_cpus

# Bumped when the way files are rendered changes without a layout or font changing.
RENDER_VERSION = "1"
# Failures kept in BatchSummary.failures (all are counted, shown and in manifest.csv).
MAX_KEPT_FAILURES = 1_000
MAX_CHUNK = 8  # rows handed to a worker at once (see chunk_size)


@dataclass(frozen=True)
class BatchSettings:
    materials: tuple[str, ...] = KIT
    kit: KitOptions = field(default_factory=KitOptions)  # defaults for every row
    date: str = ""
    heure: str = ""
    lieu: str = ""
    departement: str | None = None  # default département for homonyms
    keep_unknown: bool = False
    jobs: int = 1
    letter_date: dt.date | None = None  # the date of the letters (lot --quoi lettre,cada)


@dataclass
class BatchSummary:
    total: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: list[RowFailure] = field(default_factory=list)  # the first MAX_KEPT_FAILURES
    paths: list[Path] = field(default_factory=list)  # manifest, archives, contact sheets
    # folders of rows done or up to date -> [CSV line, city as printed]; on disk: memory flat
    folders: DiskMap = field(default_factory=DiskMap)

    def add_failure(self, failure: RowFailure) -> None:
        self.failed += 1
        if len(self.failures) < MAX_KEPT_FAILURES:
            self.failures.append(failure)

    def ordered_folders(self) -> tuple[list[str], list[str]]:
        """The folders made or up to date, in CSV order, and the city of each."""
        pairs = sorted(((line, folder, name) for folder, (line, name) in self.folders.items_sorted()))
        return [folder for _line, folder, _name in pairs], [name for _line, _folder, name in pairs]

    def text(self) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'s' if n > 1 else ''}"

        return (
            f"Terminé en {format_duration(self.seconds)} : {plural(self.done, 'kit')} "
            f"{'faits' if self.done > 1 else 'fait'}, {self.skipped} déjà à jour, "
            f"{plural(self.failed, 'échec')} (sur {plural(self.total, 'ligne')})."
        )


def format_duration(seconds: float) -> str:
    seconds = max(0, seconds)
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".", ",")
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


# ----------------------------------------------------------------------- running

ProgressCallback = Callable[[BatchSummary, int | None, RowFailure | None], None]


def chunk_size(remaining: int | None, jobs: int) -> int:
    """Rows per chunk: up to ``MAX_CHUNK`` (fewer hand-offs and flushes to disk), but at
    least four chunks per worker for the rows that remain, so that the workers finish
    together (``None``: unknown)."""
    if remaining is None:
        return MAX_CHUNK
    return max(1, min(MAX_CHUNK, remaining // (4 * jobs)))


def run_batch(
    rows: Iterable[InputRow],
    settings: BatchSettings,
    progress: ProgressCallback | None = None,
    total: int | None = None,
) -> BatchSummary:
    """Make every row's kit; see the module contract."""
    start = time.perf_counter()
    root = settings.kit.output_dir
    with os_errors(root, "choisissez-en un autre avec -o", action="dossier de sortie inutilisable :"):
        root.mkdir(parents=True, exist_ok=True)
        clean_stale_parts(root, depth=1)
        manifest = Manifest.open(root)
    manifest.forget_failures()  # failures of an earlier run are re-checked now
    # A bad layout or option stops here, nothing written; what the workers need is loaded
    # now, once: forked, they inherit it.
    layouts = worker.prepare(settings)
    prints = layout_fingerprints(layouts)
    planner = Planner(settings, prints, manifest)
    summary = BatchSummary(total=total or 0)
    notify = progress or (lambda *_: None)

    def finish(task: Task, result: Outcome) -> None:
        entry = dict(manifest.get(task.folder) or {})
        materials = dict(entry.get("materiels", {}))
        entry.update(dossier=task.folder, ligne=task.line, ville=task.name)
        if result.error:
            failure = RowFailure(task.line, task.city, result.error)
            summary.add_failure(failure)
            entry.update(statut="échec", message=result.error, materiels=materials)
            manifest.record(entry, flush=False)
            notify(summary, task.line, failure)
            return
        for material, files in result.files.items():
            materials[material] = {"cle": task.keys[material], "fichiers": files}
        entry.update(statut="fait", message=result.notes, materiels=materials)
        manifest.record(entry, flush=False)
        summary.done += 1
        summary.folders[task.folder] = [task.line, task.name]
        notify(summary, task.line, None)

    def finish_chunk(tasks: Sequence[Task], results: Sequence[Outcome]) -> None:
        try:
            for task, result in zip(tasks, results, strict=True):
                finish(task, result)
        finally:
            manifest.flush()  # one write for the chunk's rows

    read = [0]  # rows planned so far

    def planned() -> Iterator[Task]:
        for row in rows:
            read[0] += 1
            if not total:
                summary.total += 1
            outcome = planner.plan(row)
            if isinstance(outcome, RowFailure):
                summary.add_failure(outcome)
                key = f"ligne-{outcome.line:06d}"
                manifest.record({"dossier": key, "ligne": outcome.line, "ville": outcome.value,
                                 "statut": "échec", "message": outcome.reason}, flush=False)
                notify(summary, outcome.line, outcome)
            elif outcome is not None and not outcome.materials:
                summary.skipped += 1
                summary.folders[outcome.folder] = [outcome.line, outcome.name]
                entry = manifest.get(outcome.folder)
                if entry and (entry.get("statut"), entry.get("ligne")) != ("fait", outcome.line):
                    manifest.record({**entry, "statut": "fait", "message": "",
                                     "ligne": outcome.line}, flush=False)
                notify(summary, outcome.line, None)
            elif outcome is not None:
                yield outcome

    try:
        jobs = max(1, settings.jobs)
        chunks = _chunks(planned(), lambda: chunk_size(total - read[0] if total else None, jobs))
        first = next(chunks, None)  # no work (a rerun): no renderer loaded, no worker started
        if first is not None:
            worker.warm()  # once, before the workers are forked: they inherit it
            chunks = itertools.chain([first], chunks)
        if first is not None and jobs == 1:
            worker.init_worker(settings)
            try:
                for chunk in chunks:
                    finish_chunk(chunk, worker.make_tasks(chunk))
            finally:
                worker.release()
        elif first is not None:
            _run_pool(chunks, settings, jobs, finish_chunk)
    except BaseException:
        # Ctrl-C, a broken pool, a full disk: no compaction (it would take seconds on a large
        # batch); the journal holds every finished row and the next run replays it.
        summary.seconds = time.perf_counter() - start
        manifest.close()
        planner.close()
        raise
    summary.seconds = time.perf_counter() - start
    planner.close()
    summary.paths.extend(manifest.save())
    return summary


def _chunks(tasks: Iterator[Task], size: Callable[[], int]) -> Iterator[list[Task]]:
    """Tasks in chunks of ``size()`` (asked again for each chunk)."""
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size():
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run_pool(chunks: Iterator[list[Task]], settings: BatchSettings, jobs: int,
              finish_chunk: Callable[[Sequence[Task], Sequence[Outcome]], None]) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform == "linux"
                                          else None)
    # The tasks stay here: a worker sends back only each row's outcome.
    in_flight: dict[Future[list[Outcome]], list[Task]] = {}
    limit = jobs * 3  # bounded: memory stays flat whatever the number of rows

    def drain() -> None:
        done, _pending = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            finish_chunk(in_flight.pop(future), future.result())

    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=worker.init_worker,
                             initargs=(settings, True)) as pool:
        try:
            for chunk in chunks:
                in_flight[pool.submit(worker.make_tasks, chunk)] = chunk
                if len(in_flight) >= limit:
                    drain()
            while in_flight:
                drain()
        except BrokenProcessPool:
            raise AffichesError(
                "un processus de travail s’est arrêté brutalement (mémoire ?) ; relancez la "
                "commande : ce qui est terminé est gardé, le reste sera fait"
            ) from None
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


__all__ = [
    "MATERIAL_LAYOUTS",
    "clean_stale_parts",
    "rows_from_departement",
    "BatchSettings",
    "BatchSummary",
    "InputRow",
    "RowFailure",
    "Task",
    "available_cpus",
    "run_batch",
]

"""Batch production: one kit per row of a CSV file or per commune of a département.

Contract (scheduling, manifest and progress only; everything else is the pipeline's):
- ``run_batch(rows, settings, progress)`` plans each row (``affiches.jobs.rows``),
  skips the materials whose files are complete and up to date according to the
  manifest (``affiches.jobs.manifest``), makes the others with ``jobs`` worker
  processes (layouts, fonts, QR code of the URL and writers prepared once per worker),
  records each finished row in the manifest journal at once, and returns a
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
  compose, render to bytes) and writes with ``affiches.jobs.files.write_file`` (atomic,
  nothing outside the output folder, a city folder that is a link refused). A file
  that exists but was not written by a previous run (or was edited since, or is a
  link) is left alone and its row fails, unless ``force``; if its bytes are exactly
  those that would be written, it is simply recorded. Stale ``.part`` files left by a
  killed run are removed at start.
- Outputs are deterministic: same inputs, same bytes, whatever ``jobs`` is, and the
  same bytes as ``affiches kit`` for the same city and options.
- ``--zip`` archives and the contact sheet are made at the end from the files on disk
  (``affiches.jobs.archives``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from affiches.errors import AffichesError, OutputError, os_errors, os_reason
from affiches.jobs import pipeline
from affiches.jobs.diskmap import DiskMap
from affiches.jobs.files import clean_stale_parts
from affiches.jobs.manifest import Manifest, file_record
from affiches.jobs.options import KIT, MATERIAL_LAYOUTS, KitOptions
from affiches.jobs.rows import (
    InputRow,
    Planner,
    RowFailure,
    Task,
    _digest,
    layout_fingerprints,
    load_layouts,
    rows_from_departement,
)
from affiches.limits import available_cpus

# Bumped when the way files are rendered changes without a layout or font changing.
RENDER_VERSION = "1"
# Failures kept in BatchSummary.failures (all are counted, shown and in manifest.csv).
MAX_KEPT_FAILURES = 1_000


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


@dataclass(frozen=True)
class TaskResult:
    task: Task
    files: dict[str, dict[str, dict[str, Any]]]  # material -> relative path -> record
    error: str = ""
    notes: str = ""  # what to complete by hand (a letter without the town hall's address)


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


# ---------------------------------------------------------------------- workers

_WORKER: dict[str, Any] = {}


def init_worker(settings: BatchSettings, quiet_signals: bool = False) -> None:
    """Prepare, once per process: layouts, fonts, QR code of the URL, renderers."""
    if quiet_signals:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
        _die_with_parent()
    from affiches.render import writer_for
    from affiches.text.qr import qr_matrix

    layouts = load_layouts(settings)
    for layout in layouts.values():  # fonts are loaded with the layouts
        writer_for(getattr(layout, "output_format", "pdf"))  # a letter layout's first file is a PDF
    with contextlib.suppress(AffichesError):
        qr_matrix(settings.kit.url)
    _WORKER["layouts"] = layouts
    _WORKER["root"] = settings.kit.output_dir
    _WORKER["printing"] = settings.kit.printing
    _WORKER["pictures"] = settings.kit.pictures


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


def make_task(task: Task) -> TaskResult:
    """The pipeline for one row: plan, compose, render, then write; errors become a failed result."""
    from affiches.jobs import files

    layouts = _WORKER["layouts"]
    root: Path = _WORKER["root"]
    printing = _WORKER["printing"]
    try:
        from affiches.jobs.letters import LETTER_KINDS, letter_outputs

        kit = [m for m in task.materials if m not in LETTER_KINDS]
        pictures = _WORKER["pictures"]
        planned = pipeline.plan(task.folder, kit, layouts, printing, pictures)
        composed = pipeline.compose(planned, task.variables, printing, root, pictures)
        outputs = pipeline.render(composed, printing)  # all rendered first: a misfit writes nothing
        notes: list[str] = []
        for kind in (m for m in task.materials if m in LETTER_KINDS):
            letter_files, letter_notes = letter_outputs(task.folder, kind, layouts[kind], task.variables,
                                                         pictures.logos)
            outputs += letter_files
            notes += letter_notes
        with files.open_folder(root, (task.folder,)):
            pass  # the city folder exists and is no link
        decided = []
        for output in outputs:
            digest = _digest(output.data)
            decided.append((output, digest, _decide(root, output.name, digest, task)))
        results: dict[str, dict[str, dict[str, Any]]] = {m: {} for m in task.materials}
        for output, digest, action in decided:
            if action == "write":
                files.write_file(root, output.name, output.data)
            results[output.material][output.name] = file_record(root / output.name, digest)
        return TaskResult(task, results, notes=" ; ".join(notes))
    except AffichesError as exc:
        return TaskResult(task, {}, exc.message)
    except OSError as exc:
        reason = f"écriture impossible ({os_reason(exc)}) ; vérifiez le dossier de sortie"
        return TaskResult(task, {}, reason)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the other rows
        return TaskResult(task, {}, f"erreur interne ({type(exc).__name__} : {exc})")


def _decide(root: Path, name: str, digest: str, task: Task) -> str:
    from affiches.jobs.files import LINK, file_digest

    if task.force:
        return "write"
    current = file_digest(root, name)
    if current is None:
        return "write"
    if current == digest:
        return "keep"
    if current == LINK:
        raise OutputError(
            f"{name} est un lien symbolique ; laissé tel quel, supprimez-le ou --force pour le "
            "remplacer par le fichier", path=name,
        )
    if task.owned.get(name) == current:
        return "write"  # ours, unchanged since: its inputs changed
    raise AffichesError(
        f"{name} existe déjà avec un autre contenu (non produit par un lot précédent) ; "
        "laissé tel quel, --force pour le remplacer", path=name,
    )


def make_tasks(tasks: Sequence[Task]) -> list[TaskResult]:
    return [make_task(task) for task in tasks]


# ----------------------------------------------------------------------- running

ProgressCallback = Callable[[BatchSummary, int | None, RowFailure | None], None]


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
    layouts = load_layouts(settings)  # a bad layout or option stops here, nothing written
    prints = layout_fingerprints(layouts)
    planner = Planner(settings, prints, manifest)
    summary = BatchSummary(total=total or 0)
    notify = progress or (lambda *_: None)

    def finish(result: TaskResult) -> None:
        task = result.task
        entry = dict(manifest.get(task.folder) or {})
        materials = dict(entry.get("materiels", {}))
        entry.update(dossier=task.folder, ligne=task.line, ville=task.name)
        if result.error:
            failure = RowFailure(task.line, task.city, result.error)
            summary.add_failure(failure)
            entry.update(statut="échec", message=result.error, materiels=materials)
            manifest.record(entry)
            notify(summary, task.line, failure)
            return
        for material, files in result.files.items():
            materials[material] = {"cle": task.keys[material], "fichiers": files}
        entry.update(statut="fait", message=result.notes, materiels=materials)
        manifest.record(entry)
        summary.done += 1
        summary.folders[task.folder] = [task.line, task.name]
        notify(summary, task.line, None)

    def planned() -> Iterator[Task]:
        for row in rows:
            if not total:
                summary.total += 1
            outcome = planner.plan(row)
            if isinstance(outcome, RowFailure):
                summary.add_failure(outcome)
                key = f"ligne-{outcome.line:06d}"
                manifest.record({"dossier": key, "ligne": outcome.line, "ville": outcome.value,
                                 "statut": "échec", "message": outcome.reason})
                notify(summary, outcome.line, outcome)
            elif outcome is not None and not outcome.materials:
                summary.skipped += 1
                summary.folders[outcome.folder] = [outcome.line, outcome.name]
                entry = manifest.get(outcome.folder)
                if entry and (entry.get("statut"), entry.get("ligne")) != ("fait", outcome.line):
                    manifest.record({**entry, "statut": "fait", "message": "",
                                     "ligne": outcome.line})
                notify(summary, outcome.line, None)
            elif outcome is not None:
                yield outcome

    try:
        jobs = max(1, settings.jobs)
        if jobs == 1:
            _WORKER.clear()
            init_worker(settings)
            for task in planned():
                finish(make_task(task))
        else:
            _run_pool(planned(), settings, jobs, finish)
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


def _chunks(tasks: Iterator[Task], size: int) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run_pool(tasks: Iterator[Task], settings: BatchSettings, jobs: int,
              finish: Callable[[TaskResult], None]) -> None:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform == "linux"
                                          else None)
    in_flight: set[Future[list[TaskResult]]] = set()
    limit = jobs * 3  # bounded: memory stays flat whatever the number of rows
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=init_worker,
                             initargs=(settings, True)) as pool:
        try:
            for chunk in _chunks(tasks, 4):
                in_flight.add(pool.submit(make_tasks, chunk))
                if len(in_flight) >= limit:
                    done, in_flight = _drain(in_flight, FIRST_COMPLETED, wait)
                    for future in done:
                        for result in future.result():
                            finish(result)
            while in_flight:
                done, in_flight = _drain(in_flight, FIRST_COMPLETED, wait)
                for future in done:
                    for result in future.result():
                        finish(result)
        except BrokenProcessPool:
            raise AffichesError(
                "un processus de travail s’est arrêté brutalement (mémoire ?) ; relancez la "
                "commande : ce qui est terminé est gardé, le reste sera fait"
            ) from None
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _drain(in_flight: set[Any], how: Any, wait: Any) -> tuple[set[Any], set[Any]]:
    done, pending = wait(in_flight, return_when=how)
    return done, pending


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

"""Batch production: one kit per row of a CSV file or per commune of a département.

Contract:
- ``plan_rows(source, settings)`` turns each input row into a ``Task`` or a
  ``RowFailure`` (line number, value, reason): the city is validated and resolved,
  event details parsed, options checked, all in the calling process (cheap: no
  composition, no rendering). A row's own column wins over the command's option.
  Two rows naming the same commune (or the same unknown name) are an error for the
  second; two different communes with the same folder name get distinct folders
  (``chatillon-92023``). A name that is no commune is a row error unless
  ``keep_unknown`` is set.
- ``run_batch(source, settings, report)`` plans, skips the materials whose files are
  complete and up to date according to the manifest (``affiches.jobs.manifest``), makes
  the others with ``jobs`` worker processes (fonts, layouts, QR codes and renderers
  prepared once per worker), records each finished row in the manifest journal at
  once, and returns a ``BatchSummary``. A failing row never stops the others.
- Files are written to a hidden ``.NAME.<pid>.part`` in their folder and renamed when
  complete; stale ``.part`` files left by a killed run are removed at start. A file
  that exists but was not written by a previous run (or was edited since) is left
  alone and its row fails, unless ``force``; if its bytes are exactly those that would
  be written, it is simply recorded.
- Outputs are deterministic: same inputs, same bytes, whatever ``jobs`` is.
- ``--zip`` archives and the contact sheet are made at the end from the files on disk
  (``affiches.jobs.archives``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from affiches import __version__
from affiches.errors import AffichesError, OutputError, os_reason, printable
from affiches.jobs.kit import KIT, MATERIAL_LAYOUTS, KitOptions, template_variables
from affiches.jobs.manifest import Manifest, file_record, is_current, write_bytes_atomic
from affiches.limits import available_cpus

# Bumped when the way files are rendered changes without a layout or font changing.
RENDER_VERSION = "1"


@dataclass(frozen=True)
class InputRow:
    line: int  # line in the CSV file, or rank in the département listing
    city: str
    values: Mapping[str, str] = field(default_factory=dict)  # departement, collectif, date…
    extra: Mapping[str, str] = field(default_factory=dict)  # x_… variables
    unreadable: str = ""
    code_insee: str = ""  # set when the row comes from the communes database


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


@dataclass(frozen=True)
class Task:
    line: int
    city: str  # as typed
    name: str  # as printed
    folder: str
    variables: dict[str, str]
    materials: tuple[str, ...]  # the ones to (re)make
    keys: dict[str, str]  # material -> inputs key
    owned: dict[str, str]  # relative path -> sha256 of files a previous run wrote
    force: bool


@dataclass(frozen=True)
class RowFailure:
    line: int
    value: str
    reason: str

    def message(self) -> str:
        return printable(f"ligne {self.line} : « {self.value} » : {self.reason}")


@dataclass(frozen=True)
class TaskResult:
    task: Task
    files: dict[str, dict[str, dict[str, Any]]]  # material -> relative path -> record
    error: str = ""


@dataclass
class BatchSummary:
    total: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: list[RowFailure] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)  # manifest, archives, contact sheets
    folders: list[str] = field(default_factory=list)  # folders of rows done or up to date

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


# ------------------------------------------------------------------ fingerprints


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def layout_fingerprints(layouts: Mapping[str, Any]) -> dict[str, str]:
    """material -> hash of the layout as parsed, its fonts and image files."""
    from affiches.gabarits import ImageBlock, TextBlock
    from affiches.text.fontfile import font_digest

    prints = {}
    for material, layout in layouts.items():
        parts = [repr(layout)]
        for block in layout.blocks:
            if isinstance(block, TextBlock):
                parts.append(font_digest(block.font_file))
            elif isinstance(block, ImageBlock):
                parts.append(_digest(Path(block.path).read_bytes()))
        prints[material] = _digest("\n".join(parts).encode("utf-8", "surrogatepass"))
    return prints


def inputs_key(variables: Mapping[str, str], material: str, layout_print: str) -> str:
    data = json.dumps(
        {"variables": dict(sorted(variables.items())), "materiel": material,
         "gabarit": layout_print, "version": f"{__version__}/{RENDER_VERSION}"},
        ensure_ascii=False, sort_keys=True,
    )
    return _digest(data.encode("utf-8", "surrogatepass"))[:32]


# --------------------------------------------------------------------- planning


def rows_from_departement(departement: str, population_min: int = 0) -> Iterator[InputRow]:
    from affiches.city.communes import iter_communes, normalize_departement

    code = normalize_departement(departement)
    for rank, commune in enumerate(iter_communes(code, population_min), start=1):
        yield InputRow(rank, commune.nom, {"departement": commune.departement},
                       code_insee=commune.code_insee)


def load_layouts(settings: BatchSettings) -> dict[str, Any]:
    from affiches.jobs.kit import layout_for

    return {material: layout_for(material, settings.kit) for material in settings.materials}


class Planner:
    """Turns input rows into tasks; remembers folders to catch duplicates."""

    def __init__(self, settings: BatchSettings, prints: Mapping[str, str], manifest: Manifest):
        self.settings = settings
        self.prints = prints
        self.manifest = manifest
        self.seen: dict[str, tuple[str, int]] = {}  # folder -> (identity, line)
        self.identities: dict[str, int] = {}  # commune code or typed name -> line

    def plan(self, row: InputRow) -> Task | RowFailure | None:
        """A task, a failure, or None when every material is already up to date."""
        try:
            return self._plan(row)
        except AffichesError as exc:
            return RowFailure(row.line, row.city, _reason(str(exc)))

    def _plan(self, row: InputRow) -> Task | RowFailure | None:
        from affiches.city.communes import get_commune_by_code, resolve_city, slugify
        from affiches.city.events import event_variables

        settings = self.settings
        if row.unreadable:
            return RowFailure(
                row.line, row.city,
                f"colonne « {row.unreadable} » illisible (caractères invalides) ; "
                "réenregistrez le fichier en UTF-8 ou essayez --encodage",
            )
        values = row.values
        if row.code_insee:
            from affiches.city.communes import CityResolution, _typographic

            commune = get_commune_by_code(row.code_insee)
            resolution = CityResolution(_typographic(commune.nom) if commune else row.city, commune)
        else:
            departement = values.get("departement") or settings.departement or None
            resolution = resolve_city(row.city, departement)
            if resolution.commune is None and not settings.keep_unknown:
                return RowFailure(
                    row.line, row.city,
                    "aucune commune de ce nom ; corrigez l’orthographe, précisez le département "
                    "ou ajoutez --garder-inconnues pour l’imprimer tel quel",
                )
        commune = resolution.commune
        identity = commune.code_insee if commune else "?" + resolution.name.casefold()
        if identity in self.identities:
            return RowFailure(
                row.line, row.city,
                f"même ville que la ligne {self.identities[identity]} ; supprimez le doublon",
            )
        self.identities[identity] = row.line
        folder = slugify(resolution.name)
        if folder in self.seen:
            folder = f"{folder}-{commune.code_insee.lower() if commune else row.line}"
            if folder in self.seen:  # pragma: no cover - codes are unique
                return RowFailure(row.line, row.city, f"dossier {folder} déjà pris")
        self.seen[folder] = (identity, row.line)

        def pick(name: str, default: str) -> str:
            value = values.get(name, "")
            return value if value.strip() else default

        extra = dict(settings.kit.extra)
        if any(values.get(k, "").strip() for k in ("date", "heure", "lieu")):
            extra.update(event_variables(pick("date", settings.date),
                                         pick("heure", settings.heure),
                                         pick("lieu", settings.lieu)))
        for key, value in row.extra.items():
            extra[key] = _check_cell(key, value)
        options = replace(
            settings.kit,
            collectif=pick("collectif", settings.kit.collectif),
            contact=pick("contact", settings.kit.contact),
            url=pick("url", settings.kit.url),
            extra=extra,
        )
        variables = template_variables(resolution, options)
        keys = {m: inputs_key(variables, m, self.prints[m]) for m in settings.materials}
        entry = self.manifest.get(folder)
        root = settings.kit.output_dir
        todo = tuple(
            m for m in settings.materials
            if settings.kit.force or not is_current(entry, m, keys[m], root)
        )
        owned = {}
        if entry:
            for material in entry.get("materiels", {}).values():
                for name, record in material.get("fichiers", {}).items():
                    owned[name] = record.get("sha256", "")
        task = Task(row.line, row.city, resolution.name, folder, variables, todo, keys, owned,
                    settings.kit.force)
        return task


def _check_cell(column: str, value: str) -> str:
    from affiches.jobs.kit import MAX_OPTION_LENGTH

    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise AffichesError(f"colonne {column} : caractère de contrôle interdit ; retirez-le")
    if len(value) > MAX_OPTION_LENGTH:
        raise AffichesError(
            f"colonne {column} : texte trop long ({len(value)} caractères, "
            f"{MAX_OPTION_LENGTH} au plus) ; raccourcissez-le"
        )
    return value


def _reason(message: str) -> str:
    return message.replace("\n", " ")


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
        writer_for(layout.output_format)
    with contextlib.suppress(AffichesError):
        qr_matrix(settings.kit.url)
    _WORKER["layouts"] = layouts
    _WORKER["root"] = settings.kit.output_dir


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
    """Compose, render and write the task's files; errors become a failed result."""
    from affiches.compose import compose
    from affiches.render import writer_for

    layouts = _WORKER["layouts"]
    root: Path = _WORKER["root"]
    try:
        rendered: list[tuple[str, str, bytes]] = []  # composed first: a misfit writes nothing
        for material in task.materials:
            layout = layouts[material]
            scene = compose(layout, task.variables)
            name = f"{task.folder}/{layout.name}-{task.folder}.{layout.output_format}"
            import io

            buffer = io.BytesIO()
            writer_for(layout.output_format)(scene, buffer)
            rendered.append((material, name, buffer.getvalue()))
            if layout.output_format == "png" and scene.alt_text:
                alt = name.rsplit(".", 1)[0] + ".txt"
                rendered.append((material, alt, (scene.alt_text + "\n").encode("utf-8")))
        plans = []
        for material, name, data in rendered:
            digest = _digest(data)
            path = root / name
            action = _decide(path, name, digest, task)
            plans.append((material, name, path, data, digest, action))
        files: dict[str, dict[str, dict[str, Any]]] = {m: {} for m in task.materials}
        for material, name, path, data, digest, action in plans:
            if action == "write":
                write_bytes_atomic(path, data)
            files[material][name] = file_record(path, digest)
        return TaskResult(task, files)
    except AffichesError as exc:
        return TaskResult(task, {}, _reason(str(exc)))
    except OSError as exc:
        reason = f"écriture impossible ({os_reason(exc)}) ; vérifiez le dossier de sortie"
        return TaskResult(task, {}, reason)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the other rows
        return TaskResult(task, {}, f"erreur interne ({type(exc).__name__} : {exc})")


def _decide(path: Path, name: str, digest: str, task: Task) -> str:
    if task.force or not path.exists():
        return "write"
    from affiches.jobs.manifest import sha256_file

    current = sha256_file(path)
    if current == digest:
        return "keep"
    if task.owned.get(name) == current:
        return "write"  # ours, unchanged since: its inputs changed
    raise AffichesError(
        f"{name} existe déjà avec un autre contenu (non produit par un lot précédent) ; "
        "laissé tel quel, --force pour le remplacer"
    )


def make_tasks(tasks: Sequence[Task]) -> list[TaskResult]:
    return [make_task(task) for task in tasks]


# ----------------------------------------------------------------------- running

ProgressCallback = Callable[[BatchSummary, int | None, RowFailure | None], None]


def clean_stale_parts(root: Path) -> int:
    """Remove ``.*.part`` temporary files a killed run left in the output folder."""
    removed = 0
    if not root.is_dir():
        return 0
    for path in list(root.glob(".*.part")) + list(root.glob("*/.*.part")):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def run_batch(
    rows: Iterable[InputRow],
    settings: BatchSettings,
    progress: ProgressCallback | None = None,
    total: int | None = None,
) -> BatchSummary:
    """Make every row's kit; see the module contract."""
    start = time.perf_counter()
    root = settings.kit.output_dir
    try:
        root.mkdir(parents=True, exist_ok=True)
        clean_stale_parts(root)
        manifest = Manifest.open(root)
    except OSError as exc:
        raise OutputError(
            f"dossier de sortie {root} inutilisable ({os_reason(exc)}) ; "
            "choisissez-en un autre avec -o"
        ) from None
    for key in [k for k, e in manifest.entries.items() if not e.get("materiels")]:
        del manifest.entries[key]  # failures of an earlier run are re-checked now
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
            summary.failed += 1
            failure = RowFailure(task.line, task.city, result.error)
            summary.failures.append(failure)
            entry.update(statut="échec", message=result.error, materiels=materials)
            manifest.record(entry)
            notify(summary, task.line, failure)
            return
        for material, files in result.files.items():
            materials[material] = {"cle": task.keys[material], "fichiers": files}
        entry.update(statut="fait", message="", materiels=materials)
        manifest.record(entry)
        summary.done += 1
        summary.folders.append(task.folder)
        notify(summary, task.line, None)

    def planned() -> Iterator[Task]:
        for row in rows:
            if not total:
                summary.total += 1
            outcome = planner.plan(row)
            if isinstance(outcome, RowFailure):
                summary.failed += 1
                summary.failures.append(outcome)
                key = f"ligne-{outcome.line:06d}"
                manifest.record({"dossier": key, "ligne": outcome.line, "ville": outcome.value,
                                 "statut": "échec", "message": outcome.reason})
                notify(summary, outcome.line, outcome)
            elif outcome is not None and not outcome.materials:
                summary.skipped += 1
                summary.folders.append(outcome.folder)
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
    finally:
        summary.seconds = time.perf_counter() - start
        manifest.close_journal()
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
    "BatchSettings",
    "BatchSummary",
    "InputRow",
    "RowFailure",
    "Task",
    "available_cpus",
    "run_batch",
]

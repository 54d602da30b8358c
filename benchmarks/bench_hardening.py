"""Benchmark of the batch's bounded resources (issue 9): memory flat with batch size,
Ctrl-C within 2 seconds, and the run resumes.

Contract: ``python benchmarks/bench_hardening.py [memory] [interrupt] [--rows 1000,10000,100000]
[--out FILE]`` prints a Markdown report (and saves JSON with ``--out``):

- ``memory``: ``affiches lot FILE -q visuel -g visuel=leger.toml --garder-inconnues -j 2``
  over N rows of distinct made-up names, for each N of ``--rows``; peak resident memory
  of the main process (``RUSAGE_SELF``) and of the largest worker (``RUSAGE_CHILDREN``),
  in MB. The layout ``leger`` (200 × 200 px, the city name only) keeps the run short:
  the cost measured is the batch's own (CSV, planning, manifest, scheduling, workers'
  caches), not the rendering of the real visual. Target: every process under 150 MB,
  flat (within 10 %) from 1,000 to 100,000 rows.
- ``interrupt``: the same batch on 3,000 rows, started as a terminal would (its own
  process group), sent SIGINT (Ctrl-C) once 300 city folders exist; the time from the
  signal to the process's exit (target < 2 s), its exit status (130), then a second
  run that must finish every row, doing only those not done before.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
LIGHT_LAYOUT = """\
nom = "leger"
description = "Gabarit minimal des mesures : le nom de la ville sur un carré de 200 px"
materiel = "visuel"
format = "png"
unite = "px"
largeur = 200
hauteur = 200
fond = "#FFFFFF"

[[blocs]]
nom = "ville"
type = "texte"
texte = "{ville}"
police = "RobotoCondensed-Bold"
couleur = "#000000"
boite = [10, 10, 180, 180]
taille_max = 40
taille_min = 4
lignes_max = 4
"""
PROBE = """\
import json, resource, sys
from affiches.cli.main import cli
report, args = sys.argv[1], sys.argv[2:]
code = 0
try:
    cli.main(args, prog_name="affiches", standalone_mode=False)
except SystemExit as exc:
    code = exc.code or 0
with open(report, "w") as stream:
    json.dump({"main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
               "exit": code}, stream)
"""


def write_inputs(work: Path, rows: int) -> tuple[Path, Path]:
    layout = work / "leger.toml"
    layout.write_text(LIGHT_LAYOUT, encoding="utf-8")
    csv_path = work / f"villes-{rows}.csv"
    with csv_path.open("w", encoding="utf-8") as stream:
        stream.write("Ville;Collectif\n")
        for index in range(rows):
            stream.write(f"Bourg {index:06d};Collectif {index % 97}\n")
    return csv_path, layout


def lot_args(csv_path: Path, layout: Path, out: Path) -> list[str]:
    return ["lot", str(csv_path), "-q", "visuel", "-g", f"visuel={layout}", "--garder-inconnues",
            "-j", "2", "-o", str(out), "-s"]


def bench_memory(work: Path, counts: list[int]) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for rows in counts:
        csv_path, layout = write_inputs(work, rows)
        out = work / f"out-{rows}"
        report = work / f"rss-{rows}.json"
        start = time.perf_counter()
        subprocess.run([PYTHON, "-c", PROBE, str(report), *lot_args(csv_path, layout, out)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data = json.loads(report.read_text())
        data["seconds"] = time.perf_counter() - start
        results[str(rows)] = data
        print(f"{rows} lignes : {data}", file=sys.stderr)
    return results


def bench_interrupt(work: Path, rows: int = 3_000, after: int = 300) -> dict[str, float]:
    csv_path, layout = write_inputs(work, rows)
    out = work / "out-interrupt"
    cmd = [PYTHON, "-m", "affiches", *lot_args(csv_path, layout, out)]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    while process.poll() is None:
        try:
            if sum(1 for entry in os.scandir(out) if entry.is_dir()) >= after:
                break
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    signalled = time.perf_counter()
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _out, err = process.communicate()
    stop_seconds = time.perf_counter() - signalled
    first_exit = process.returncode
    done_before = sum(1 for entry in os.scandir(out) if entry.is_dir())
    start = time.perf_counter()
    second = subprocess.run(cmd, capture_output=True, text=True)
    summary = second.stderr.strip().splitlines()[-1] if second.stderr.strip() else ""
    return {
        "rows": rows,
        "stop_seconds": stop_seconds,
        "first_exit": first_exit,
        "first_stderr_last_line": err.decode("utf-8", "replace").strip().splitlines()[-1:],
        "folders_after_interrupt": done_before,
        "resume_exit": second.returncode,
        "resume_seconds": time.perf_counter() - start,
        "resume_summary": summary,
    }  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", default=["memory", "interrupt"])
    parser.add_argument("--rows", default="1000,10000,100000")
    parser.add_argument("--out", type=Path)
    options = parser.parse_args()
    results: dict[str, object] = {"load_at_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="bench-hardening-") as folder:
        work = Path(folder)
        if "memory" in options.sections:
            results["memory"] = bench_memory(work, [int(n) for n in options.rows.split(",")])
        if "interrupt" in options.sections:
            results["interrupt"] = bench_interrupt(work)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    if options.out:
        options.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

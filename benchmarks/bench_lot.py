"""The batch's own cost (issue 14): what ``affiches lot`` spends around the pipeline.

Contract: ``python benchmarks/bench_lot.py [--kits N] [--runs R] [--strace] [--out FILE]``
writes a CSV of ``N`` communes spread over France (``bench_batch.communes_sample``,
``write_csv``), then, ``R`` times each, interleaved, in new processes:

- ``bare``: plan, compose and render every row's kit in memory, in one warm process
  (after 20 kits): the pipeline alone, no writing, no manifest;
- ``lot -j 1`` and ``lot -j 2`` (``--force``, a real command run in-process by Click):
  CPU per kit (user and system) of the main process and of the workers separately
  (``RUSAGE_SELF`` / ``RUSAGE_CHILDREN``), minor page faults per kit, wall time.

It prints JSON: the medians, and ``overhead_ms`` = ``lot -j 1`` CPU per kit minus the
bare kit's (start-up included, so it shrinks with ``N``). With ``--strace``, one more
``lot -j 1`` run under ``strace -c -f`` gives the system calls per kit by name.
Timings depend on the load (printed); CPU and counts much less than wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_batch import communes_sample, write_csv  # noqa: E402

CHILD = r'''
import json, resource, sys, time
from pathlib import Path
mode, csv_path, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if mode == "bare":
    from affiches.jobs import pipeline, worker
    from affiches.jobs.batch import BatchSettings, InputRow
    from affiches.jobs.csvinput import read_city_table
    from affiches.jobs.kit import KitOptions
    from affiches.jobs.manifest import Manifest
    from affiches.jobs.rows import Planner, layout_fingerprints
    settings = BatchSettings(kit=KitOptions(output_dir=out))
    layouts = worker.prepare(settings)
    planner = Planner(settings, layout_fingerprints(layouts), Manifest.open(out))
    tasks = [planner.plan(InputRow(r.line, r.city, r.values, r.extra, r.unreadable))
             for r in read_city_table(csv_path).rows]
    kit = settings.kit
    def make(task):
        planned = pipeline.plan(task.folder, list(task.materials), layouts, kit.printing, kit.pictures)
        composed = pipeline.compose(planned, task.variables, kit.printing, out, kit.pictures)
        return pipeline.render(composed, kit.printing)
    for task in tasks[:20]:
        make(task)
    start, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    for task in tasks:
        make(task)
    wall, r1 = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    kits = len(tasks)
else:
    from affiches.cli.main import cli
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    try:
        cli.main(["lot", str(csv_path), "--sortie", str(out), "-j", mode, "--force", "--quiet"],
                 prog_name="affiches", standalone_mode=False)
    except SystemExit:
        pass
    wall, r1 = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    kits = sum(1 for _ in open(csv_path, "rb")) - 1
c = resource.getrusage(resource.RUSAGE_CHILDREN)
ms = 1000 / kits
print(json.dumps({
    "wall_s": wall,
    "main_user_ms": (r1.ru_utime - r0.ru_utime) * ms, "main_sys_ms": (r1.ru_stime - r0.ru_stime) * ms,
    "workers_user_ms": c.ru_utime * ms, "workers_sys_ms": c.ru_stime * ms,
    "main_faults": (r1.ru_minflt - r0.ru_minflt) / kits, "workers_faults": c.ru_minflt / kits,
}))
'''


def run(mode: str, csv_path: Path, out: Path, prefix: tuple[str, ...] = ()) -> dict[str, float]:
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run([*prefix, sys.executable, "-c", CHILD, mode, str(csv_path), str(out)],
                          check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    result["cpu_ms"] = sum(v for k, v in result.items() if k.endswith("_ms"))
    return result


def syscalls(csv_path: Path, out: Path, kits: int) -> dict[str, float]:
    """System calls per kit of ``lot -j 1`` (``strace -c -f``), by name, the largest first."""
    report = out.parent / "strace.txt"
    run("1", csv_path, out, ("strace", "-c", "-f", "-o", str(report)))
    counts: dict[str, float] = {}
    for line in report.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[3].isdigit():
            counts[fields[-1]] = int(fields[3]) / kits
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kits", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--strace", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-lot-"))
    try:
        csv_path = write_csv(work / "villes.csv", communes_sample(args.kits))
        runs: dict[str, list[dict[str, float]]] = {"bare": [], "1": [], "2": []}
        for _ in range(args.runs):
            for mode in runs:
                runs[mode].append(run(mode, csv_path, work / f"out-{mode}"))
        results: dict[str, object] = {"kits": args.kits, "runs": args.runs,
                                      "load_at_start": os.getloadavg()[0]}
        for mode, values in runs.items():
            name = "bare" if mode == "bare" else f"lot -j {mode}"
            results[name] = {key: round(statistics.median(v[key] for v in values), 3) for key in values[0]}
        results["overhead_ms"] = round(statistics.median(r["cpu_ms"] for r in runs["1"])
                                       - statistics.median(r["cpu_ms"] for r in runs["bare"]), 3)
        if args.strace and shutil.which("strace"):
            results["syscalls_per_kit_j1"] = syscalls(csv_path, work / "out-strace", args.kits)
        results["load_at_end"] = os.getloadavg()[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(results, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

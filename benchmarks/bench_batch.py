"""Benchmark of batch production (issue 3): speed, memory and file sizes.

Contract: ``python benchmarks/bench_batch.py [sections…] [--runs N] [--out FILE]`` measures,
on this machine, and prints a Markdown report (also saved as JSON with ``--out``):

- ``cold``: wall time of ``affiches kit "Saint-Étienne"`` (a whole new process)
  against the baseline of merely importing reportlab, Pillow, qrcode, fontTools and
  click in a new process; median of ``--runs`` runs each, interleaved; the ratio is
  the figure that matters (target ≤ 2).
- ``stages``: in one warm process, the median cost per city of composing each
  material and writing each file (200 cities).
- ``worker``: ``run_batch`` in one process (``-j 1``) over 1,000 communes spread over
  France, ``--force``: seconds per kit (target ≤ 25 ms), median of ``--runs`` runs.
- ``parallel``: ``affiches lot villes.csv -j 2`` on the same 1,000 communes as a real
  command (wall, target < 20 s), then the rerun that has nothing to do (target < 2 s);
  extrapolation to every commune.
- ``memory``: peak resident memory of the worker processes (``-j 2``) for 1,000 and
  10,000 rows (target: within 10 %, under 150 MB).
- ``full``: every commune of France once with ``-j 2`` (long: tens of minutes).
- ``sizes``: sizes of the poster and flyer PDF and of the square PNG (median and max
  over 200 cities; targets 30 KB and 80 KB).

Timings depend on the machine and its load: the report gives ratios against baselines
measured in the same run where the issue's targets are ratios.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
AFFICHES = [PYTHON, "-m", "affiches"]
BASELINE_IMPORT = ("import reportlab.pdfgen.canvas, reportlab.pdfbase.ttfonts, PIL.Image, "
                   "PIL.ImageDraw, PIL.ImageFont, qrcode, fontTools.ttLib, click")


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cpus_available": str(len(os.sched_getaffinity(0))),
        "memory": f"{mem:.1f} GiB",
        "python": platform.python_version(),
        "system": platform.platform(),
        "libraries": ", ".join(f"{name} {version(name)}" for name in
                               ("reportlab", "pillow", "qrcode", "fonttools", "click")),
        "load_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def wall(cmd: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far, their own
    children included: what a command cost whatever the load of the machine."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def communes_sample(count: int) -> list[str]:
    """``count`` communes spread over France (every k-th by INSEE code), as CSV lines."""
    from affiches.city.communes import iter_communes

    everything = list(iter_communes())
    step = max(1, len(everything) // count)
    chosen = everything[::step][:count]
    if len(chosen) < count:  # more rows than communes: cycle with distinct folders impossible
        raise SystemExit(f"only {len(everything)} communes")
    return [f"{c.nom};{c.departement}" for c in chosen]


def write_csv(path: Path, lines: list[str]) -> Path:
    """The issue's spreadsheet export: ``;``, Windows-1252, no BOM, ``Ville;Collectif;Contact``.

    The département goes in the city cell as ``Nom (42)`` (homonyms stay apart).
    """
    rows = []
    for index, line in enumerate(lines):
        name, departement = line.split(";")
        collectif = f"Technopolice {departement}" if index % 3 == 0 else ""
        rows.append(f"{name} ({departement});{collectif};")
    data = "Ville;Collectif;Contact\r\n" + "\r\n".join(rows) + "\r\n"
    path.write_bytes(data.encode("cp1252", "replace"))
    return path


# ------------------------------------------------------------------------ sections


def compile_package() -> None:
    """Byte-compile the package as ``pip install`` does: a cold start then reads ``.pyc``
    files, like the dependencies it is compared with (an environment with
    ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module at each start)."""
    import affiches

    subprocess.run([PYTHON, "-m", "compileall", "-q", str(Path(affiches.__file__).parent)],
                   check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})


def bench_cold(runs: int, work: Path) -> dict[str, float]:
    compile_package()
    base, kit = [], []
    cmd_kit = [*AFFICHES, "kit", "Saint-Étienne", "--sortie", str(work / "cold"), "--force"]
    wall(cmd_kit)  # warm the OS file cache, .pyc files
    wall([PYTHON, "-c", BASELINE_IMPORT])
    base_cpu, kit_cpu = [], []
    for _ in range(runs):
        cpu = children_cpu()
        base.append(wall([PYTHON, "-c", BASELINE_IMPORT]))
        base_cpu.append(children_cpu() - cpu)
        cpu = children_cpu()
        kit.append(wall(cmd_kit))
        kit_cpu.append(children_cpu() - cpu)
    b, k = statistics.median(base), statistics.median(kit)
    bc, kc = statistics.median(base_cpu), statistics.median(kit_cpu)
    # CPU seconds of each new process: less sensitive to the other sessions than wall time.
    return {"baseline_import_s": b, "kit_s": k, "ratio": k / b,
            "baseline_import_cpu_s": bc, "kit_cpu_s": kc, "ratio_cpu": kc / bc}


def bench_stages(count: int = 200) -> dict[str, float]:
    from affiches.city.communes import resolve_city
    from affiches.jobs.batch import BatchSettings, load_layouts
    from affiches.jobs.kit import KIT, KitOptions, plan_kit
    from affiches.render.pdf import write_pdf
    from affiches.render.png import render_image, scene_colors, to_palette

    layouts = load_layouts(BatchSettings())
    names = [line.split(";")[0] for line in communes_sample(count)]
    resolutions = [resolve_city(name) for name in names]
    plan_kit(resolutions[0], KIT, KitOptions(), layouts)
    times: dict[str, list[float]] = {}

    def timed(key: str, start: float) -> float:
        now = time.perf_counter()
        times.setdefault(key, []).append(now - start)
        return now

    for resolution in resolutions:
        t = time.perf_counter()
        planned = {}
        for material in KIT:
            planned[material] = plan_kit(resolution, (material,), KitOptions(), layouts)[0]
            t = timed(f"compose {material}", t)
        for material in ("affiche", "tract"):
            write_pdf(planned[material].scene, io.BytesIO())
            t = timed(f"pdf {material}", t)
        image = render_image(planned["visuel"].scene)
        t = timed("png render", t)
        palette = to_palette(image, 64, scene_colors(planned["visuel"].scene))
        t = timed("png palette", t)
        palette.save(io.BytesIO(), format="PNG", compress_level=3)
        timed("png zlib", t)
    result = {key: statistics.median(values) for key, values in times.items()}
    result["total"] = sum(result.values())
    return result


def bench_worker(runs: int, work: Path, count: int = 1000) -> dict[str, float]:
    from affiches.jobs.batch import BatchSettings, InputRow, run_batch
    from affiches.jobs.kit import KitOptions

    lines = communes_sample(count)
    rows = [InputRow(i + 2, *line.split(";")[:1], {"departement": line.split(";")[1]})
            for i, line in enumerate(lines)]
    out = work / "worker"
    per_kit = []
    for _ in range(runs):
        settings = BatchSettings(kit=KitOptions(output_dir=out, force=True), jobs=1)
        start = time.perf_counter()
        summary = run_batch(rows, settings, total=len(rows))
        elapsed = time.perf_counter() - start
        assert summary.done == count, summary.failures[:3]
        per_kit.append(elapsed / count)
    return {"kits": count, "per_kit_s": statistics.median(per_kit),
            "runs": [round(x * 1000, 2) for x in per_kit]}


def bench_parallel(runs: int, work: Path, count: int = 1000) -> dict[str, float]:
    from affiches.city.communes import iter_communes

    csv_path = write_csv(work / "villes.csv", communes_sample(count))
    out = work / "parallel"
    walls, cpus = [], []
    for _ in range(runs):
        cpu = children_cpu()
        walls.append(wall([*AFFICHES, "lot", str(csv_path), "-o", str(out), "-j", "2", "--force",
                           "--quiet"]))
        cpus.append(children_cpu() - cpu)
    rerun = statistics.median(
        wall([*AFFICHES, "lot", str(csv_path), "-o", str(out), "-j", "2", "--quiet"])
        for _ in range(max(3, runs)))
    every = sum(1 for _ in iter_communes())
    w = statistics.median(walls)
    c = statistics.median(cpus)
    return {"kits": count, "wall_s": w, "rerun_nothing_to_do_s": rerun, "communes": every,
            "extrapolated_all_communes_s": w / count * every,
            # CPU of the command and its workers: on an idle 2-core machine the wall time
            # cannot be less than half of it.
            "cpu_s": c, "cpu_per_kit_ms": c / count * 1000, "wall_runs_s": [round(x, 1) for x in walls]}


def _peak_worker_rss(csv_path: Path, out: Path) -> dict[str, float]:
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from affiches.jobs.batch import BatchSettings, InputRow, run_batch\n"
        "from affiches.jobs.csvinput import read_city_table\n"
        "from affiches.jobs.kit import KitOptions\n"
        f"table = read_city_table(Path({str(csv_path)!r}))\n"
        "rows = [InputRow(r.line, r.city, r.values) for r in table.rows]\n"
        f"s = BatchSettings(kit=KitOptions(output_dir=Path({str(out)!r}), force=True), jobs=2)\n"
        "summary = run_batch(rows, s, total=len(rows))\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, summary.done, summary.seconds)\n"
    )
    done = subprocess.run([PYTHON, "-c", code], check=True, capture_output=True, text=True)
    workers_kb, main_kb, kits, seconds = done.stdout.split()
    return {"worker_peak_mb": int(workers_kb) / 1024, "main_peak_mb": int(main_kb) / 1024,
            "kits": int(kits), "seconds": float(seconds)}


def bench_memory(work: Path, counts: tuple[int, ...] = (1000, 10000)) -> dict[str, object]:
    result: dict[str, object] = {}
    for count in counts:
        csv_path = write_csv(work / f"mem-{count}.csv", communes_sample(count))
        result[str(count)] = _peak_worker_rss(csv_path, work / f"mem-{count}")
        shutil.rmtree(work / f"mem-{count}", ignore_errors=True)
    return result


def bench_full(work: Path) -> dict[str, float]:
    out = work / "full"
    code = (
        "import resource\nfrom pathlib import Path\n"
        "from affiches.jobs.batch import BatchSettings, rows_from_departement, run_batch\n"
        "from affiches.city.communes import iter_communes\nfrom affiches.jobs.kit import KitOptions\n"
        "deps = sorted({c.departement for c in iter_communes()})\n"
        "rows = []\n"
        "for d in deps:\n"
        "    rows.extend(rows_from_departement(d))\n"
        "rows = [r.__class__(i + 1, r.city, r.values, code_insee=r.code_insee)"
        " for i, r in enumerate(rows)]\n"
        f"s = BatchSettings(kit=KitOptions(output_dir=Path({str(out)!r}), force=True), jobs=2)\n"
        "summary = run_batch(rows, s, total=len(rows))\n"
        "print(summary.done, summary.failed, summary.seconds,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "for f in summary.failures[:20]:\n    print(f.message())\n"
    )
    cpu = children_cpu()
    done = subprocess.run([PYTHON, "-c", code], check=True, capture_output=True, text=True)
    cpu = children_cpu() - cpu
    first, *failures = done.stdout.splitlines()
    kits, failed, seconds, rss = first.split()
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    shutil.rmtree(out, ignore_errors=True)
    return {"kits": int(kits), "failed": int(failed), "seconds": float(seconds),
            "worker_peak_mb": int(rss) / 1024, "output_gb": size / 1e9,
            "cpu_s": cpu, "failures": failures}


def bench_sizes(count: int = 200) -> dict[str, dict[str, float]]:
    from affiches.city.communes import resolve_city
    from affiches.jobs.batch import BatchSettings, load_layouts
    from affiches.jobs.kit import KIT, KitOptions, plan_kit
    from affiches.render import writer_for

    layouts = load_layouts(BatchSettings())
    sizes: dict[str, list[int]] = {m: [] for m in KIT}
    for line in communes_sample(count):
        for item in plan_kit(resolve_city(line.split(";")[0]), KIT, KitOptions(), layouts):
            buffer = io.BytesIO()
            writer_for(item.layout.output_format)(item.scene, buffer)
            sizes[item.material].append(len(buffer.getvalue()))
    return {m: {"median_kb": statistics.median(v) / 1024, "max_kb": max(v) / 1024}
            for m, v in sizes.items()}


SECTIONS = ("cold", "stages", "sizes", "worker", "parallel", "memory", "full")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION",
                        help=f"among {', '.join(SECTIONS)} (default: all but full)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--memory-rows", default="1000,10000",
                        help="row counts of the memory section (default: 1000,10000)")
    args = parser.parse_args()
    args.sections = args.sections or [s for s in SECTIONS if s != "full"]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    results: dict[str, object] = {"machine": machine()}
    work = Path(tempfile.mkdtemp(prefix="bench-affiches-"))
    try:
        for section in args.sections:
            start = time.perf_counter()
            if section == "cold":
                results[section] = bench_cold(max(args.runs, 7), work)
            elif section == "stages":
                results[section] = bench_stages()
            elif section == "sizes":
                results[section] = bench_sizes()
            elif section == "worker":
                results[section] = bench_worker(args.runs, work)
            elif section == "parallel":
                results[section] = bench_parallel(args.runs, work)
            elif section == "memory":
                counts = tuple(int(n) for n in args.memory_rows.split(","))
                results[section] = bench_memory(work, counts)
            elif section == "full":
                results[section] = bench_full(work)
            print(f"## {section} ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
            print(json.dumps(results[section], indent=1, ensure_ascii=False), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results, args.out)


def report(results: dict, out: Path | None) -> None:  # type: ignore[type-arg]
    """Print the results as JSON (and write them to ``out``), with the load at the end."""
    results["machine"]["load_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = json.dumps(results, indent=1, ensure_ascii=False)
    print(text)
    if out:
        out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

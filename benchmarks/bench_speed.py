"""Speed of a kit against Typst's on the same scenes (issue 14).

Contract: ``python benchmarks/bench_speed.py [sections…] [--count N] [--runs N] [--out FILE]``
measures on this machine and prints its results as JSON (also written to ``--out``), then
one French line per target of issue 14: the figure, the target, met or not
(``--depuis FILE`` prints those lines again from a saved ``--out`` file):

- ``kit``: one warm process, ``--count`` communes spread over France (default 1,000).
  For each city, the affiches kit (resolve, compose the poster, the flyer and the square
  visual through ``jobs.pipeline``, render the three files in memory) and then Typst
  compiling the same three scenes (``typst_scene``: the same primitives at the same
  places, one reused compiler; producing the markup is not counted). Medians per kit
  and per stage, wall clock (``perf_counter``) and CPU (``process_time``; less sensitive
  to the other sessions of this shared machine), the ratio affiches/Typst, file sizes.
- ``cold``: ``affiches kit VILLE`` in a new process against importing the five
  dependencies (``bench_batch.bench_cold``), and Typst's whole kit in a new process.
- ``lot``: ``affiches lot villes.csv -j 2`` over 1,000 communes (``bench_batch``).
- ``full``: every commune of France with ``-j 2`` (``bench_batch.bench_full``; long).
- ``callgrind``: instructions (valgrind) per warm kit (10 kits after 5): a figure that
  does not move with the machine's load.

Targets (issue 14): warm kit ≤ 30 ms and ≤ 0.8× Typst's; 1,000 kits with ``-j 2`` < 20 s;
all communes < 10 min; cold kit ≤ 2× the imports; PDFs < 30 KB, PNG < 80 KB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_batch  # noqa: E402

PYTHON = sys.executable
KIT = ("affiche", "tract", "visuel")


def _fonts_dir() -> Path:
    from affiches.campaign import LABEL_FONT_REGULAR
    from affiches.text.fonts import find_font

    return find_font(LABEL_FONT_REGULAR).parent


def _median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 2)


def bench_kit(count: int, with_typst: bool = True) -> dict[str, object]:
    from affiches.jobs.options import KitOptions
    from affiches.jobs.pipeline import compose_city, load_layouts, render_one, resolve

    options = KitOptions()
    layouts = load_layouts(KIT, options)
    names = [line.split(";") for line in bench_batch.communes_sample(count)]
    typst_kit = None
    if with_typst:
        from typst_scene import TypstKit, source

        typst_kit = TypstKit([_fonts_dir()])
    # Warm-up: first city, both tools (fonts, layouts, compilers).
    warm = compose_city(resolve(*names[0]), KIT, options, layouts)
    for item in warm:
        render_one(item, options.printing)
        if typst_kit:
            (typst_kit.png if item.scene.pixel_size else typst_kit.pdf)(item.scene)
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    sizes: dict[str, list[int]] = {}

    def note(key: str, w: float, c: float) -> None:
        wall.setdefault(key, []).append(w)
        cpu.setdefault(key, []).append(c)

    for name, departement in names:
        w0, c0 = time.perf_counter(), time.process_time()
        composed = compose_city(resolve(name, departement), KIT, options, layouts)
        w1, c1 = time.perf_counter(), time.process_time()
        note("compose (3)", w1 - w0, c1 - c0)
        outputs = []
        for item in composed:
            a, b = time.perf_counter(), time.process_time()
            outputs.append(render_one(item, options.printing)[0].data)
            note(f"render {item.material}", time.perf_counter() - a, time.process_time() - b)
        note("kit", time.perf_counter() - w0, time.process_time() - c0)
        for item, data in zip(composed, outputs, strict=True):
            sizes.setdefault(item.material, []).append(len(data))
        if typst_kit:
            markups = [source(item.scene) for item in composed]
            w0, c0 = time.perf_counter(), time.process_time()
            for item, markup in zip(composed, markups, strict=True):
                a, b = time.perf_counter(), time.process_time()
                compile_ = typst_kit.png if item.scene.pixel_size else typst_kit.pdf
                data = compile_(item.scene, markup)
                note(f"typst {item.material}", time.perf_counter() - a, time.process_time() - b)
                sizes.setdefault(f"typst {item.material}", []).append(len(data))
            note("typst kit", time.perf_counter() - w0, time.process_time() - c0)
    result: dict[str, object] = {
        "kits": len(names),
        "wall_ms": {k: _median_ms(v) for k, v in wall.items()},
        "cpu_ms": {k: _median_ms(v) for k, v in cpu.items()},
        "sizes_kb": {k: {"median": round(statistics.median(v) / 1024, 1), "max": round(max(v) / 1024, 1)}
                     for k, v in sizes.items()},
    }
    if typst_kit:
        result["ratio_wall"] = round(statistics.median(wall["kit"]) / statistics.median(wall["typst kit"]), 3)
        result["ratio_cpu"] = round(statistics.median(cpu["kit"]) / statistics.median(cpu["typst kit"]), 3)
    return result


TYPST_COLD = """
import sys, time
sys.path.insert(0, {here!r})
from pathlib import Path
import typst
from typst_scene import TypstKit
kit = TypstKit([Path({fonts!r})])
for i, markup in enumerate(Path({folder!r}).glob("*.typ")):
    fmt = "png" if "visuel" in markup.name else "pdf"
    kit.compiler.compile(input=markup.read_bytes(), format=fmt, ppi=96.0 if fmt == "png" else None)
"""


def bench_cold(runs: int, work: Path) -> dict[str, float]:
    result = bench_batch.bench_cold(runs, work)
    try:
        import typst  # noqa: F401
    except ImportError:
        return result
    from typst_scene import source

    from affiches.jobs.options import KitOptions
    from affiches.jobs.pipeline import compose_city, load_layouts, resolve

    options = KitOptions()
    folder = work / "typst"
    folder.mkdir(exist_ok=True)
    for item in compose_city(resolve("Saint-Étienne"), KIT, options, load_layouts(KIT, options)):
        (folder / f"{item.material}.typ").write_text(source(item.scene), encoding="utf-8")
    code = TYPST_COLD.format(here=str(HERE), fonts=str(_fonts_dir()), folder=str(folder))
    bench_batch.wall([PYTHON, "-c", code])
    times = [bench_batch.wall([PYTHON, "-c", code]) for _ in range(runs)]
    result["typst_kit_new_process_s"] = statistics.median(times)
    return result


CALLGRIND = """
import sys
sys.path.insert(0, {here!r})
import bench_batch
from affiches.jobs.options import KitOptions
from affiches.jobs.pipeline import compose_city, load_layouts, render_one, resolve
KIT = ("affiche", "tract", "visuel")
options = KitOptions()
layouts = load_layouts(KIT, options)
names = [l.split(";") for l in bench_batch.communes_sample(60)]
for name, dep in names[:5 + int(sys.argv[1])]:
    for item in compose_city(resolve(name, dep), KIT, options, layouts):
        render_one(item, options.printing)
"""


def _instructions(script: Path, kits: int, out: Path) -> int:
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", PYTHON, str(script),
                    str(kits)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError("no instruction count in callgrind output")


def bench_callgrind(work: Path, kits: int = 10) -> dict[str, object]:
    """Instructions per warm kit: (run with 5 + ``kits`` kits) − (run with 5 kits), / ``kits``.

    valgrind counts instructions, not time: the figure does not move with the load of
    the machine, so two versions of the code compare exactly."""
    if shutil.which("valgrind") is None:
        return {"skipped": "valgrind not installed"}
    script = work / "cg.py"
    script.write_text(CALLGRIND.format(here=str(HERE)), encoding="utf-8")
    base = _instructions(script, 0, work / "cg0.out")
    more = _instructions(script, kits, work / "cg1.out")
    return {"kits": kits, "instructions_per_kit": (more - base) // kits}


def _fr(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _verdict(ok: bool) -> str:
    return "atteint" if ok else "NON atteint"


def target_lines(results: dict[str, Any]) -> list[str]:
    """One French line per issue-14 target measured in ``results``: figure, target, verdict."""
    lines = []
    kit = results.get("kit")
    if kit:
        cpu = kit["cpu_ms"]
        lines.append(f"kit chaud (affiche + tract + visuel, médiane sur {kit['kits']} communes) : "
                     f"{_fr(cpu['kit'])} ms CPU, {_fr(kit['wall_ms']['kit'])} ms mur — cible ≤ 30 ms : "
                     f"{_verdict(kit['wall_ms']['kit'] <= 30)}")
        if "typst kit" in cpu:
            lines.append(f"le même kit par Typst, même exécution : {_fr(cpu['typst kit'])} ms CPU ; "
                         f"ratio affiches/Typst {_fr(kit['ratio_wall'], 2)} (mur), "
                         f"{_fr(kit['ratio_cpu'], 2)} (CPU) — cible ≤ 0,8 : "
                         f"{_verdict(kit['ratio_wall'] <= 0.8)}")
        sizes = kit["sizes_kb"]
        ok = sizes["affiche"]["max"] < 30 and sizes["tract"]["max"] < 30 and sizes["visuel"]["max"] < 80
        lines.append("tailles (médiane / max) : "
                     + " ; ".join(f"{name} {_fr(sizes[name]['median'])} / {_fr(sizes[name]['max'])} Ko"
                                  for name in KIT)
                     + f" — cibles < 30 / 30 / 80 Ko : {_verdict(ok)}")
    cold = results.get("cold")
    if cold:
        lines.append(f"démarrage : kit {_fr(cold['kit_s'] * 1000, 0)} ms / import des dépendances "
                     f"{_fr(cold['baseline_import_s'] * 1000, 0)} ms = {_fr(cold['ratio'], 2)}× "
                     f"(CPU {_fr(cold['ratio_cpu'], 2)}×) — cible ≤ 2× : {_verdict(cold['ratio'] <= 2)}")
        if "typst_kit_new_process_s" in cold:
            lines.append(f"kit Typst dans un nouveau processus : "
                         f"{_fr(cold['typst_kit_new_process_s'] * 1000, 0)} ms")
    lot = results.get("lot")
    if lot:
        lines.append(f"lot -j 2, {lot['kits']} kits : {_fr(lot['wall_s'])} s (médiane), "
                     f"{_fr(lot['cpu_per_kit_ms'])} ms CPU par kit — cible < 20 s : "
                     f"{_verdict(lot['wall_s'] < 20)} ; toute la France extrapolée : "
                     f"{_fr(lot['extrapolated_all_communes_s'] / 60)} min")
    full = results.get("full")
    if full:
        lines.append(f"toutes les communes, -j 2 : {full['kits']} kits en {_fr(full['seconds'] / 60)} min, "
                     f"{full['failed']} échec(s) — cible < 10 min et 0 échec : "
                     f"{_verdict(full['seconds'] < 600 and full['failed'] == 0)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sections", nargs="*", default=["kit", "cold"],
                        help="kit, cold, lot, full, callgrind (default: kit cold)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-typst", action="store_true")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--depuis", type=Path, metavar="FICHIER",
                        help="print the target lines of results saved with --out, measure nothing")
    args = parser.parse_args()
    if args.depuis:
        print("\n".join(target_lines(json.loads(args.depuis.read_text(encoding="utf-8")))))
        return
    results: dict[str, Any] = {"machine": bench_batch.machine()}
    work = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    try:
        for section in args.sections:
            start = time.perf_counter()
            if section == "kit":
                results[section] = bench_kit(args.count, not args.no_typst)
            elif section == "cold":
                results[section] = bench_cold(max(args.runs, 7), work)
            elif section == "lot":
                results[section] = bench_batch.bench_parallel(args.runs, work)
            elif section == "full":
                results[section] = bench_batch.bench_full(work)
            elif section == "callgrind":
                results[section] = bench_callgrind(work)
            else:
                parser.error(f"unknown section {section}")
            print(f"## {section} ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
            print(json.dumps(results[section], indent=1, ensure_ascii=False), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    bench_batch.report(results, args.out)
    print("\n".join(["", "## cibles du ticket 14", *target_lines(results)]))


if __name__ == "__main__":
    main()

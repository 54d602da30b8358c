"""Instructions (valgrind) spent writing the poster and flyer PDFs of a warm process (issue 14).

Contract: ``python benchmarks/bench_pdf.py [--kits N] [--mode page|imprimeur]`` composes
15 communes' posters and flyers (the same communes as ``bench_speed.py``), writes 5 of
them to warm up, then N more (default 10), under ``valgrind --tool=callgrind`` twice
(with 0 and with N measured kits), and prints the instructions per poster + flyer: the
difference of the two totals divided by N. Composition, imports and warm-up cancel
out; the figure does not move with the machine's load, so two versions of the PDF
writer compare exactly. ``--inner`` is the script valgrind runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

WARM = 5
COMMUNES = 15


def inner(kits: int, mode: str) -> None:
    """Compose COMMUNES kits, write WARM + ``kits`` of them (poster and flyer PDFs)."""
    import bench_batch

    from affiches.jobs.options import KitOptions
    from affiches.jobs.pipeline import compose_city, load_layouts, render_one, resolve
    from affiches.printing.modes import PrintOptions

    materials = ("affiche", "tract")
    printing = PrintOptions.print_shop() if mode == "imprimeur" else PrintOptions()
    options = replace(KitOptions(), printing=printing)
    layouts = load_layouts(materials, options)
    names = [line.split(";") for line in bench_batch.communes_sample(60)][:COMMUNES]
    composed = [compose_city(resolve(name, dep), materials, options, layouts) for name, dep in names]
    for kit in composed[:WARM + kits]:
        for item in kit:
            render_one(item, options.printing)


def instructions(kits: int, mode: str, out: Path) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # same dict and set orders in both runs
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                    __file__, "--inner", "--kits", str(kits), "--mode", mode],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError("no instruction count in callgrind output")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--kits", type=int, default=10)
    parser.add_argument("--mode", choices=("page", "imprimeur"), default="page")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.kits, args.mode)
        return
    if not 1 <= args.kits <= COMMUNES - WARM:
        parser.error(f"--kits: between 1 and {COMMUNES - WARM}")
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as work:
        base = instructions(0, args.mode, Path(work) / "cg0.out")
        more = instructions(args.kits, args.mode, Path(work) / "cg1.out")
    print(f"{args.mode}: {(more - base) // args.kits:,} instructions per poster + flyer "
          f"({args.kits} kits after {WARM})")


if __name__ == "__main__":
    main()

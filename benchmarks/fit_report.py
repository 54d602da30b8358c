"""Benchmark: the fit report (``affiches gabarits verifier --communes``) over every
built-in layout and every commune of France, with 1 and 2 worker processes.

Prints the median wall time of ``--runs`` runs for each, and the speed-up of 2
processes over 1 measured in the same run (the ratio is what to compare between
machines; the absolute time depends on the machine and its load).

    python benchmarks/fit_report.py --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import time

from affiches.city.communes import iter_communes
from affiches.designer.fitreport import fit_report
from affiches.gabarits import available_layouts, load_layout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    layouts = [load_layout(p) for p in available_layouts().values()]
    communes = list(iter_communes(include_arrondissements=True))
    medians = {}
    for workers in (1, 2):
        times = []
        for _ in range(args.runs):
            import affiches.designer.fitreport as fr

            fr._RESULTS.clear()  # no memo carried over from the previous run
            start = time.perf_counter()
            report = fit_report(layouts, communes, workers=workers)
            times.append(time.perf_counter() - start)
        medians[workers] = statistics.median(times)
        print(
            f"{workers} processus : médiane {medians[workers]:.1f} s sur {args.runs} "
            f"({', '.join(f'{t:.1f}' for t in times)}) ; {len(layouts)} gabarits, "
            f"{len(report.blocks)} blocs, {report.communes} communes, "
            f"{len(report.failures)} échecs"
        )
    print(f"accélération 2 processus / 1 : {medians[1] / medians[2]:.2f}")


if __name__ == "__main__":
    main()

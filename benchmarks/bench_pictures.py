"""Cost and size of a collective's pictures (issue 12): load, compose, write.

Contract: ``python benchmarks/bench_pictures.py [--runs N] [--cities N]`` makes the
sample logo and photo of ``tools/make_previews.py`` (and a 24-megapixel phone-size
photo), then times, in a warm process: loading and checking each file; composing each
social format with and without the photo (the crop is cached per format, the darkening
is measured per city); writing the visual (PNG without photo, JPEG with). It prints
medians in milliseconds and the file sizes (median and max over the cities) against
the budget (300 Ko for 1080 × 1080, proportional beyond). Timings vary with the load
of a shared machine: compare runs made together. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from make_previews import sample_logo, sample_photo  # noqa: E402
from PIL import Image  # noqa: E402

from affiches.city.communes import iter_communes, resolve_city  # noqa: E402
from affiches.jobs.kit import KitOptions, plan_kit  # noqa: E402
from affiches.jobs.options import load_pictures  # noqa: E402
from affiches.render import writer_for  # noqa: E402
from affiches.render.jpeg import JpegOptions, budget  # noqa: E402

FORMATS = ("visuel", "story", "portrait", "paysage")


def timed(function, runs: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cities", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-pictures-"))
    logo = sample_logo(folder / "logo.svg")
    photo = sample_photo(folder / "photo.jpg")
    big = folder / "grande.jpg"
    Image.open(photo).resize((6000, 4000)).save(big, quality=90)
    from affiches.images.svg import _drawing_for, _svg_pdf

    def fresh_logo() -> None:
        _drawing_for.cache_clear()
        _svg_pdf.cache_clear()
        load_pictures([logo])

    print(f"chargement logo SVG (svglib, sans cache) : {timed(fresh_logo, args.runs):.0f} ms")
    print(f"chargement photo 1600 × 1200 : {timed(lambda: load_pictures([], photo), args.runs):.0f} ms")
    print(f"chargement photo 6000 × 4000 (24 Mpx) : {timed(lambda: load_pictures([], big), args.runs):.0f} ms")
    pictures = load_pictures([logo], photo, "60,40")
    cities = [resolve_city(c.nom, c.departement) for c in list(iter_communes())[:: 34920 // args.cities]][: args.cities]
    for material in FORMATS:
        for with_photo in (False, True):
            options = KitOptions(pictures=pictures if with_photo else load_pictures([logo]))
            compose_ms, write_ms, sizes = [], [], []
            for city in cities:
                start = time.perf_counter()
                (planned,) = plan_kit(city, (material,), options)
                middle = time.perf_counter()
                out = io.BytesIO()
                writer_for(planned.name.rsplit(".", 1)[-1])(planned.scene, out)
                end = time.perf_counter()
                compose_ms.append((middle - start) * 1000)
                write_ms.append((end - middle) * 1000)
                sizes.append(len(out.getvalue()))
            width, height = planned.scene.pixel_size or (0, 0)
            limit = budget(width, height, JpegOptions()) if with_photo else 0
            print(f"{material:9} {'photo' if with_photo else 'sans photo':10} composition "
                  f"{statistics.median(compose_ms):5.0f} ms, écriture {statistics.median(write_ms):4.0f} ms, "
                  f"{statistics.median(sizes) / 1000:5.0f} / {max(sizes) / 1000:4.0f} Ko"
                  + (f" (budget {limit / 1000:.0f} Ko)" if limit else ""))


if __name__ == "__main__":
    main()

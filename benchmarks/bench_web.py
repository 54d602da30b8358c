"""Load test of the web page (issue 13), against a real ``affiches serveur`` on loopback.

Contract: ``python benchmarks/bench_web.py [--requetes N] [--duree S] [--out FILE]``
starts the server on a free 127.0.0.1 port (one render process per core), then:

- ``apercus 4``: 4 concurrent clients, each changing one field (the collectif's
  name, a new one at each request, as someone typing) and asking for a preview at
  screen size (the poster at 600 px): latency p50/p95 of the answered previews
  (target p95 < 300 ms), count of 503s;
- ``apercus 8``: the same with 8 clients, while a ninth client polls the health
  route every 50 ms: its p50/p95/max (target < 50 ms while saturated);
- ``zip 8``: 8 clients downloading whole kits (``POST /kit.zip``, a different
  commune each time) for ``--duree`` seconds: ZIPs per second;
- ``memoire``: ``--requetes`` requests (default 10,000) by 8 clients, cycling
  through check, preview, suggestions and health: resident memory of the server and
  its render processes after 10 % of them and at the end (target: flat).

Every answer other than 200, 422 or 503 counts as an error (target: none). Bounded in
count and time; loopback only. Prints a Markdown report (JSON with ``--out``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

Request = tuple[str, str, dict[str, str]]  # method, path, fields


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "affiches", "serveur", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Page ouverte"):
        process.kill()
        raise SystemExit(f"le serveur n’a pas démarré : {line!r}")
    return process


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return total / 1024


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, request: Request) -> tuple[int, float]:
        method, path, fields = request
        body = None
        headers = {}
        if method == "POST":
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif fields:
            path = f"{path}?{urlencode(fields)}"
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            status = 0
        return status, time.perf_counter() - start


def run_clients(port: int, clients: int, make: Callable[[int, int], Request | None],
                deadline: float) -> list[tuple[str, int, float]]:
    """``clients`` threads; client c sends make(c, i) for i = 0, 1… until None or deadline."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()

    def work(number: int) -> None:
        client = Client(port)
        mine = []
        i = 0
        while time.monotonic() < deadline:
            request = make(number, i)
            if request is None:
                break
            status, seconds = client.send(request)
            mine.append((request[1].split("?")[0], status, seconds))
            i += 1
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cities(count: int) -> list[str]:
    from affiches.city.communes import iter_communes

    ranked = sorted(iter_communes(), key=lambda c: -c.population)[:count]
    return [f"{c.nom} ({c.departement})" for c in ranked]


def preview_requests(names: list[str], per_client: int) -> Callable[[int, int], Request | None]:
    def make(client: int, i: int) -> Request | None:
        if i >= per_client:
            return None
        city = names[client % len(names)]
        return ("GET", "/apercu/affiche.png", {"ville": city, "collectif": f"Collectif {client}-{i}",
                                               "largeur": "600"})
    return make


def errors(results: list[tuple[str, int, float]]) -> dict[str, int]:
    counts = Counter(status for _, status, _ in results)
    return {str(k): v for k, v in sorted(counts.items()) if k not in (200, 422, 503)}


def previews(port: int, clients: int, per_client: int, names: list[str], poll_health: bool) -> dict[str, object]:
    health: list[float] = []
    stop = threading.Event()

    def poll() -> None:
        client = Client(port)
        while not stop.is_set():
            status, seconds = client.send(("GET", "/sante", {}))
            if status == 200:
                health.append(seconds)
            time.sleep(0.05)

    poller = threading.Thread(target=poll)
    if poll_health:
        poller.start()
    start = time.monotonic()
    results = run_clients(port, clients, preview_requests(names, per_client), start + 120)
    wall = time.monotonic() - start
    stop.set()
    if poll_health:
        poller.join()
    ok = [s for _, status, s in results if status == 200]
    report: dict[str, object] = {
        "clients": clients, "requetes": len(results), "reussies": len(ok),
        "503": sum(1 for _, status, _ in results if status == 503), "erreurs": errors(results),
        "p50_ms": round(percentile(ok, 50) * 1000), "p95_ms": round(percentile(ok, 95) * 1000),
        "apercus_par_s": round(len(ok) / wall, 1),
    }
    if poll_health:
        report.update(sante_n=len(health), sante_p50_ms=round(percentile(health, 50) * 1000, 1),
                      sante_p95_ms=round(percentile(health, 95) * 1000, 1),
                      sante_max_ms=round(max(health) * 1000, 1) if health else None)
    return report


def zips(port: int, seconds: float, names: list[str]) -> dict[str, object]:
    def make(client: int, i: int) -> Request:
        return ("POST", "/kit.zip", {"ville": names[(client * 997 + i) % len(names)]})

    start = time.monotonic()
    results = run_clients(port, 8, make, start + seconds)
    wall = time.monotonic() - start
    ok = [s for _, status, s in results if status == 200]
    return {"clients": 8, "duree_s": round(wall, 1), "zip": len(ok), "zip_par_s": round(len(ok) / wall, 2),
            "503": sum(1 for _, status, _ in results if status == 503), "erreurs": errors(results),
            "p50_ms": round(percentile(ok, 50) * 1000), "p95_ms": round(percentile(ok, 95) * 1000)}


def memory(port: int, pid: int, total: int, names: list[str], limit: float) -> dict[str, object]:
    per_client = total // 8
    checkpoint = max(1, per_client // 10)
    samples: dict[str, float] = {}

    def make(client: int, i: int) -> Request | None:
        if i >= per_client:
            return None
        if client == 0 and i == checkpoint:
            samples["debut"] = rss_mb(pid)
        city = names[(client * 7919 + i) % len(names)]
        kind = i % 4
        if kind == 0:
            return ("GET", "/api/verifier", {"ville": city, "collectif": f"C{i}"})
        if kind == 1:
            return ("GET", "/apercu/visuel.png", {"ville": city, "collectif": f"C{i}", "largeur": "300"})
        if kind == 2:
            return ("GET", "/api/communes", {"q": city[: 3 + i % 6]})
        return ("GET", "/sante", {})

    start = time.monotonic()
    results = run_clients(port, 8, make, start + limit)
    samples["fin"] = rss_mb(pid)
    return {"requetes": len(results), "duree_s": round(time.monotonic() - start, 1),
            "rss_apres_10pc_mo": round(samples.get("debut", float("nan")), 1),
            "rss_fin_mo": round(samples["fin"], 1), "503": sum(1 for _, s, _ in results if s == 503),
            "erreurs": errors(results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requetes", type=int, default=10_000, help="requêtes de la mesure de mémoire")
    parser.add_argument("--apercus", type=int, default=40, help="aperçus par client")
    parser.add_argument("--duree", type=float, default=20.0, help="secondes de téléchargements de ZIP")
    parser.add_argument("--out", type=Path, help="fichier JSON des résultats")
    args = parser.parse_args()

    names = cities(2000)
    port = free_port()
    server = start_server(port)
    report: dict[str, object] = {"coeurs": len(os.sched_getaffinity(0)), "charge": os.getloadavg()[0]}
    try:
        Client(port).send(("GET", "/apercu/affiche.png", {"ville": "Lyon", "largeur": "600"}))  # warm up
        report["apercus_4"] = previews(port, 4, args.apercus, names, poll_health=False)
        report["apercus_8"] = previews(port, 8, args.apercus, names, poll_health=True)
        report["zip_8"] = zips(port, args.duree, names)
        report["memoire"] = memory(port, server.pid, args.requetes, names, limit=900)
    finally:
        server.terminate()
        server.wait(10)
    report["charge_fin"] = os.getloadavg()[0]
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    failures = [k for k, v in report.items() if isinstance(v, dict) and v.get("erreurs")]
    if failures:
        raise SystemExit(f"erreurs autres que 503 dans : {', '.join(failures)}")


if __name__ == "__main__":
    main()

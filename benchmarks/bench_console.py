"""The console on a large store: the server time of each live-refresh endpoint and the
first paint of each page, with N requests in SQLite (written straight into the table),
side by side with a small store of the same shape.

    python benchmarks/bench_console.py                     # 1,000,000 and 10,000 rows
    python benchmarks/bench_console.py --rows 200000 --baseline-rows 0

Goals (issue 20): first paint of every page ≤ 300 ms, each refresh ≤ 50 ms server time.

The server time is taken from the service's answers over loopback (one client, warm
connection), so it includes the HTTP round trip, an upper bound of the server's own
time. "First paint" is the time from navigation start to the first frame painted with
the page's data (a `requestAnimationFrame` after its heading and charts are in the
page), read in Debian's headless Chromium; the first visit of a window (the per-minute
series read from the table for the first time) is reported apart as "cold".
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

# The same synthetic history the console's tests use.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.request_history import write_history

ADMIN_KEY = "bench-console-admin-key-0123"
REFRESH = [
    "/console/api/overview?window=1h",
    "/console/api/overview?window=24h",
    "/console/api/security?window=1h",
    "/console/api/quality?window=1h",
    "/console/api/slo",
    "/console/api/audit",
    "/console/api/requests?limit=50",
    "/console/api/requests?limit=50&decision=blocked",
    "/console/api/admin",
]
PAGES = ("overview", "security", "quality", "slo", "requests", "audit", "admin")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Marks when the page's content (heading, and its charts when it has some) is painted.
# When the page's own scripts have run (DOMContentLoaded ends after the modules).
SHELL_READY = "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
PAINT_PROBE = """
new MutationObserver((_, observer) => {
  const section = document.querySelector("#page section[data-page] h1");
  if (!section) return;
  observer.disconnect();
  requestAnimationFrame(() => { window.__painted = performance.now(); });
}).observe(document, {subtree: true, childList: true});
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        AIMONITOR_DATA_DIR=str(data_dir),
        AIMONITOR_LOG_DIR=str(data_dir / "logs"),
        AIMONITOR_ADMIN_API_KEY=ADMIN_KEY,
        AIMONITOR_LOG_LEVEL="WARNING",
        AIMONITOR_SIM_LATENCY_SCALE="0",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "aimonitor", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("aimonitor serve did not start")


def refresh_times(base: str, rounds: int) -> dict[str, dict[str, float]]:
    """Per endpoint: the first (cold) answer, then the median and p95 of `rounds` more."""
    results: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=base, headers={"X-API-Key": ADMIN_KEY}, timeout=120) as client:
        for path in REFRESH:
            started = time.perf_counter()
            client.get(path).raise_for_status()
            cold = (time.perf_counter() - started) * 1000
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                client.get(path).raise_for_status()
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            results[path] = {
                "cold_ms": cold,
                "p50_ms": statistics.median(samples),
                "p95_ms": samples[max(0, int(len(samples) * 0.95) - 1)],
            }
    return results


def paint_times(base: str, rounds: int, screenshots: Path | None) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path="/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )
        context.add_init_script(PAINT_PROBE)
        page = context.new_page()
        page.goto(f"{base}/console")
        page.fill("#key", ADMIN_KEY)
        page.press("#key", "Enter")
        page.wait_for_selector("#nav:not([hidden])")
        for name in PAGES:
            samples: list[float] = []
            shells: list[float] = []
            for _ in range(rounds + 1):  # the first visit is a warm-up
                page.goto("about:blank")
                page.goto(f"{base}/console#/{name}")
                page.wait_for_function("() => window.__painted !== undefined", timeout=60_000)
                samples.append(float(page.evaluate("window.__painted")))
                shells.append(float(page.evaluate(SHELL_READY)))
            if screenshots is not None:
                screenshots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshots / f"console-{name}-1m.png"))
            warm = sorted(samples[1:])
            results[name] = {
                "cold_ms": samples[0],
                "p50_ms": statistics.median(warm),
                "max_ms": warm[-1],
                "shell_ms": statistics.median(shells[1:]),
            }
        context.close()
    return results


def run(rows: int, days: float, rounds: int, screenshots: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as workdir:
        data_dir = Path(workdir)
        started = time.perf_counter()
        # A third of the served requests streamed: the overview charts their time to first token.
        write_history(data_dir / "aimonitor.db", rows, days, streamed_share=0.3)
        filled_s = time.perf_counter() - started
        port = free_port()
        process = serve(data_dir, port)
        try:
            base = f"http://127.0.0.1:{port}"
            refresh = refresh_times(base, rounds)
            paint = paint_times(base, max(3, rounds // 5), screenshots)
            stats_started = time.perf_counter()
            httpx.get(f"{base}/stats", headers={"X-API-Key": ADMIN_KEY}, timeout=300)
            stats_ms = (time.perf_counter() - stats_started) * 1000
        finally:
            process.terminate()
            process.wait(timeout=60)
    return {"rows": rows, "fill_s": filled_s, "refresh": refresh, "paint": paint,
            "stats_ms": stats_ms}  # fmt: skip


def report(runs: list[dict[str, Any]]) -> None:
    heads = " | ".join(f"{r['rows']:,} rows: cold / p50 / p95 ms" for r in runs)
    print(f"\n| refresh endpoint | {heads} |")
    print("|---|" + "---|" * len(runs))
    for path in REFRESH:
        cells = " | ".join(
            "{cold_ms:.1f} / {p50_ms:.1f} / {p95_ms:.1f}".format(**r["refresh"][path]) for r in runs
        )
        print(f"| `{path.removeprefix('/console/api')}` | {cells} |")
    cells = " | ".join(f"{r['stats_ms']:.0f} (one call)" for r in runs)
    print(f"| `GET /stats` (for comparison) | {cells} |")
    heads = " | ".join(f"{r['rows']:,} rows: cold / p50 / max ms (scripts run)" for r in runs)
    print(f"\n| first paint | {heads} |")
    print("|---|" + "---|" * len(runs))
    for name in PAGES:
        cells = " | ".join(
            "{cold_ms:.0f} / {p50_ms:.0f} / {max_ms:.0f} ({shell_ms:.0f})".format(
                **r["paint"][name]
            )
            for r in runs
        )
        print(f"| {name} | {cells} |")
    for r in runs:
        print(f"\n{r['rows']:,} rows written in {r['fill_s']:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    parser.add_argument("--days", type=float, default=7.0, help="the rows span this many days")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--screenshots", type=Path, help="keep a screenshot of each page here")
    args = parser.parse_args()
    runs = []
    for rows in (args.baseline_rows, args.rows):
        if rows > 0:
            print(f"running with {rows:,} rows ...", flush=True)
            shots = args.screenshots if rows == args.rows else None
            runs.append(run(rows, args.days, args.rounds, shots))
    report(runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

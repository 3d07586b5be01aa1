"""Does `aimonitor serve --workers N` scale? The same /predict load (every analysis on,
the simulated model at zero latency) against one worker and against N, alternated in
slices, driven by `wrk` in the same run — and, as the ceiling on this machine (wrk shares
its cores), the bare FastAPI endpoint of `bare_app.py` under uvicorn with 1 and N workers.

Usage: python benchmarks/bench_workers.py [--workers 2] [--concurrency 16]
       [--duration 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from bench_predict import (
    PROMPT,
    ROOT,
    combine,
    free_port,
    run_wrk,
    start_aimonitor,
    wait_ready,
    wrk_script,
)


def wait_for_workers(url: str, workers: int, timeout_s: float = 120.0) -> None:
    """Until each worker has answered /health (they start one after the other)."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout_s
    while len(seen) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(seen)} of {workers} workers answered")
        try:
            seen.add(httpx.get(f"{url}/health", timeout=2).json()["worker_pid"])
        except httpx.HTTPError:
            time.sleep(0.2)


def start_bare(port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port), "--workers",
         str(workers), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT / "benchmarks", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian package wrk)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="aimonitor-bench-workers-"))
    script = workdir / "predict.lua"
    script.write_text(wrk_script([PROMPT]))
    servers: dict[tuple[str, int], tuple[subprocess.Popen[bytes], str]] = {}
    for workers in (1, args.workers):
        port = free_port()
        folder = workdir / f"w{workers}"
        folder.mkdir()
        process = start_aimonitor(port, folder, "INFO", workers=workers)
        servers["aimonitor", workers] = (process, f"http://127.0.0.1:{port}")
        port = free_port()
        servers["bare", workers] = (start_bare(port, workers), f"http://127.0.0.1:{port}")
    try:
        for (kind, workers), (_, url) in servers.items():
            wait_ready(f"{url}/predict", timeout_s=120, prompt=PROMPT)
            if kind == "aimonitor":
                wait_for_workers(url, workers)
        slices: dict[tuple[str, int], list[dict[str, float]]] = {key: [] for key in servers}
        for round_index in range(args.rounds):
            order = list(servers) if round_index % 2 == 0 else list(reversed(servers))
            for key in order:
                _, url = servers[key]
                slices[key].append(
                    run_wrk(f"{url}/predict", args.concurrency, args.duration, script)
                )
        result: dict[str, object] = {"concurrency": args.concurrency, "workers": args.workers}
        for kind in ("aimonitor", "bare"):
            one, many = combine(slices[kind, 1]), combine(slices[kind, args.workers])
            result[kind] = {
                "rps_1_worker": round(one["rps"], 1),
                f"rps_{args.workers}_workers": round(many["rps"], 1),
                "speedup": round(many["rps"] / one["rps"], 2),
                "p99_ms_1_worker": one["p99_ms"],
                f"p99_ms_{args.workers}_workers": many["p99_ms"],
                "non2xx": one["non2xx"] + many["non2xx"],
            }
        print(json.dumps(result, indent=2))
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

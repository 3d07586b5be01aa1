"""How fast POST /predict could be if its analyses cost nothing: the ceiling of what
speeding up the analyses can give, measured over HTTP like bench_predict.py.

Four uvicorn servers on loopback, driven by `wrk` in alternated slices at each level:

- `bare`: the bare FastAPI endpoint of bench_predict.py (the baseline of the ratios);
- `aimonitor`: the service as `aimonitor serve` runs it, every stage on;
- `free analyses`: the same service, whose scans, risk classifier, guardrails, model
  and signals answer at once from memory what they answered for a first request
  (ceiling_app.py, stand_ins.py); the emission (metrics, audit record, log line) still
  runs for real;
- `free analyses + emit`: the emission answers from memory too; what is left is the
  pipeline's glue (spans, stage timers, cohort scheduling, guardrail bookkeeping, the
  request state), the framework and the HTTP server.

Every request carries the same prompt: the stand-ins know no other. "loop cpu" is the
CPU time of the server's event-loop thread per request, which bounds its throughput;
"cpu" adds the server's other threads and child processes (the audit writer).

Usage: python benchmarks/bench_ceiling.py [--duration 10] [--rounds 5]
       [--concurrency 1 8 32] [--log-level INFO] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_predict import (
    PROMPT,
    ROOT,
    combine,
    free_port,
    prompt_texts,
    run_wrk,
    service_env,
    start_aimonitor,
    start_bare,
    wait_ready,
    wrk_script,
)

SERVERS = ("bare", "aimonitor", "free analyses", "free analyses + emit")
FROM_MEMORY = {"free analyses": "analyses", "free analyses + emit": "all"}


def start_ceiling(port: int, workdir: Path, log_level: str, mode: str) -> subprocess.Popen[bytes]:
    workdir.mkdir(parents=True, exist_ok=True)
    env = service_env(workdir, log_level) | {"AIMONITOR_BENCH_FROM_MEMORY": mode}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "ceiling_app.py"), str(port)],
        env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def loop_cpu_seconds(pid: int) -> float:
    """CPU time of the process's main thread, which runs uvicorn's event loop."""
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per level and server")
    parser.add_argument("--rounds", type=int, default=5, help="alternated slices per level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.rounds < 1 or args.duration <= 0:
        parser.error("--rounds must be at least 1 and --duration positive")
    if shutil.which("wrk") is None:
        print("bench_ceiling: needs `wrk` (apt-get install wrk)", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="aimonitor-bench-ceiling-"))
    script = workdir / "post.lua"
    script.write_text(wrk_script(prompt_texts("one")))
    ports = {name: free_port() for name in SERVERS}
    servers = {
        "bare": start_bare(ports["bare"]),
        "aimonitor": start_aimonitor(ports["aimonitor"], workdir, args.log_level),
    }
    for name, mode in FROM_MEMORY.items():
        servers[name] = start_ceiling(ports[name], workdir / mode, args.log_level, mode)
    rows: list[dict[str, object]] = []
    try:
        urls = {name: f"http://127.0.0.1:{port}/predict" for name, port in ports.items()}
        for url in urls.values():
            wait_ready(url, prompt=PROMPT)  # the only prompt the stand-ins answer
        for url in urls.values():
            run_wrk(url, 8, 2, script)  # warm-up
        order = list(SERVERS)
        slice_s = args.duration / args.rounds
        for concurrency in args.concurrency:
            slices: dict[str, list[dict[str, float]]] = {name: [] for name in SERVERS}
            loop_cpu = dict.fromkeys(SERVERS, 0.0)
            for round_no in range(args.rounds):
                for name in order if round_no % 2 == 0 else order[::-1]:
                    pid = servers[name].pid
                    before = loop_cpu_seconds(pid)
                    slices[name].append(run_wrk(urls[name], concurrency, slice_s, script, pid))
                    loop_cpu[name] += loop_cpu_seconds(pid) - before
            bare = combine(slices["bare"])
            for name in SERVERS:
                result = combine(slices[name])
                rows.append(
                    {
                        "concurrency": concurrency,
                        "server": name,
                        "rps": round(result["rps"], 1),
                        "ratio": round(result["rps"] / bare["rps"], 3),
                        "p50_ms": result["p50_ms"],
                        "p99_ms": result["p99_ms"],
                        "added_p99_ms": round(result["p99_ms"] - bare["p99_ms"], 2),
                        "loop_cpu_ms_per_request": round(
                            loop_cpu[name] * 1000.0 / result["requests"], 3
                        ),
                        "cpu_ms_per_request": result["cpu_ms_per_request"],
                        "non2xx": result["non2xx"],
                    }
                )
    finally:
        for proc in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    if args.json:
        print(json.dumps({"rows": rows, "load_average": os.getloadavg()}, indent=2))
        return 0
    print(
        f"{'conc':>4} {'server':22} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'+p99 ms':>8} {'loop cpu':>9} {'cpu':>6} {'non-2xx':>8}"
    )
    for row in rows:
        print(
            f"{row['concurrency']:>4} {row['server']:22} {row['rps']:>8} {row['ratio']:>6} "
            f"{row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f} {row['added_p99_ms']:>8.2f} "
            f"{row['loop_cpu_ms_per_request']:>9.3f} {row['cpu_ms_per_request']:>6.3f} "
            f"{row['non2xx']:>8.0f}"
        )
    print("loop cpu / cpu: ms of CPU per request, event-loop thread / whole server tree")
    print(f"load average at the end (1, 5, 15 min): {[round(x, 2) for x in os.getloadavg()]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

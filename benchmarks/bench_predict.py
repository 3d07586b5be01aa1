"""Throughput and latency of POST /predict with every stage on, next to a bare
FastAPI endpoint measured in the same run.

Both servers run as separate uvicorn processes on loopback; `wrk` (Debian package)
drives the load so that the client costs little CPU. The simulated model runs at
zero latency (AIMONITOR_SIM_LATENCY_SCALE=0), so what is measured is aimonitor's own
overhead: analysis, guardrails, signals, metrics, tracing, logging and audit.

Each concurrency level is measured in `--rounds` slices per server, alternating bare and
ours (bare first in odd rounds, ours first in even ones): the machine's speed drifts
over minutes (it is shared), and alternating makes the drift hit both servers alike.
Throughput and CPU are totals over the slices; p50 and p99 are the medians of the
slices' percentiles.

Usage: python benchmarks/bench_predict.py [--duration 10] [--rounds 5] [--concurrency 1 8 32]
       [--log-level INFO] [--prompts one|benign|mix]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from aimonitor.loadgen.prompts import PromptPicker, builtin_prompts

ROOT = Path(__file__).resolve().parent.parent
PROMPT = "Explique le monitoring IA et les SLO de latence pour une application en production"
LUA = """
wrk.method = "POST"
wrk.body   = '%s'
wrk.headers["Content-Type"] = "application/json"
"""
# Several bodies, in turn (wrk runs one thread, whose connections share the list).
LUA_CYCLE = """
local bodies = {
%s
}
local next_body = 0
request = function()
  next_body = next_body %% #bodies + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[next_body])
end
"""
MIX_SIZE = 500  # requests in one pass of the --prompts mix plan


def prompt_texts(kind: str) -> list[str]:
    """The prompts of a run: `one` the fixed prompt (comparable across sessions),
    `benign` the load client's benign prompts (English and French), `mix` its weighted
    mix of benign, personal data, attacks, toxic and off-topic prompts (some blocked or
    redacted, as in `aimonitor load`)."""
    if kind == "one":
        return [PROMPT]
    if kind == "benign":
        return [sample.text for sample in builtin_prompts()["benign"]]
    picker = PromptPicker(seed=0)
    return [picker.pick(index).text for index in range(MIX_SIZE)]


def wrk_script(texts: list[str]) -> str:
    bodies = [json.dumps({"prompt": text, "scenario": "A"}) for text in texts]
    if len(bodies) == 1:
        return LUA % bodies[0]
    # Lua long strings take the JSON as it is (no body holds "]==]").
    return LUA_CYCLE % ",\n".join(f"  [==[{body}]==]" for body in bodies)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, timeout_s: float = 30.0, prompt: str = "ping") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if (
                httpx.post(url, json={"prompt": prompt, "scenario": "A"}, timeout=2).status_code
                < 500
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


# Lets the benchmark read /stats from the service it started.
VIEWER_KEY = "bench-viewer-key-0123456789"


def service_env(workdir: Path, log_level: str) -> dict[str, str]:
    """The environment of a benchmarked service: the model at zero latency, no rate limit
    in the way, its data and logs under `workdir`."""
    env = dict(os.environ)
    env.update(
        AIMONITOR_SIM_LATENCY_SCALE="0",
        AIMONITOR_RATE_LIMIT_PER_MINUTE="1000000",
        AIMONITOR_DATA_DIR=str(workdir / "data"),
        AIMONITOR_LOG_DIR=str(workdir / "logs"),
        AIMONITOR_LOG_LEVEL=log_level,
        AIMONITOR_VIEWER_API_KEY=VIEWER_KEY,
    )
    return env


def start_aimonitor(
    port: int, workdir: Path, log_level: str, workers: int = 1
) -> subprocess.Popen[bytes]:
    env = service_env(workdir, log_level)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aimonitor",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_bare(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port), "--log-level",
         "warning", "--no-access-log"],
        cwd=ROOT / "benchmarks",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (the server and its audit writer process)."""
    pids, index = [pid], 0
    while index < len(pids):
        for task in Path(f"/proc/{pids[index]}/task").iterdir():
            children = (task / "children").read_text().split()
            pids += [int(child) for child in children]
        index += 1
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` and its children (all threads) so far."""
    total = 0.0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_wrk(
    url: str, concurrency: int, duration: float, script: Path, pid: int | None = None
) -> dict[str, float]:
    """wrk's figures, plus the server's CPU time per request when its `pid` is given."""
    cpu_before = cpu_seconds(pid) if pid is not None else 0.0
    out = subprocess.run(
        ["wrk", "-t", "1", "-c", str(concurrency), "-d", f"{duration:g}s", "--latency", "-s",
         str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    # Anchored: the "+/- Stdev" column also ends in "%" ("72.50%").
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    cpu_ms = (cpu_seconds(pid) - cpu_before) * 1000.0 / requests if pid and requests else 0.0
    return {
        "requests": float(requests),
        "seconds": requests / rps if rps else 0.0,
        "cpu_ms_per_request": round(cpu_ms, 3),
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non2xx": float(non2xx.group(1)) if non2xx else 0.0,
    }


def combine(slices: list[dict[str, float]]) -> dict[str, float]:
    """One level's figures from its slices: totals for throughput and CPU, medians of the
    slices' percentiles."""
    requests = sum(s["requests"] for s in slices)
    seconds = sum(s["seconds"] for s in slices)
    cpu_ms = sum(s["cpu_ms_per_request"] * s["requests"] for s in slices)
    return {
        "requests": requests,
        "seconds": seconds,
        "cpu_ms_per_request": round(cpu_ms / requests, 3) if requests else 0.0,
        "rps": requests / seconds if seconds else 0.0,
        "p50_ms": statistics.median(s["p50_ms"] for s in slices),
        "p99_ms": statistics.median(s["p99_ms"] for s in slices),
        "non2xx": sum(s["non2xx"] for s in slices),
    }


def stage_means_us(metrics_text: str) -> dict[str, float]:
    """Mean time per request of each pipeline stage (and detector), in microseconds, from
    the `_sum` / `_count` series of ai_pipeline_stage_duration_seconds and
    ai_detector_duration_seconds."""
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    pattern = re.compile(
        r"^ai_(pipeline_stage|detector)_duration_seconds_(sum|count)"
        r'\{(?:stage|detector)="([^"]+)"\} (\S+)$'
    )
    for line in metrics_text.splitlines():
        match = pattern.match(line)
        if match:
            kind, series, name, value = match.groups()
            key = name if kind == "pipeline_stage" else f"detector:{name}"
            (sums if series == "sum" else counts)[key] = float(value)
    return {k: round(sums[k] / counts[k] * 1e6, 1) for k in sums if counts.get(k)}


def memory_mib(pid: int, field: str = "Rss") -> float:
    """Memory of `pid` and its children in MiB: "Rss" (resident; pages shared between the
    processes counted in each) or "Pss" (each shared page split between its sharers)."""
    total_kib = 0
    for member in process_tree(pid):
        for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
            if line.startswith(f"{field}:"):
                total_kib += int(line.split()[1])
    return total_kib / 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=10, help="seconds per level and server")
    parser.add_argument("--rounds", type=int, default=5, help="alternated slices per level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rss-requests", type=int, default=10_000)
    parser.add_argument(
        "--log-level",
        default="INFO",
        help="the server's AIMONITOR_LOG_LEVEL; INFO, the default, writes the request lines",
    )
    parser.add_argument(
        "--prompts",
        choices=("one", "benign", "mix"),
        default="one",
        help="one fixed prompt (default), the load client's benign prompts, or its mix",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("bench_predict: needs `wrk` (apt-get install wrk)", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="aimonitor-bench-"))
    script = workdir / "post.lua"
    script.write_text(wrk_script(prompt_texts(args.prompts)))
    ours_port, bare_port = free_port(), free_port()
    ours, bare = start_aimonitor(ours_port, workdir, args.log_level), start_bare(bare_port)
    results: dict[str, dict[int, dict[str, float]]] = {"aimonitor": {}, "bare": {}}
    try:
        ours_url = f"http://127.0.0.1:{ours_port}/predict"
        bare_url = f"http://127.0.0.1:{bare_port}/predict"
        wait_ready(ours_url)
        wait_ready(bare_url)
        run_wrk(ours_url, 8, 2, script)  # warm-up (drift reference fills, caches warm)
        run_wrk(bare_url, 8, 2, script)
        rounds = max(1, args.rounds)
        slice_s = args.duration / rounds
        targets = (("bare", bare_url, bare.pid), ("aimonitor", ours_url, ours.pid))
        for concurrency in args.concurrency:
            slices: dict[str, list[dict[str, float]]] = {"bare": [], "aimonitor": []}
            for round_no in range(rounds):
                for name, url, pid in targets if round_no % 2 == 0 else targets[::-1]:
                    slices[name].append(run_wrk(url, concurrency, slice_s, script, pid))
            for name, runs in slices.items():
                results[name][concurrency] = combine(runs)
        # RSS after a fixed number of requests (on top of what the runs above sent).
        with httpx.Client(timeout=10) as client:
            for i in range(args.rss_requests):
                client.post(ours_url, json={"prompt": f"{PROMPT} #{i}", "scenario": "A"})
        stats = httpx.get(
            f"http://127.0.0.1:{ours_port}/stats", headers={"X-API-Key": VIEWER_KEY}, timeout=30
        ).json()
        metrics_text = httpx.get(f"http://127.0.0.1:{ours_port}/metrics", timeout=30).text
        rss, pss = memory_mib(ours.pid, "Rss"), memory_mib(ours.pid, "Pss")
        processes = len(process_tree(ours.pid))
    finally:
        for proc in (ours, bare):
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    rows = []
    for concurrency in args.concurrency:
        o, b = results["aimonitor"][concurrency], results["bare"][concurrency]
        rows.append(
            {
                "concurrency": concurrency,
                "aimonitor_rps": round(o["rps"], 1),
                "bare_rps": round(b["rps"], 1),
                "throughput_ratio": round(o["rps"] / b["rps"], 3),
                "aimonitor_p50_ms": o["p50_ms"],
                "aimonitor_p99_ms": o["p99_ms"],
                "bare_p50_ms": b["p50_ms"],
                "bare_p99_ms": b["p99_ms"],
                "added_p99_ms": round(o["p99_ms"] - b["p99_ms"], 3),
                "aimonitor_non2xx": o["non2xx"],
                "aimonitor_cpu_ms_per_request": o["cpu_ms_per_request"],
                "bare_cpu_ms_per_request": b["cpu_ms_per_request"],
            }
        )
    summary = {"rows": rows, "rss_mib_after_requests": round(rss, 1),
               "pss_mib_after_requests": round(pss, 1), "processes": processes,
               "requests_in_store": stats.get("total_requests"),
               "stage_mean_us": stage_means_us(metrics_text),
               "load_average": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    header = f"{'conc':>4} {'ours rps':>9} {'bare rps':>9} {'ratio':>6} {'ours p50':>9} " \
             f"{'ours p99':>9} {'bare p99':>9} {'+p99 ms':>8} " \
             f"{'ours cpu':>9} {'bare cpu':>9}"  # fmt: skip
    print(header)
    for row in rows:
        print(
            f"{row['concurrency']:>4} {row['aimonitor_rps']:>9} {row['bare_rps']:>9} "
            f"{row['throughput_ratio']:>6} {row['aimonitor_p50_ms']:>9.2f} "
            f"{row['aimonitor_p99_ms']:>9.2f} {row['bare_p99_ms']:>9.2f} "
            f"{row['added_p99_ms']:>8.2f} {row['aimonitor_cpu_ms_per_request']:>9.3f} "
            f"{row['bare_cpu_ms_per_request']:>9.3f}"
        )
    print("cpu = CPU time of the server and its child processes (all threads) per request, ms")
    print(f"memory of the server and its {processes - 1} child processes after the runs + "
          f"{args.rss_requests} requests: RSS {rss:.1f} MiB, PSS {pss:.1f} MiB "
          f"(store holds {summary['requests_in_store']} requests)")  # fmt: skip
    stages = summary["stage_mean_us"]
    assert isinstance(stages, dict)
    print("mean per request (us): " + ", ".join(f"{k} {v}" for k, v in stages.items()))
    print(f"load average at the end (1, 5, 15 min): {summary['load_average']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

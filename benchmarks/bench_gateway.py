"""OpenAI-compatible gateways side by side over one fake upstream, in one run.

Starts the fake OpenAI-compatible upstream (aimonitor.backends.fake_upstream) and each
target gateway in its own process on loopback, all pointed at the fake, then measures:

- added latency, sequential: median latency through the gateway minus the median straight
  to the fake, in alternated rounds (the order rotates each round); median of the rounds;
- throughput at concurrency 16 (wrk, Debian package `wrk`), alternated slices;
- streaming: time to the first content delta and to the end, minus the same straight to
  the fake (a 20-delta answer).

Targets (`--targets`, comma-separated, default `direct,portkey,litellm`):
  direct     the fake upstream itself (the baseline every figure is taken against)
  portkey    Portkey gateway (npm @portkey-ai/gateway), one Node process
  litellm    LiteLLM proxy (PyPI litellm[proxy]), default settings
  python     the ceiling of any gateway on aimonitor's stack: FastAPI + uvicorn forwarding
             with the same aiohttp client, nothing else (benchmarks/bare_proxy.py);
             `--aimonitor-workers` processes
  aimonitor  `aimonitor serve` with the upstreams file pointing at the fake
             (`--aimonitor-workers`), POST /v1/chat/completions
  NAME=URL   any other OpenAI-compatible base URL already running (e.g. a gateway you
             started yourself pointing at `--fake-port`)
Portkey and LiteLLM are installed by `benchmarks/gateway_env.sh` into throw-away
environments under benchmarks/ (git-ignored); run it first.

    benchmarks/gateway_env.sh
    PYTHONPATH=src python benchmarks/bench_gateway.py --rounds 5 --duration 8
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench_predict import free_port, run_wrk, service_env

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LITELLM = HERE / ".venv-litellm" / "bin" / "litellm"
PORTKEY = HERE / ".node-portkey" / "node_modules" / "@portkey-ai" / "gateway" / "build"
MODEL = "fake-1"
LITELLM_KEY = "sk-bench-0123456789abcdef0123456789abcdef"
MESSAGES = [{"role": "user", "content": "Explain in two sentences what AI monitoring is."}]
BODY = {"model": MODEL, "messages": MESSAGES}
STREAM_BODY = {**BODY, "stream": True}
# The fake's answer to this model comes a word every 50 ms, as a model generates it: a
# gateway that keeps the pace adds little to the end of the stream; one that buffers
# moves its first token there.
PACED_MODEL = "fake-paced"
WRK_LUA = """wrk.method = "POST"
wrk.body = [==[%s]==]
%s
"""


@dataclass
class Target:
    name: str
    base_url: str  # up to and including /v1
    headers: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self.base_url + "/chat/completions"


def _wait(check: Callable[[], bool], what: str, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not start within {timeout_s:.0f} s")


def _post(target: Target, body: dict[str, object], timeout: float = 30.0) -> int:
    parts = urlsplit(target.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json", **target.headers}
        conn.request("POST", parts.path, json.dumps(body), headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def start_fake(port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.Popen(
        [sys.executable, "-m", "aimonitor.backends.fake_upstream", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def start_portkey(fake: str) -> Target:
    if not (PORTKEY / "start-server.js").exists():
        raise SystemExit("Portkey gateway missing: run benchmarks/gateway_env.sh")
    port = free_port()
    process = subprocess.Popen(
        ["node", str(PORTKEY / "start-server.js"), f"--port={port}", "--headless"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, NODE_ENV="production"),
    )
    headers = {
        "x-portkey-provider": "openai",
        "x-portkey-custom-host": fake + "/v1",
        "Authorization": "Bearer fake-key",
    }
    target = Target("portkey", f"http://127.0.0.1:{port}/v1", headers, process)
    _wait(lambda: _post(target, BODY) == 200, "Portkey gateway")
    return target


def start_litellm(fake: str, workdir: Path) -> Target:
    if not LITELLM.exists():
        raise SystemExit("LiteLLM proxy missing: run benchmarks/gateway_env.sh")
    config = workdir / "litellm.yaml"
    config.write_text(
        "model_list:\n"
        + "".join(
            f"  - model_name: {model}\n"
            "    litellm_params:\n"
            f"      model: openai/{model}\n"
            f"      api_base: {fake}/v1\n"
            "      api_key: fake-key\n"
            for model in (MODEL, PACED_MODEL)
        ),
        encoding="utf-8",
    )
    port = free_port()
    env = dict(
        os.environ,
        LITELLM_LOCAL_MODEL_COST_MAP="True",  # no download of the price list at start
        LITELLM_TELEMETRY="False",
        LITELLM_LOG="ERROR",
        LITELLM_MASTER_KEY=LITELLM_KEY,  # it refuses to start without one
    )
    process = subprocess.Popen(
        [str(LITELLM), "--config", str(config), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=workdir,
    )
    target = Target(
        "litellm",
        f"http://127.0.0.1:{port}/v1",
        {"Authorization": f"Bearer {LITELLM_KEY}"},
        process,
    )
    _wait(lambda: _post(target, BODY) == 200, "LiteLLM proxy", timeout_s=240)
    return target


def start_aimonitor(fake: str, workdir: Path, workers: int) -> Target:
    upstreams = workdir / "upstreams.yaml"
    upstreams.write_text(
        f"upstreams:\n  - name: fake\n    base_url: {fake}/v1\n    models: ['fake-*']\n",
        encoding="utf-8",
    )
    env = service_env(workdir, "INFO")
    env["AIMONITOR_UPSTREAMS_FILE"] = str(upstreams)
    port = free_port()
    command = [sys.executable, "-m", "aimonitor", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command, env=env, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    target = Target(
        "aimonitor", f"http://127.0.0.1:{port}/v1", {"Authorization": "Bearer any"}, process
    )
    _wait(lambda: _post(target, BODY) == 200, "aimonitor /v1/chat/completions")
    return target


def start_bare_proxy(fake: str, workers: int) -> Target:
    port = free_port()
    env = {**os.environ, "BARE_PROXY_UPSTREAM": fake}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bare_proxy:app", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        cwd=HERE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    target = Target("python", f"http://127.0.0.1:{port}/v1", {}, process)
    _wait(lambda: _post(target, BODY) == 200, "bare Python proxy")
    return target


def sequential_ms(target: Target, count: int) -> float:
    """Median latency of `count` requests over one keep-alive connection."""
    parts = urlsplit(target.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/json", **target.headers}
    payload = json.dumps(BODY)
    samples = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            conn.request("POST", parts.path, payload, headers)
            response = conn.getresponse()
            response.read()
            samples.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{target.name} answered {response.status}")
    finally:
        conn.close()
    return statistics.median(samples)


def stream_ms(target: Target, count: int, model: str = MODEL) -> tuple[float, float]:
    """Median (time to first content delta, time to the end) of streamed answers."""
    parts = urlsplit(target.url)
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    headers.update(target.headers)
    payload = json.dumps({**STREAM_BODY, "model": model})
    firsts, totals = [], []
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        for _ in range(count):
            started = time.perf_counter()
            conn.request("POST", parts.path, payload, headers)
            response = conn.getresponse()
            first = None
            while True:
                line = response.readline()
                if not line:
                    break
                if first is None and line.startswith(b"data: {"):
                    chunk = json.loads(line[6:])
                    choices = chunk.get("choices") or [{}]
                    if (choices[0].get("delta") or {}).get("content"):
                        first = time.perf_counter() - started
                if line.strip() == b"data: [DONE]":
                    break
            response.read()
            totals.append((time.perf_counter() - started) * 1000)
            firsts.append((first if first is not None else float("nan")) * 1000)
    finally:
        conn.close()
    return statistics.median(firsts), statistics.median(totals)


def wrk_script(target: Target, workdir: Path) -> Path:
    headers = {"Content-Type": "application/json", **target.headers}
    lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    path = workdir / f"wrk-{target.name}.lua"
    path.write_text(WRK_LUA % (json.dumps(BODY), lines), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="direct,portkey,litellm")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="sequential, per round")
    parser.add_argument("--streams", type=int, default=50, help="streamed, per round")
    parser.add_argument("--paced-streams", type=int, default=5, help="a word every 50 ms")
    parser.add_argument("--duration", type=float, default=8.0, help="wrk slice, seconds")
    parser.add_argument("--slices", type=int, default=2, help="wrk slices per target")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--aimonitor-workers", type=int, default=2)
    parser.add_argument("--fake-port", type=int, default=0)
    args = parser.parse_args()

    names = [name.strip() for name in args.targets.split(",") if name.strip()]
    if "direct" not in names:
        names.insert(0, "direct")
    fake_port = args.fake_port or free_port()
    fake = f"http://127.0.0.1:{fake_port}"
    processes: list[subprocess.Popen[bytes]] = [start_fake(fake_port)]
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        workdir = Path(tmp)
        try:
            direct = Target("direct", fake + "/v1")
            _wait(lambda: _post(direct, BODY) == 200, "fake upstream")
            for name in names:
                if name == "direct":
                    targets.append(direct)
                elif name == "portkey":
                    targets.append(start_portkey(fake))
                elif name == "litellm":
                    targets.append(start_litellm(fake, workdir))
                elif name == "python":
                    targets.append(start_bare_proxy(fake, args.aimonitor_workers))
                elif name == "aimonitor":
                    targets.append(start_aimonitor(fake, workdir, args.aimonitor_workers))
                elif "=" in name:
                    label, url = name.split("=", 1)
                    targets.append(Target(label, url.rstrip("/"), {"Authorization": "Bearer any"}))
                else:
                    raise SystemExit(f"unknown target {name!r}")
                process = targets[-1].process
                if process is not None:
                    processes.append(process)
            report(targets, args, workdir)
        finally:
            for process in reversed(processes):
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
    return 0


def report(targets: list[Target], args: argparse.Namespace, workdir: Path) -> None:
    for target in targets:  # warm-up: connections, caches, JIT
        sequential_ms(target, 50)
        stream_ms(target, 10)
    latency: dict[str, list[float]] = {t.name: [] for t in targets}
    ttft: dict[str, list[float]] = {t.name: [] for t in targets}
    total: dict[str, list[float]] = {t.name: [] for t in targets}
    for round_index in range(args.rounds):
        shift = round_index % len(targets)
        for target in targets[shift:] + targets[:shift]:
            latency[target.name].append(sequential_ms(target, args.requests))
            first, end = stream_ms(target, args.streams)
            ttft[target.name].append(first)
            total[target.name].append(end)
    paced = {t.name: stream_ms(t, args.paced_streams, PACED_MODEL) for t in targets}
    throughput: dict[str, list[float]] = {t.name: [] for t in targets}
    errors: dict[str, float] = {t.name: 0.0 for t in targets}
    for slice_index in range(args.slices):
        order = targets if slice_index % 2 == 0 else targets[::-1]
        for target in order:
            result = run_wrk(
                target.url, args.concurrency, args.duration, wrk_script(target, workdir)
            )
            throughput[target.name].append(result["rps"])
            errors[target.name] += result["non2xx"]

    def med(values: list[float]) -> float:
        return statistics.median(values)

    base_latency, base_ttft, base_total = (
        med(latency["direct"]),
        med(ttft["direct"]),
        med(total["direct"]),
    )
    print(
        f"{'target':12} {'seq ms':>8} {'added ms':>9} {'added/round (min-max)':>22} "
        f"{'req/s c=' + str(args.concurrency):>12} {'non-2xx':>8} {'TTFT ms':>8} "
        f"{'added TTFT':>10} {'stream end ms':>13} {'added end':>9}"
    )
    for target in targets:
        name = target.name
        added_rounds = [a - b for a, b in zip(latency[name], latency["direct"], strict=True)]
        spread = f"{min(added_rounds):.2f}-{max(added_rounds):.2f}"
        print(
            f"{name:12} {med(latency[name]):8.2f} {med(added_rounds):9.2f} {spread:>22} "
            f"{med(throughput[name]):12.0f} {errors[name]:8.0f} {med(ttft[name]):8.2f} "
            f"{med(ttft[name]) - base_ttft:10.2f} {med(total[name]):13.2f} "
            f"{med(total[name]) - base_total:9.2f}"
        )
    del base_latency
    print(f"\npaced stream (a word every 50 ms), median of {args.paced_streams}:")
    print(f"{'target':12} {'TTFT ms':>8} {'added':>7} {'end ms':>8} {'added':>7}")
    for target in targets:
        first, end = paced[target.name]
        base_first, base_end = paced["direct"]
        print(
            f"{target.name:12} {first:8.1f} {first - base_first:7.1f} {end:8.1f} "
            f"{end - base_end:7.1f}"
        )
    print(
        json.dumps(
            {
                "latency_ms": latency,
                "ttft_ms": ttft,
                "stream_end_ms": total,
                "throughput_rps": throughput,
                "paced_stream_ms": paced,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())

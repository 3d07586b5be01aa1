"""What one upstream call costs the gateway's process, per HTTP client library.

Starts the fake OpenAI-compatible upstream in its own process, then, in this process,
sends the same chat completion (JSON, and streamed) through each client with one pooled
connection, in alternated rounds. Reports the client process's CPU time per request (what
the event loop pays, independent of the fake's own speed) and the wall time.

    python benchmarks/bench_http_client.py --requests 2000 --rounds 3

Needs `httpx` and `aiohttp` importable; the fake runs under $FAKE_UPSTREAM_PYTHON (default:
this interpreter) with `src/` on its path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODY = {"model": "fake-1", "messages": [{"role": "user", "content": "Explain AI monitoring."}]}
STREAM_BODY = BODY | {"stream": True, "stream_options": {"include_usage": True}}


def start_fake() -> tuple[subprocess.Popen[str], str]:
    python = os.environ.get("FAKE_UPSTREAM_PYTHON", sys.executable)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    process = subprocess.Popen(
        [python, "-m", "aimonitor.backends.fake_upstream", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


async def run_httpx(url: str, count: int, stream: bool) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(count):
            if stream:
                async with client.stream("POST", url, json=STREAM_BODY) as response:
                    async for line in response.aiter_lines():
                        if line.startswith("data: ") and line != "data: [DONE]":
                            json.loads(line[6:])
            else:
                response = await client.post(url, json=BODY)
                response.json()


async def run_aiohttp(url: str, count: int, stream: bool) -> None:
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for _ in range(count):
            if stream:
                async with session.post(url, json=STREAM_BODY) as response:
                    async for raw in response.content:
                        line = raw.strip()
                        if line.startswith(b"data: ") and line != b"data: [DONE]":
                            json.loads(line[6:])
            else:
                async with session.post(url, json=BODY) as response:
                    await response.json()


CLIENTS: dict[str, Callable[[str, int, bool], Awaitable[None]]] = {
    "httpx": run_httpx,
    "aiohttp": run_aiohttp,
}


def measure(name: str, url: str, count: int, stream: bool) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(CLIENTS[name](url, count, stream))
    return (
        (time.process_time() - cpu) / count * 1e6,
        (time.perf_counter() - wall) / count * 1e3,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    process, base = start_fake()
    url = base + "/v1/chat/completions"
    results: dict[tuple[str, bool], list[tuple[float, float]]] = {}
    try:
        for name in CLIENTS:
            measure(name, url, 50, False)  # warm imports and the fake
        for _ in range(args.rounds):
            for stream in (False, True):
                for name in CLIENTS:
                    results.setdefault((name, stream), []).append(
                        measure(name, url, args.requests, stream)
                    )
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"{'client':10} {'mode':7} {'CPU µs/request':>15} {'wall ms/request':>16}")
    for (name, stream), samples in results.items():
        cpu = statistics.median(s[0] for s in samples)
        wall = statistics.median(s[1] for s in samples)
        print(f"{name:10} {'stream' if stream else 'json':7} {cpu:15.0f} {wall:16.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Store write throughput on SQLite: the batched AsyncWriter against plain single-row
inserts measured in the same run, on the same pragmas (WAL, synchronous=FULL).

    .venv/bin/python benchmarks/bench_store.py [--records 20000] [--stats-rows 1000 100000]

Prints records/s for each way of writing and its ratio to the baseline, and the cost of
`submit()` (the only part on the request path: it journals the record), with the
journal fsync'd every 20 ms (the default) and before every submit returns (interval 0).
Then the cost of `stats()` (what `GET /stats` reads) at each `--stats-rows` stored
requests, next to a plain `SELECT count(*), avg(latency_ms)` over the table, the scan
that statistics computed from the rows would need at the least.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from aimonitor.store import AsyncWriter, RequestRecord, open_store
from aimonitor.store.engine import WRITE_TRANSACTION
from aimonitor.store.rows import request_row
from aimonitor.store.schema import requests


def make_records(n: int) -> list[RequestRecord]:
    now = datetime.now(UTC)
    return [
        RequestRecord(
            request_id=str(uuid.uuid4()), created_at=now, client="client-hash",
            user="user-hash", conversation_id=f"conv-{i // 5}", scenario="ABC"[i % 3],
            model="sim-a", backend="simulated", decision="served", status_code=200,
            guardrails=[{"guardrail": "pii_protection", "action": "redact", "stage": "input",
                         "reason": "EMAIL"}],
            findings={"input": {"EMAIL": 1}, "output": {}}, risk_level="minimal",
            scores={"quality": 0.8, "trust": 0.9, "drift": 0.1, "hallucination": 0.0},
            latency_ms=12.5 + i % 100, tokens_input=40, tokens_output=120, cost_eur=0.0002,
            prompt_text="Please summarise the attached note for [EMAIL_1] in two lines.",
            response_text="Here is a two-line summary of the note. " * 4,
        )
        for i in range(n)
    ]  # fmt: skip


def bench_plain_inserts(directory: Path, records: list[RequestRecord]) -> float:
    """Baseline: one INSERT and one commit per record, no audit chain."""
    store = open_store(f"sqlite:///{(directory / 'plain.db').as_posix()}", directory)
    engine = store.engine
    start = time.perf_counter()
    for record in records:
        with engine.connect().execution_options(**{WRITE_TRANSACTION: True}) as conn:
            conn.execute(insert(requests), [request_row(record)])
            conn.commit()
    elapsed = time.perf_counter() - start
    store.close()
    return len(records) / elapsed


def bench_store_one_by_one(directory: Path, records: list[RequestRecord]) -> float:
    """SqlStore.write_batch with one record per call: the chain, without batching."""
    store = open_store(f"sqlite:///{(directory / 'single.db').as_posix()}", directory)
    start = time.perf_counter()
    for record in records:
        store.write_batch([record])
    elapsed = time.perf_counter() - start
    assert store.verify_chain().ok
    store.close()
    return len(records) / elapsed


def bench_writer(
    directory: Path, records: list[RequestRecord], fsync_interval_ms: float = 20.0
) -> tuple[float, list[float], float, float]:
    """AsyncWriter end to end: submit everything, flush; the cost of each submit; how
    fast `verify_chain` walks the result; and the process CPU time per record (the
    writer thread's Python holds the GIL the request threads need)."""
    store = open_store(f"sqlite:///{(directory / f'writer-{fsync_interval_ms}.db').as_posix()}")
    writer = AsyncWriter(
        store,
        directory / "journal",
        batch_size=200,
        flush_interval_s=0.2,
        fsync_interval_ms=fsync_interval_ms,
    )
    writer.start()
    submit_costs: list[float] = []
    start, cpu_start = time.perf_counter(), time.process_time()
    for record in records:
        t = time.perf_counter()
        writer.submit(record)
        submit_costs.append(time.perf_counter() - t)
    if not writer.flush(timeout_s=600):
        raise RuntimeError("writer did not flush")
    elapsed = time.perf_counter() - start
    cpu_us = (time.process_time() - cpu_start) / len(records) * 1e6
    writer.stop()
    assert store.stats()["total_requests"] == len(records)
    start = time.perf_counter()
    assert store.verify_chain().ok
    verify_rate = len(records) / (time.perf_counter() - start)
    store.close()
    return len(records) / elapsed, submit_costs, verify_rate, cpu_us


def bench_stats(
    directory: Path, sizes: list[int], repeat: int = 20
) -> list[tuple[int, float, float]]:
    """(rows, median ms of stats(), median ms of a count+avg scan) at each table size."""
    store = open_store(f"sqlite:///{(directory / 'stats.db').as_posix()}")
    results: list[tuple[int, float, float]] = []
    stored = 0
    scan = select(func.count(), func.avg(requests.c.latency_ms))
    for size in sorted(sizes):
        while stored < size:
            batch = make_records(min(2_000, size - stored))
            store.write_batch(batch)
            stored += len(batch)
        store.stats()  # warm
        timings, scans = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            store.stats()
            timings.append(time.perf_counter() - t)
            t = time.perf_counter()
            with store.engine.connect() as conn:
                conn.execute(scan).one()
            scans.append(time.perf_counter() - t)
        results.append((size, statistics.median(timings) * 1e3, statistics.median(scans) * 1e3))
    store.close()
    return results


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument(
        "--baseline-records", type=int, default=2_000,
        help="records for the two one-commit-per-record runs (they are slow)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; medians shown")
    parser.add_argument("--stats-rows", type=int, nargs="+", default=[1_000, 100_000])
    args = parser.parse_args()
    records = make_records(args.records)
    few = records[: args.baseline_records]
    rates: dict[str, list[float]] = {
        "plain": [], "single": [], "writer": [], "verify": [], "cpu": []
    }  # fmt: skip
    costs: list[float] = []
    synced_costs: list[float] = []
    # Interleaved repetitions: the disk's fsync speed drifts on a shared machine.
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            rates["plain"].append(bench_plain_inserts(directory, few))
            rates["single"].append(bench_store_one_by_one(directory, few))
            rate, run_costs, verify_rate, cpu_us = bench_writer(directory, records)
            rates["writer"].append(rate)
            rates["cpu"].append(cpu_us)
            rates["verify"].append(verify_rate)
            costs.extend(run_costs)
            synced_costs.extend(bench_writer(directory, few, fsync_interval_ms=0)[1])
    us = [c * 1e6 for c in costs]
    median = {name: statistics.median(values) for name, values in rates.items()}
    print(
        f"records: writer {args.records}, one-by-one runs {args.baseline_records}; "
        f"median of {args.repeat} interleaved runs"
    )
    print(f"{'method':<48}{'records/s':>12}{'x baseline':>12}")
    rows = [
        ("plain single-row INSERT + commit (baseline)", "plain"),
        ("SqlStore.write_batch, 1 record/transaction", "single"),
        ("AsyncWriter (batches of 200, chained)", "writer"),
    ]
    for label, key in rows:
        rate = median[key]
        print(f"{label:<48}{rate:>12,.0f}{rate / median['plain']:>12.2f}")
    print(f"audit verify: {median['verify']:,.0f} records/s")
    print(f"AsyncWriter CPU per record (process time, submit included): {median['cpu']:.1f} us")
    for label, values in (
        ("fsync every 20 ms", us),
        ("fsync each", [c * 1e6 for c in synced_costs]),
    ):
        print(
            f"submit() cost, {label}: mean {statistics.fmean(values):.1f} us, "
            f"p50 {percentile(values, 50):.1f} us, p99 {percentile(values, 99):.1f} us"
        )

    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'stored requests':<20}{'stats() ms':>12}{'count+avg scan ms':>20}")
        for rows, stats_ms, scan_ms in bench_stats(Path(tmp), args.stats_rows):
            print(f"{rows:<20,}{stats_ms:>12.2f}{scan_ms:>20.2f}")


if __name__ == "__main__":
    main()

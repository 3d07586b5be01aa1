"""Summary of a load run: counts, client-side latency percentiles, throughput; shown
as a rich table or as one JSON object."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from aimonitor.loadgen.client import LoadResult, RequestRecord


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000.0, 2)


@dataclass(frozen=True, slots=True)
class Summary:
    planned: int
    sent: int
    answered: int  # got an HTTP status
    duration_s: float
    throughput_rps: float  # answers per second of wall time
    latency_ms: dict[str, float | None]  # p50/p95/p99/max over answered requests
    status_codes: dict[str, int]
    ok: int  # 2xx
    blocked: int  # 403 with blocked=true
    rate_limited: int  # 429
    server_errors: int  # 5xx
    transport_errors: dict[str, int]  # timeout / connect / transport
    errors: int  # server_errors + transport errors
    follow_ups: int
    by_scenario: dict[str, dict[str, int]]
    by_category: dict[str, dict[str, int]]
    unreachable: bool
    stopped_by_deadline: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Every sent request falls in exactly one of these, so a row's outcomes add up to "sent".
OUTCOMES = ("ok", "blocked", "rate_limited", "other", "errors")


def outcome(record: RequestRecord) -> str:
    status = record.status
    if status is None or status >= 500:
        return "errors"  # no answer, or a server error
    if 200 <= status < 300:
        return "ok"
    if record.blocked:
        return "blocked"
    return "rate_limited" if status == 429 else "other"  # other 4xx: refused input, auth


def _group(records: Sequence[RequestRecord], key: str) -> dict[str, dict[str, int]]:
    groups: dict[str, Counter[str]] = {}
    for record in records:
        counter = groups.setdefault(str(getattr(record, key)), Counter(dict.fromkeys(OUTCOMES, 0)))
        counter["sent"] += 1
        counter[outcome(record)] += 1
    return {name: dict(sorted(counter.items())) for name, counter in sorted(groups.items())}


def summarize(result: LoadResult) -> Summary:
    records = result.records
    answered = [record for record in records if record.status is not None]
    latencies = [record.latency_s for record in answered]
    statuses = Counter(str(record.status) for record in answered)
    transport = Counter(record.error for record in records if record.error is not None)
    server_errors = sum(1 for record in answered if record.status and record.status >= 500)
    duration = result.duration_s
    return Summary(
        planned=result.planned,
        sent=len(records),
        answered=len(answered),
        duration_s=round(duration, 3),
        throughput_rps=round(len(answered) / duration, 2) if duration > 0 else 0.0,
        latency_ms={
            "p50": _ms(percentile(latencies, 50)),
            "p95": _ms(percentile(latencies, 95)),
            "p99": _ms(percentile(latencies, 99)),
            "max": _ms(max(latencies) if latencies else None),
        },
        status_codes=dict(sorted(statuses.items())),
        ok=sum(1 for r in answered if r.status is not None and 200 <= r.status < 300),
        blocked=sum(1 for record in records if record.blocked),
        rate_limited=statuses.get("429", 0),
        server_errors=server_errors,
        transport_errors={kind: transport[kind] for kind in sorted(transport) if kind},
        errors=server_errors + sum(transport.values()),
        follow_ups=sum(1 for record in records if record.follow_up),
        by_scenario=_group(records, "scenario"),
        by_category=_group(records, "category"),
        unreachable=result.unreachable,
        stopped_by_deadline=result.stopped_by_deadline,
    )


def _fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def render(summary: Summary, console: Console) -> None:
    """The end-of-run tables."""
    overview = Table(title="aimonitor load: summary", show_header=False)
    overview.add_column("metric", style="bold")
    overview.add_column("value", justify="right")
    overview.add_row("requests sent / planned", f"{summary.sent} / {summary.planned}")
    overview.add_row("answered", str(summary.answered))
    overview.add_row("duration", f"{summary.duration_s:.2f} s")
    overview.add_row("throughput", f"{summary.throughput_rps:.1f} req/s")
    for name in ("p50", "p95", "p99", "max"):
        overview.add_row(f"latency {name}", _fmt_ms(summary.latency_ms[name]))
    overview.add_row("ok (2xx)", str(summary.ok))
    overview.add_row("blocked (403)", str(summary.blocked))
    overview.add_row("rate-limited (429)", str(summary.rate_limited))
    overview.add_row("server errors (5xx)", str(summary.server_errors))
    transport = ", ".join(f"{k}={v}" for k, v in summary.transport_errors.items()) or "0"
    overview.add_row("transport errors", transport)
    overview.add_row("follow-up turns", str(summary.follow_ups))
    console.print(overview)

    statuses = Table(title="status codes")
    statuses.add_column("status")
    statuses.add_column("count", justify="right")
    for status, count in summary.status_codes.items():
        statuses.add_row(status, str(count))
    console.print(statuses)

    categories = Table(title="by prompt category")
    headers = {"rate_limited": "rate-limited (429)", "other": "other 4xx"}
    columns = ("sent", *OUTCOMES)
    categories.add_column("category")
    for column in columns:
        categories.add_column(headers.get(column, column), justify="right")
    for name, counts in summary.by_category.items():
        categories.add_row(name, *(str(counts.get(k, 0)) for k in columns))
    console.print(categories)

    if summary.unreachable:
        console.print("[red]service unreachable: no answer, only connection errors[/red]")
    if summary.stopped_by_deadline:
        console.print("[yellow]stopped early: --max-duration reached[/yellow]")

"""Prometheus metrics summed across worker processes (prometheus_client's multiprocess
mode). `aimonitor serve --workers N` points PROMETHEUS_MULTIPROC_DIR at a fresh folder
before the workers start; each worker writes its values there and `/metrics`, whichever
worker answers it, reads them all: counters and histograms are summed, and each gauge is
combined as its `multiprocess_mode` says (see docs/telemetry.md)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.core import InfoMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

ENV = "PROMETHEUS_MULTIPROC_DIR"


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def prepare(directory: Path) -> None:
    """A fresh folder for this run's values (a previous run's would be summed in)."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[ENV] = str(directory)


def collect_registry(build_info: dict[str, str]) -> CollectorRegistry:
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(_BuildInfo(build_info))
    return registry


class _BuildInfo(Collector):
    """The build info metric, which the multiprocess files cannot carry."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels

    def collect(self) -> Iterator[Metric]:
        yield InfoMetricFamily("ai_build", "Service version and backend", value=self.labels)


def forget_dead_workers() -> None:
    """Drop the live gauges of workers that died (a replaced worker's values would
    otherwise stay in every sum)."""
    directory = os.environ.get(ENV)
    if not directory:
        return
    for path in Path(directory).glob("gauge_live*_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        if not _alive(pid):
            mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

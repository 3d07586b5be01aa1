"""Cohort scheduling: requests in flight together go through the pipeline stage by
stage together.

Inside the server a stage costs two to three times what it costs run in a loop (a
scan of the benchmark's prompt 66 µs against 24, the risk classifier 40 against 16):
between two scans, the rest of one request (the other detectors, numpy, the metrics,
the HTTP layer) has pushed the scan's code and tables out of the CPU's caches. When
several requests are in flight, each one yields to the event loop at the boundaries
between stages, so that the loop runs one stage for every waiting request before any
of them moves to the next: the stage's code and data stay warm across the cohort
(J. Larus and M. Parkes, "Using Cohort Scheduling to Enhance Server Performance",
USENIX 2002). Measured in docs/bench/predict.md: 7 % less CPU a request at
concurrency 8, 17 % at 32, the same answers.

A request alone yields once, on entering (so that requests accepted in the same
loop iteration can join it), and never again: at concurrency 1 the boundaries cost
nothing. Yielding is `asyncio.sleep(0)`: the task goes to the back of the loop's
ready queue, behind the other requests that reached the same boundary.
"""

from __future__ import annotations

import asyncio


class Cohorts:
    """The boundaries of one pipeline. `join` and `leave` bracket each request."""

    __slots__ = ("enabled", "in_flight")

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.in_flight = 0

    def join(self) -> None:
        self.in_flight += 1

    def leave(self) -> None:
        self.in_flight -= 1

    async def gather(self) -> None:
        """On entering: let the requests accepted with this one reach the pipeline."""
        if self.enabled:
            await asyncio.sleep(0)

    async def boundary(self) -> None:
        """Between two stages: let the other requests in flight run this stage first."""
        if self.enabled and self.in_flight > 1:
            await asyncio.sleep(0)

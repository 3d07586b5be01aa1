"""Cohort scheduling: requests in flight together cross each stage boundary together."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from aimonitor.pipeline.cohort import Cohorts


async def _request(cohorts: Cohorts, name: str, log: list[str], stages: int = 3) -> None:
    cohorts.join()
    try:
        await cohorts.gather()
        for stage in range(stages):
            if stage:
                await cohorts.boundary()
            log.append(f"{name}{stage}")
    finally:
        cohorts.leave()


def _run(main: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(main())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("enabled", "order"),
    [
        # Each boundary is crossed by the whole cohort before anyone crosses the next.
        (True, ["a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"]),
        # Switched off, each request runs its stages back to back.
        (False, ["a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2"]),
    ],
)
def test_requests_in_flight_together_cross_each_boundary_together(
    enabled: bool, order: list[str]
) -> None:
    cohorts, log = Cohorts(enabled=enabled), list[str]()

    async def main() -> None:
        await asyncio.gather(*(_request(cohorts, name, log) for name in "abc"))

    _run(main)
    assert log == order
    assert cohorts.in_flight == 0


def test_a_request_alone_yields_on_entering_and_never_at_a_boundary() -> None:
    cohorts, log = Cohorts(enabled=True), list[str]()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        cohorts.join()
        loop.call_soon(log.append, "other")
        await cohorts.gather()  # the callback, queued before, runs here
        log.append("entered")
        loop.call_soon(log.append, "late")
        await cohorts.boundary()  # alone: no hand-over, "late" waits
        await cohorts.boundary()
        log.append("done")
        cohorts.leave()
        await asyncio.sleep(0)

    _run(main)
    assert log == ["other", "entered", "done", "late"]


def test_a_cancelled_request_leaves_its_cohort() -> None:
    cohorts, log = Cohorts(enabled=True), list[str]()

    async def main() -> None:
        task = asyncio.create_task(_request(cohorts, "a", log, stages=50))
        other = asyncio.create_task(_request(cohorts, "b", log, stages=50))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await other

    _run(main)
    assert cohorts.in_flight == 0
    assert "b49" in log and "a49" not in log

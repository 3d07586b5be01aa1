"""The pipeline's flow under concurrency: cohorts change the order of work, not its
results."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from aimonitor.config import load_settings
from aimonitor.pipeline import ClientInfo, PredictInput
from aimonitor.service import Service
from aimonitor.types import Scenario

PROMPTS = (
    "Explique le monitoring IA et les SLO de latence",
    "How do I size a Kubernetes cluster for a web shop?",
    "Quels indicateurs suivre pour un modèle de langage en production ?",
)
# Differ from one request to the next whatever the schedule.
_PER_REQUEST = ("request_id", "latency_ms")


def _serve(tmp_path: Path, cohorts: bool) -> tuple[list[str], list[dict[str, Any]]]:
    settings = load_settings(
        data_dir=tmp_path / ("on" if cohorts else "off"),
        log_dir=tmp_path / "logs",
        sim_latency_scale=0.0,
        audit_writer="thread",
        cohort_scheduling=cohorts,
    )
    service = Service(settings)
    scanned: list[str] = []
    scan = service.analyzer.scan

    def recording_scan(text: str) -> Any:
        scanned.append(text)
        return scan(text)

    service.analyzer.scan = recording_scan  # type: ignore[method-assign]

    async def main() -> list[dict[str, Any]]:
        service.start()
        try:
            outcomes = await asyncio.gather(
                *(
                    service.pipeline.predict(
                        PredictInput(prompt=prompt, scenario=Scenario.A),
                        ClientInfo(address="127.0.0.1"),
                    )
                    for prompt in PROMPTS
                )
            )
        finally:
            await service.stop()
        assert service.pipeline.cohorts.in_flight == 0
        return [{k: v for k, v in o.body.items() if k not in _PER_REQUEST} for o in outcomes]

    return scanned, asyncio.run(main())


@pytest.mark.parametrize("cohorts", [True, False])
def test_concurrent_requests_are_all_answered(tmp_path: Path, cohorts: bool) -> None:
    scanned, bodies = _serve(tmp_path, cohorts)
    assert len(scanned) == 6
    assert [body["decision"] for body in bodies] == ["served"] * 3


def test_with_cohorts_every_prompt_is_scanned_before_any_answer(tmp_path: Path) -> None:
    scanned, _ = _serve(tmp_path, cohorts=True)
    assert scanned[:3] == list(PROMPTS)


def test_without_cohorts_each_request_is_scanned_in_and_out_before_the_next(
    tmp_path: Path,
) -> None:
    scanned, _ = _serve(tmp_path, cohorts=False)
    assert scanned[0::2] == list(PROMPTS)


def test_cohorts_change_no_answer(tmp_path: Path) -> None:
    _, with_cohorts = _serve(tmp_path, cohorts=True)
    _, without = _serve(tmp_path, cohorts=False)
    assert with_cohorts == without

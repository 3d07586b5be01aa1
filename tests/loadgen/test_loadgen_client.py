from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aimonitor.loadgen.client import LoadConfig, LoadResult, RequestRecord, run_load
from aimonitor.loadgen.prompts import PromptSample
from aimonitor.loadgen.report import summarize

if TYPE_CHECKING:  # fixtures come from conftest.py; never import it at run time
    from conftest import PredictServer


def _custom(*texts: str) -> list[PromptSample]:
    return [PromptSample(text, "custom", "en") for text in texts]


def _run(config: LoadConfig) -> LoadResult:
    return asyncio.run(run_load(config))


def test_summary_matches_what_the_server_answered(predict_server: PredictServer) -> None:
    prompts = _custom("hello", "please block me", "limit me", "fail me", "forbidden fruit")
    config = LoadConfig(
        url=predict_server.url, scenario="B", requests=60, concurrency=8, prompts=prompts
    )
    seen: list[RequestRecord] = []

    result = asyncio.run(run_load(config, on_record=seen.append))
    summary = summarize(result)
    truth = predict_server.tally.statuses

    assert len(seen) == summary.sent == summary.answered == 60
    assert summary.status_codes == {str(code): count for code, count in sorted(truth.items())}
    assert summary.blocked == truth[403] - sum(
        1 for p in predict_server.tally.prompts if p == "forbidden fruit"
    )
    assert summary.blocked > 0
    assert summary.rate_limited == truth[429] > 0
    assert summary.server_errors == truth[502] > 0
    assert summary.ok == truth[200] > 0
    assert summary.errors == truth[502]
    assert summary.transport_errors == {}
    assert "404" not in summary.status_codes  # follow-ups only reuse the server's ids
    assert summary.follow_ups == predict_server.tally.continued > 0
    assert predict_server.tally.scenarios == {"B": 60}
    assert summary.latency_ms["p50"] is not None
    assert summary.latency_ms["p50"] <= summary.latency_ms["p95"] <= summary.latency_ms["p99"]
    assert summary.throughput_rps > 0
    assert not summary.unreachable and not summary.stopped_by_deadline


def test_builtin_mix_cycles_scenarios_users_and_languages(predict_server: PredictServer) -> None:
    config = LoadConfig(
        url=predict_server.url,
        scenario="mix",
        requests=90,
        concurrency=5,
        user_id_pool=4,
        follow_up_rate=0.0,
    )
    result = _run(config)
    tally = predict_server.tally

    assert tally.scenarios == {"A": 30, "B": 30, "C": 30}
    assert [record.scenario for record in result.records[:6]] == ["A", "B", "C"] * 2
    assert tally.user_ids <= {f"load-user-{n:03d}" for n in range(4)}
    assert len(tally.user_ids) == 4
    categories = {record.category for record in result.records}
    assert {"benign", "pii", "attack", "off_topic"} <= categories
    assert any("instructions" in prompt for prompt in tally.prompts)
    assert any("é" in prompt for prompt in tally.prompts)  # some French
    assert summarize(result).follow_ups == 0


def test_no_user_id_when_pool_is_zero(predict_server: PredictServer) -> None:
    _run(LoadConfig(url=predict_server.url, requests=10, concurrency=2, user_id_pool=0))
    assert predict_server.tally.user_ids == set()


def test_the_same_seed_plans_the_same_prompts(predict_server: PredictServer) -> None:
    config = LoadConfig(url=predict_server.url, requests=30, concurrency=1, follow_up_rate=0)
    first = [record.category for record in _run(config).records]
    prompts_first = list(predict_server.tally.prompts)
    predict_server.tally.prompts.clear()
    second = [record.category for record in _run(config).records]
    assert first == second
    assert predict_server.tally.prompts == prompts_first


def test_request_timeouts_are_counted_not_raised(predict_server: PredictServer) -> None:
    config = LoadConfig(
        url=predict_server.url,
        requests=4,
        concurrency=4,
        timeout_s=0.2,
        prompts=_custom("slow please", "hello"),
    )
    summary = summarize(_run(config))
    assert summary.transport_errors == {"timeout": 2}
    assert summary.ok == 2
    assert summary.errors == 2


def test_deadline_bounds_the_run(predict_server: PredictServer) -> None:
    config = LoadConfig(
        url=predict_server.url,
        requests=1000,
        concurrency=2,
        max_duration_s=0.5,
        prompts=_custom("slow"),
    )
    result = _run(config)
    assert result.stopped_by_deadline
    assert 1 <= len(result.records) <= 4  # at most one more round after the deadline


def test_unreachable_service_stops_early(closed_port_url: str) -> None:
    result = _run(LoadConfig(url=closed_port_url, requests=500, concurrency=2))
    summary = summarize(result)
    assert result.unreachable
    assert summary.answered == 0
    assert summary.transport_errors["connect"] == summary.sent < 10


def test_custom_prompts_are_sent_in_order(predict_server: PredictServer) -> None:
    prompts = _custom("first", "second", "third")
    _run(
        LoadConfig(
            url=predict_server.url, requests=6, concurrency=1, prompts=prompts, follow_up_rate=0
        )
    )
    assert predict_server.tally.prompts == ["first", "second", "third"] * 2


def test_a_single_request_to_nowhere_is_unreachable(closed_port_url: str) -> None:
    result = _run(LoadConfig(url=closed_port_url, requests=1, concurrency=1))
    assert result.unreachable


def test_follow_ups_do_not_skew_the_category_mix(predict_server: PredictServer) -> None:
    config = LoadConfig(url=predict_server.url, requests=600, concurrency=8, follow_up_rate=0.4)
    records = _run(config).records
    fresh = [record for record in records if not record.follow_up]
    benign = sum(record.category == "benign" for record in fresh) / len(fresh)
    assert len(fresh) < 500  # follow-ups did happen
    assert 0.42 <= benign <= 0.58  # the built-in weight is 0.50

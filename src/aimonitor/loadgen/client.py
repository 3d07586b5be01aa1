"""The request loop of the load client: `requests` POSTs to `/predict`, at most
`concurrency` in flight, stopped after `max_duration_s` whatever happens.

Some requests open a conversation (the client sends a fresh `conversation_id`), and
some continue one: they reuse a `conversation_id` of an earlier successful answer,
with a short follow-up prompt in the same language.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from aimonitor.loadgen.prompts import FOLLOW_UPS, PromptPicker, PromptSample

SCENARIOS = ("A", "B", "C")
# Stop early when the service cannot be reached at all: no answer, only connect errors.
UNREACHABLE_AFTER_CONNECT_ERRORS = 3
OPEN_CONVERSATIONS_KEPT = 64


@dataclass(frozen=True, slots=True)
class LoadConfig:
    url: str = "http://localhost:8000"
    scenario: str = "A"  # A | B | C | mix (cycles A, B, C)
    requests: int = 100
    concurrency: int = 10
    timeout_s: float = 30.0
    user_id_pool: int = 10  # 0: send no user_id
    prompts: Sequence[PromptSample] | None = None  # None: the built-in mix
    seed: int = 0
    max_duration_s: float = 600.0
    follow_up_rate: float = 0.2  # share of requests that continue a known conversation
    conversation_rate: float = 0.3  # share of new requests that open a conversation

    def __post_init__(self) -> None:
        if self.scenario not in (*SCENARIOS, "mix"):
            raise ValueError(f"unknown scenario {self.scenario!r}")
        if self.requests < 1 or self.concurrency < 1:
            raise ValueError("requests and concurrency must be >= 1")
        if self.timeout_s <= 0 or self.max_duration_s <= 0:
            raise ValueError("timeouts must be > 0")
        if self.user_id_pool < 0:
            raise ValueError("user_id_pool must be >= 0")
        if not (0 <= self.follow_up_rate <= 1 and 0 <= self.conversation_rate <= 1):
            raise ValueError("follow_up_rate and conversation_rate must be in [0, 1]")


@dataclass(frozen=True, slots=True)
class RequestRecord:
    index: int
    scenario: str
    category: str
    status: int | None  # None: no HTTP answer (see `error`)
    latency_s: float
    blocked: bool = False  # 403 with blocked=true
    error: str | None = None  # timeout | connect | transport
    follow_up: bool = False


@dataclass
class LoadResult:
    records: list[RequestRecord] = field(default_factory=list)
    duration_s: float = 0.0
    unreachable: bool = False  # no answer at all, only connection failures
    stopped_by_deadline: bool = False
    planned: int = 0


@dataclass(frozen=True, slots=True)
class _Conversation:
    conversation_id: str
    language: str
    user_id: str | None


def scenario_for(config: LoadConfig, index: int) -> str:
    return SCENARIOS[index % 3] if config.scenario == "mix" else config.scenario


def predict_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/predict"


def is_blocked(status: int, body: Any) -> bool:
    """A 403 whose JSON says blocked=true (at top level or in FastAPI's `detail`)."""
    if status != 403 or not isinstance(body, dict):
        return False
    detail = body.get("detail")
    return body.get("blocked") is True or (
        isinstance(detail, dict) and detail.get("blocked") is True
    )


class _Run:
    def __init__(self, config: LoadConfig, on_record: Callable[[RequestRecord], None] | None):
        self.config = config
        self.on_record = on_record
        self.picker = PromptPicker(config.seed, config.prompts)
        self.result = LoadResult(planned=config.requests)
        self.next_index = 0
        self.answers = 0
        self.connect_errors = 0
        self.conversations: deque[_Conversation] = deque(maxlen=OPEN_CONVERSATIONS_KEPT)
        self.deadline = 0.0

    def take_index(self) -> int | None:
        if self.next_index >= self.config.requests or self.result.unreachable:
            return None
        if time.monotonic() >= self.deadline:
            self.result.stopped_by_deadline = True
            return None
        index = self.next_index
        self.next_index += 1
        return index

    def plan(self, index: int) -> tuple[dict[str, Any], PromptSample, bool]:
        rng = self.picker.rng(index, stream="plan")  # independent of the prompt choice
        scenario = scenario_for(self.config, index)
        payload: dict[str, Any] = {"scenario": scenario}
        if self.conversations and rng.random() < self.config.follow_up_rate:
            conversation = rng.choice(self.conversations)
            sample = PromptSample(
                rng.choice(FOLLOW_UPS.get(conversation.language, FOLLOW_UPS["unknown"])),
                "follow_up",
                conversation.language,
            )
            payload["conversation_id"] = conversation.conversation_id
            if conversation.user_id is not None:
                payload["user_id"] = conversation.user_id
            payload["prompt"] = sample.text
            return payload, sample, True
        sample = self.picker.pick(index)
        payload["prompt"] = sample.text
        if self.config.user_id_pool:
            payload["user_id"] = f"load-user-{rng.randrange(self.config.user_id_pool):03d}"
        if rng.random() < self.config.conversation_rate:
            # The client names the conversation; later follow-ups reuse the name.
            payload["conversation_id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return payload, sample, False

    async def one(self, client: httpx.AsyncClient, index: int) -> RequestRecord:
        payload, sample, follow_up = self.plan(index)
        scenario = payload["scenario"]
        started = time.perf_counter()
        try:
            response = await client.post(predict_url(self.config.url), json=payload)
        except httpx.TimeoutException:
            error = "timeout"
        except httpx.ConnectError:
            error = "connect"
            self.connect_errors += 1
            if self.answers == 0 and self.connect_errors >= UNREACHABLE_AFTER_CONNECT_ERRORS:
                self.result.unreachable = True
        except httpx.HTTPError:
            error = "transport"
        else:
            latency_s = time.perf_counter() - started
            self.answers += 1
            try:
                body = response.json()
            except ValueError:
                body = None
            self._remember_conversation(response.status_code, body, sample, payload)
            return RequestRecord(
                index,
                scenario,
                sample.category,
                response.status_code,
                latency_s,
                blocked=is_blocked(response.status_code, body),
                follow_up=follow_up,
            )
        return RequestRecord(
            index,
            scenario,
            sample.category,
            None,
            time.perf_counter() - started,
            error=error,
            follow_up=follow_up,
        )

    def _remember_conversation(
        self, status: int, body: Any, sample: PromptSample, payload: dict[str, Any]
    ) -> None:
        if status != 200 or not isinstance(body, dict):
            return
        conversation_id = body.get("conversation_id") or payload.get("conversation_id")
        if isinstance(conversation_id, str) and conversation_id:
            language = sample.language if sample.language in FOLLOW_UPS else "unknown"
            self.conversations.append(
                _Conversation(conversation_id, language, payload.get("user_id"))
            )

    async def worker(self) -> None:
        # One single-connection client per worker: httpx's shared pool scans every
        # connection for every request, which caps a 32-wide run at a few hundred req/s.
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        timeout = httpx.Timeout(self.config.timeout_s)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            while (index := self.take_index()) is not None:
                record = await self.one(client, index)
                self.result.records.append(record)
                if self.on_record is not None:
                    self.on_record(record)


async def run_load(
    config: LoadConfig, on_record: Callable[[RequestRecord], None] | None = None
) -> LoadResult:
    """Send the requests and return what happened to each. Never raises for HTTP
    errors or an unreachable service: those are part of the result."""
    run = _Run(config, on_record)
    workers = min(config.concurrency, config.requests)
    started = time.perf_counter()
    run.deadline = time.monotonic() + config.max_duration_s
    # A request already sent may outlive the deadline by at most one timeout.
    await asyncio.gather(*(run.worker() for _ in range(workers)))
    run.result.duration_s = time.perf_counter() - started
    if run.answers == 0 and run.connect_errors == len(run.result.records) > 0:
        run.result.unreachable = True  # also for runs too short to trip the early stop
    run.result.records.sort(key=lambda record: record.index)
    return run.result

"""Output guardrails that act while an answer streams.

    guard = StreamGuard(analyzer, redactor, StreamPolicy.from_guardrails(engine))
    for delta in upstream_deltas:
        step = guard.feed(delta)
        send(step.release)                 # may be "" (text held back)
        if step.stop is not None:          # finish_reason "content_filter"
            break
    else:
        send(guard.finish().release)

Personal data and secrets are redacted inside the stream: a value never leaves raw, in
any chunk, however the upstream splits it. The guard holds back only the tail of the text
that could still become (part of) a finding, and releases everything before it at once:

- the last word while it is not finished (an e-mail, a key, a token arriving piece by
  piece);
- a number still being written, with its separators (`+33 6 12 `, `FR76 3000 `) and a
  trailing `,` or `.` that could be followed by more digits;
- an identifier (a number of six characters or more, an e-mail, an IBAN, an IP address)
  until 16 more characters have arrived: the detectors read the 16 characters after a
  match for context words ("call", "iban"...) that can make it a finding;
- a private key block from `-----BEGIN` until its `-----END` line.

The released text is the redaction the whole answer would get at once (the same
detectors, the same tags). Toxicity is judged on the text about to be released together
with what precedes it: when it reaches the threshold the stream stops there and that text
is never sent, so the released text is always below the threshold.

`ToolCallGuard` does the same for streamed tool calls: their arguments are accumulated and
scanned whole before any of it is released.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from aimonitor.analysis.analyzer import Analyzer
from aimonitor.analysis.attacks.normalize import canonicalize
from aimonitor.analysis.redaction import Redactor
from aimonitor.guardrails.config import OUTPUT_PII_LEAK, TOXICITY_FILTER
from aimonitor.guardrails.engine import GuardrailEngine
from aimonitor.guardrails.stream_holdback import holdback_start
from aimonitor.types import Action, Finding, GuardrailTrigger

CONTEXT_CHARS = 160  # released text kept (raw, in memory) for the toxicity phrases
# Released text the personal-data scan sees again: the 48 characters PiiEngine reads
# before a match for context words, and the detectors' look-behinds. No finding starts
# there (it was released), so less means fewer numbers validated again at every delta.
PII_CONTEXT_CHARS = 64
MAX_HELD_CHARS = 65_536  # past this, held text is released (scanned as it stands)


@dataclass(frozen=True, slots=True)
class StreamPolicy:
    """What the guard does. `redact_min_score`: findings scoring at least this are
    redacted in the stream (None: found and counted, not redacted); `stop_on_pii`: a
    finding stops the stream instead; `toxicity_threshold`: None disables the check."""

    redact_min_score: float | None = 0.5
    stop_on_pii: bool = False
    toxicity_threshold: float | None = 0.5

    @classmethod
    def from_guardrails(cls, engine: GuardrailEngine) -> StreamPolicy:
        """The policy the output guardrails describe (`output_pii_leak`, `toxicity_filter`
        with action block; warn only reports, which the guard leaves to the caller)."""
        pii = engine.get(OUTPUT_PII_LEAK)
        toxicity = engine.get(TOXICITY_FILTER)
        redacting = pii.enabled and pii.action in (Action.REDACT, Action.BLOCK)
        return cls(
            redact_min_score=pii.threshold if redacting else None,
            stop_on_pii=pii.enabled and pii.action is Action.BLOCK,
            toxicity_threshold=(
                toxicity.threshold if toxicity.enabled and toxicity.action is Action.BLOCK else None
            ),
        )


@dataclass(frozen=True, slots=True)
class StreamStep:
    """Text to send now (possibly empty) and, when the stream must stop, why."""

    release: str
    stop: GuardrailTrigger | None = None


class StreamGuard:
    """One per streamed answer (not shared between streams; not thread-safe).

    `conversation_id` numbers the tags as the rest of the conversation does; without it
    the stream gets its own numbering, as a one-off text would."""

    def __init__(
        self,
        analyzer: Analyzer,
        redactor: Redactor,
        policy: StreamPolicy | None = None,
        *,
        conversation_id: str | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.policy = policy or StreamPolicy()
        if conversation_id is None:
            # A private redactor with the same mode and key: numbering for this stream only.
            redactor = Redactor(redactor.mode, redactor._secret, max_conversations=1)
            conversation_id = "stream"
        self._redactor = redactor
        self._conversation = conversation_id
        self._context = ""  # the end of the released text, raw
        self._held = ""  # received, not released, raw
        self._released_chars = 0  # raw characters released so far
        self.findings: list[Finding] = []  # offsets in the raw answer
        self.released: list[str] = []
        self.toxicity_score = 0.0
        self.stopped: GuardrailTrigger | None = None
        self.held_back_max = 0  # longest tail held, in characters (for the audit record)

    @property
    def counts(self) -> Counter[str]:
        return Counter(finding.type for finding in self.findings)

    def feed(self, delta: str) -> StreamStep:
        if self.stopped is not None:
            return StreamStep("", self.stopped)
        if not delta:
            return StreamStep("")
        self._held += delta
        window = self._context + self._held
        floor = len(self._context)
        cut = holdback_start(window, floor)
        if len(window) - cut > MAX_HELD_CHARS:
            cut = len(window) - MAX_HELD_CHARS
        self.held_back_max = max(self.held_back_max, len(window) - cut)
        if cut <= floor:
            return StreamStep("")
        return self._release(window, floor, cut)

    def finish(self) -> StreamStep:
        """The end of the answer: everything still held is final."""
        if self.stopped is not None:
            return StreamStep("", self.stopped)
        window = self._context + self._held
        floor = len(self._context)
        if len(window) <= floor:
            return StreamStep("")
        return self._release(window, floor, len(window))

    def _release(self, window: str, floor: int, cut: int) -> StreamStep:
        start = max(0, floor - PII_CONTEXT_CHARS)
        findings = [
            replace(f, start=f.start + start, end=f.end + start)
            for f in self.analyzer.scan_pii(window[start:])
        ]
        # A finding across the cut would be released in half: hold from its start.
        for finding in findings:
            if finding.start < cut < finding.end and finding.start >= floor:
                cut = finding.start
        if cut <= floor:
            return StreamStep("")
        trigger = self._toxic(window, cut)
        kept = [f for f in findings if f.start >= floor and f.end <= cut]
        redact = self._to_redact(kept)
        if trigger is None and redact and self.policy.stop_on_pii:
            trigger = GuardrailTrigger(
                OUTPUT_PII_LEAK, Action.BLOCK, "personal data in the answer", stage="output"
            )
        if trigger is not None:
            self.stopped = trigger
            return StreamStep("", trigger)
        offset = self._released_chars - floor
        self.findings.extend(replace(f, start=f.start + offset, end=f.end + offset) for f in kept)
        piece = window[floor:cut]
        if redact:
            shifted = [replace(f, start=f.start - floor, end=f.end - floor) for f in redact]
            piece = self._redactor.redact(piece, shifted, self._conversation)
        self._released_chars += cut - floor
        self._context = window[max(0, cut - CONTEXT_CHARS) : cut]
        self._held = window[cut:]
        self.released.append(piece)
        return StreamStep(piece)

    def _to_redact(self, findings: list[Finding]) -> list[Finding]:
        floor = self.policy.redact_min_score
        if floor is None:
            return []
        return [f for f in findings if f.score >= floor]

    def _toxic(self, window: str, cut: int) -> GuardrailTrigger | None:
        threshold = self.policy.toxicity_threshold
        if threshold is None:
            return None
        text = window[:cut]
        result = self.analyzer.toxicity.detect(text, canonicalize(text))
        self.toxicity_score = max(self.toxicity_score, result.score)
        if result.score < threshold:
            return None
        categories = f" ({', '.join(result.categories)})" if result.categories else ""
        return GuardrailTrigger(
            TOXICITY_FILTER,
            Action.BLOCK,
            f"answer toxicity score {result.score:.2f} ≥ {threshold:.2f}{categories}",
            stage="output",
        )


@dataclass
class _ToolCall:
    index: int
    id: str | None = None
    type: str = "function"
    name: str = ""
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class ToolCallsStep:
    """The complete tool calls to send (OpenAI `tool_calls` delta items, arguments
    redacted), or why the stream must stop."""

    tool_calls: list[dict[str, Any]]
    stop: GuardrailTrigger | None = None


class ToolCallGuard:
    """Accumulates streamed tool calls (`delta.tool_calls` items) and releases them whole,
    once scanned: arguments with personal data are redacted (they stay valid JSON: tags
    hold no quote), toxic arguments stop the stream."""

    MAX_ARGUMENT_CHARS = 1 << 20

    def __init__(
        self, analyzer: Analyzer, redactor: Redactor, policy: StreamPolicy | None = None
    ) -> None:
        self.analyzer = analyzer
        self.redactor = redactor
        self.policy = policy or StreamPolicy()
        self._calls: dict[int, _ToolCall] = {}
        self.findings: list[Finding] = []

    @property
    def pending(self) -> bool:
        return bool(self._calls)

    def feed(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            index = item.get("index", 0)
            if not isinstance(index, int):
                continue
            call = self._calls.setdefault(index, _ToolCall(index))
            if isinstance(item.get("id"), str):
                call.id = item["id"]
            if isinstance(item.get("type"), str):
                call.type = item["type"]
            function = item.get("function")
            if isinstance(function, dict):
                if isinstance(function.get("name"), str):
                    call.name += function["name"]
                if isinstance(function.get("arguments"), str):
                    call.arguments += function["arguments"]
                    if len(call.arguments) > self.MAX_ARGUMENT_CHARS:
                        raise ValueError("tool call arguments larger than 1 MiB")

    def finish(self) -> ToolCallsStep:
        calls = [self._calls[index] for index in sorted(self._calls)]
        self._calls = {}
        released: list[dict[str, Any]] = []
        for call in calls:
            arguments = call.arguments
            scan = self.analyzer.scan(arguments)
            threshold = self.policy.toxicity_threshold
            if threshold is not None and scan.toxicity.score >= threshold:
                reason = f"tool call arguments toxicity score {scan.toxicity.score:.2f}"
                trigger = GuardrailTrigger(TOXICITY_FILTER, Action.BLOCK, reason, stage="output")
                return ToolCallsStep([], trigger)
            self.findings.extend(scan.findings)
            floor = self.policy.redact_min_score
            redact = [] if floor is None else [f for f in scan.findings if f.score >= floor]
            if redact and self.policy.stop_on_pii:
                reason = "personal data in tool call arguments"
                trigger = GuardrailTrigger(OUTPUT_PII_LEAK, Action.BLOCK, reason, stage="output")
                return ToolCallsStep([], trigger)
            if redact:
                arguments = self.redactor.redact(arguments, redact)
            released.append(
                {
                    "index": call.index,
                    "id": call.id,
                    "type": call.type,
                    "function": {"name": call.name, "arguments": arguments},
                }
            )
        return ToolCallsStep(released)

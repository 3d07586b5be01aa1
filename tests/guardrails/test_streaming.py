"""Streaming output guardrails: redaction inside the stream, toxic stop, tool calls."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from aimonitor.analysis.analyzer import Analyzer
from aimonitor.analysis.redaction import Redactor
from aimonitor.backends.fake_upstream import PII_TEXT, TOOL_CALL, TOXIC_TEXT
from aimonitor.guardrails.config import OUTPUT_PII_LEAK, TOXICITY_FILTER, default_configs
from aimonitor.guardrails.engine import GuardrailEngine
from aimonitor.guardrails.streaming import (
    StreamGuard,
    StreamPolicy,
    ToolCallGuard,
    holdback_start,
)
from aimonitor.types import Action

ANALYZER = Analyzer.default()
PEM_START = "-----BEGIN RSA PRIVATE KEY-----\nMIIB abc\n"
SECRET = b"streaming-test-key"

VALUES = [
    "jean.dupont@example.com",
    "+33 6 12 34 56 78",
    "06 12 34 56 78",
    "FR76 3000 6000 0112 3456 7890 189",
    "GB82 WEST 1234 5698 7654 32",
    "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
    "AKIAIOSFODNN7EXAMPLE",
    "4111 1111 1111 1111",
    "192.168.10.42",
    "marie-claire.o'neil+news@mail.example.fr",
    'password = "Xy7#kQ9!mP2$vLw3"',
    "ssn 123-45-6789",
    "siret 732 829 320 00074",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9\n"
    "-----END RSA PRIVATE KEY-----",
    "2001:db8::8a2e:370:7334",
    "jean dot dupont at example dot com",
    "marie [at] example [dot] fr",
    "jean arobase exemple point fr",
    "x@example[dot]com",
    "zero six one two three four five six seven eight",
    "zéro six douze trente-quatre cinquante-six soixante-dix-huit",
    "+33 six twelve thirty-four fifty-six seventy-eight",
]
WORDS = [
    "Hello",
    "please",
    "call",
    "write to",
    "my IBAN is",
    "the key:",
    "card",
    "from server",
    "in 2024,",
    "meet at noon",
    "one and two",
    "point",
    "order 12345",
    "tel.",
    "—",
    "é",
    "\n",
    ".",
    ",",
]


def _expected(text: str, redactor: Redactor) -> str:
    findings = [f for f in ANALYZER.scan_pii(text) if f.score >= 0.5]
    return redactor.redact(text, findings)


def _stream(text: str, sizes: list[int], mode: str = "tag") -> tuple[list[str], StreamGuard]:
    guard = StreamGuard(ANALYZER, Redactor(mode, SECRET), StreamPolicy(toxicity_threshold=None))  # type: ignore[arg-type]
    released = [guard.feed(delta).release for delta in _split(text, sizes)]
    released.append(guard.finish().release)
    return released, guard


def _split(text: str, sizes: list[int]) -> Iterator[str]:
    position, index = 0, 0
    while position < len(text):
        size = sizes[index % len(sizes)] if sizes else 1
        yield text[position : position + size]
        position += size
        index += 1


texts = st.lists(
    st.one_of(st.sampled_from(VALUES), st.sampled_from(WORDS)), min_size=1, max_size=12
).flatmap(
    lambda parts: st.lists(
        st.sampled_from([" ", " ", "  ", ", ", "\n"]), min_size=len(parts), max_size=len(parts)
    ).map(lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True)))
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, sizes=st.lists(st.integers(1, 9), min_size=1, max_size=6))
def test_released_stream_is_the_whole_redaction_and_leaks_nothing(
    text: str, sizes: list[int]
) -> None:
    note(f"text={text!r} sizes={sizes}")
    released, guard = _stream(text, sizes)
    joined = "".join(released)
    assert joined == _expected(text, Redactor("tag", SECRET))
    for finding in ANALYZER.scan_pii(text):
        # (a value written twice can be found once only: the detectors decide that)
        if finding.score >= 0.5 and text.count(finding.text) == 1:
            assert finding.text not in joined
    assert sum(guard.counts.values()) == len(guard.findings)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("mode", ["tag", "mask", "hash"])
def test_pii_answer_split_in_small_deltas(size: int, mode: str) -> None:
    released, guard = _stream(PII_TEXT, [size], mode)
    assert "".join(released) == _expected(PII_TEXT, Redactor(mode, SECRET))  # type: ignore[arg-type]
    for value in ("jean.dupont", "12 34 56", "3000 6000", "abcdefghij"):
        assert all(value not in chunk for chunk in released)
    assert guard.counts == {"EMAIL": 1, "PHONE": 1, "IBAN": 1, "SECRET": 1}
    assert guard.findings[0].start == PII_TEXT.index("jean.dupont")


@pytest.mark.parametrize(
    "text",
    [
        # "7334 zero six..." reads as a phone number for a while: the IP address before
        # it must not be split.
        "tel. 2001:db8::8a2e:370:7334 zero six one two three four five six seven eight ",
        "Hello tel.\njean dot dupont at example dot com ",
        "zero six one two three four five six seven eight zero six one two three four "
        "five six seven eight jean.dupont@example.com ",
    ],
)
def test_found_by_the_property_test(text: str) -> None:
    released, _ = _stream(text, [1])
    assert "".join(released) == _expected(text, Redactor("tag", SECRET))


def test_plain_text_is_released_at_once_but_the_unfinished_word() -> None:
    guard = StreamGuard(ANALYZER, Redactor("tag", SECRET))
    assert (
        guard.feed("Monitoring an AI system means watch").release
        == "Monitoring an AI system means "
    )
    assert guard.feed("ing its inputs").release == "watching its "
    assert guard.finish().release == "inputs"


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("Hello world ", "world "),  # "world at example dot com" is still possible
        ("Hello world, ", ""),
        ("meet at noon ", "meet at noon "),
        ("meet at noon today, ", ""),
        ("write to jean dot ", "jean dot "),
        ("marie [at] example [d", "marie [at] example [d"),
        ("call zero six douze trente-", "zero six douze trente-"),
        ("call +33 s", "+33 s"),
        ("Hello wor", "wor"),
        ("write to jean.du", "jean.du"),
        ("call +33 6 12 ", "+33 6 12 "),
        ("IBAN FR76 3000 ", "FR76 3000 "),
        ("in 2024,", "2024,"),
        ("mail a@b.fr to", "a@b.fr to"),  # 16 characters of context not yet seen
        ("mail a@b.fr and then some more words, ", ""),
        ("key " + PEM_START, PEM_START),
        ("key " + PEM_START + "-----END RSA ", PEM_START + "-----END RSA "),
    ],
)  # fmt: skip
def test_holdback_is_the_tail_that_could_become_a_finding(text: str, held: str) -> None:
    assert text[holdback_start(text) :] == held


def test_toxic_answer_stops_before_the_offending_text() -> None:
    guard = StreamGuard(ANALYZER, Redactor("tag", SECRET))
    released, stop = [], None
    for delta in _split(TOXIC_TEXT, [3]):
        step = guard.feed(delta)
        released.append(step.release)
        if step.stop is not None:
            stop = step.stop
            break
    else:
        step = guard.finish()
        released.append(step.release)
        stop = step.stop
    assert stop is not None and stop.guardrail == TOXICITY_FILTER and stop.stage == "output"
    sent = "".join(released)
    assert sent.startswith("Here is my answer.")
    assert "idiot" not in sent and "kill" not in sent
    assert not ANALYZER.detect_toxicity(sent).detected
    assert guard.feed("more").stop is stop and guard.finish().release == ""


def test_pii_can_stop_the_stream_instead() -> None:
    guard = StreamGuard(ANALYZER, Redactor("tag", SECRET), StreamPolicy(stop_on_pii=True))
    steps = [guard.feed(d) for d in _split(PII_TEXT, [4])] + [guard.finish()]
    stops = [s.stop for s in steps if s.stop is not None]
    assert stops and stops[0].guardrail == OUTPUT_PII_LEAK
    assert "".join(s.release for s in steps) == "Write to "


def test_report_only_policy_counts_without_redacting() -> None:
    guard = StreamGuard(ANALYZER, Redactor("tag", SECRET), StreamPolicy(redact_min_score=None))
    text = "".join(guard.feed(d).release for d in _split(PII_TEXT, [7])) + guard.finish().release
    assert text == PII_TEXT and guard.counts["EMAIL"] == 1


def test_tags_follow_the_conversation() -> None:
    redactor = Redactor("tag", SECRET)
    redactor.redact("a@b.fr", ANALYZER.scan_pii("a@b.fr"), "conv-1")
    guard = StreamGuard(ANALYZER, redactor, conversation_id="conv-1")
    text = guard.feed("write to c@d.fr or a@b.fr").release + guard.finish().release
    assert text == "write to <EMAIL_2> or <EMAIL_1>"


def test_policy_from_guardrails() -> None:
    engine = GuardrailEngine(default_configs())
    policy = StreamPolicy.from_guardrails(engine)
    pii, toxicity = engine.get(OUTPUT_PII_LEAK), engine.get(TOXICITY_FILTER)
    assert policy.redact_min_score == (
        pii.threshold if pii.action in (Action.REDACT, Action.BLOCK) else None
    )
    expected = toxicity.threshold if toxicity.action is Action.BLOCK else None
    assert policy.toxicity_threshold == (expected if toxicity.enabled else None)


def _tool_items(arguments: str, size: int) -> list[list[dict[str, object]]]:
    head = [
        {
            "index": 0,
            "id": "call_1",
            "type": "function",
            "function": {"name": "send", "arguments": ""},
        }
    ]
    pieces = [
        [{"index": 0, "function": {"arguments": arguments[i : i + size]}}]
        for i in range(0, len(arguments), size)
    ]
    return [head, *pieces]


def test_tool_call_arguments_are_scanned_whole_and_redacted() -> None:
    arguments = json.dumps({"to": "jean.dupont@example.com", "body": "hi"})
    guard = ToolCallGuard(ANALYZER, Redactor("tag", SECRET))
    for items in _tool_items(arguments, 3):
        guard.feed(items)  # type: ignore[arg-type]
    assert guard.pending
    step = guard.finish()
    [call] = step.tool_calls
    assert call["id"] == "call_1" and call["function"]["name"] == "send"
    assert json.loads(call["function"]["arguments"]) == {"to": "<EMAIL_1>", "body": "hi"}
    assert step.stop is None and guard.findings[0].type == "EMAIL" and not guard.pending


def test_clean_tool_call_passes_unchanged_and_toxic_one_stops() -> None:
    guard = ToolCallGuard(ANALYZER, Redactor("tag", SECRET))
    for items in _tool_items(TOOL_CALL["arguments"], 4):
        guard.feed(items)  # type: ignore[arg-type]
    assert guard.finish().tool_calls[0]["function"]["arguments"] == TOOL_CALL["arguments"]
    toxic = json.dumps({"message": "You are a worthless idiot and I will kill you."})
    for items in _tool_items(toxic, 5):
        guard.feed(items)  # type: ignore[arg-type]
    step = guard.finish()
    assert step.tool_calls == [] and step.stop is not None

"""Redaction of findings: `mask` (****), `hash` (keyed digest) or `tag` (<EMAIL_1>).

Tags are stable within a conversation, so the model reads "<EMAIL_1> wrote to <EMAIL_2>"
and later turns mentioning the same address get the same tag. The per-conversation map is
keyed by an HMAC of the value (never the value itself), kept for a bounded number of
conversations (least recently used are forgotten), and guarded by a lock.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Literal

from aimonitor.types import Finding

Mode = Literal["tag", "mask", "hash"]
MODES: tuple[str, ...] = ("tag", "mask", "hash")


class _Conversation:
    __slots__ = ("counters", "tags")

    def __init__(self) -> None:
        self.tags: dict[bytes, str] = {}
        self.counters: dict[str, int] = {}


class Redactor:
    def __init__(
        self, mode: Mode = "tag", secret: bytes = b"", max_conversations: int = 10_000
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"redaction mode must be one of {MODES}, got {mode!r}")
        if max_conversations < 1:
            raise ValueError("max_conversations must be at least 1")
        self.mode = mode
        self._secret = secret
        self._max = max_conversations
        self._conversations: OrderedDict[str, _Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def redact(
        self, text: str, findings: Iterable[Finding], conversation_id: str | None = None
    ) -> str:
        spans = _non_overlapping(findings)
        if not spans:
            return text
        pieces: list[str] = []
        position = 0
        with self._lock:
            conversation = self._conversation(conversation_id) if self.mode == "tag" else None
            for finding in spans:
                pieces.append(text[position : finding.start])
                pieces.append(
                    self._replacement(finding, text[finding.start : finding.end], conversation)
                )
                position = finding.end
        pieces.append(text[position:])
        return "".join(pieces)

    def conversations(self) -> int:
        """How many conversations currently hold tag mappings."""
        with self._lock:
            return len(self._conversations)

    def _digest(self, kind: str, value: str) -> bytes:
        message = f"{kind}\x00{_canonical_value(kind, value)}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def _replacement(self, finding: Finding, value: str, conversation: _Conversation | None) -> str:
        if self.mode == "mask":
            return _mask(finding.type, value)
        if self.mode == "hash":
            return f"<{finding.type}:{self._digest(finding.type, value).hex()[:16]}>"
        assert conversation is not None
        digest = self._digest(finding.type, value)
        tag = conversation.tags.get(digest)
        if tag is None:
            number = conversation.counters.get(finding.type, 0) + 1
            conversation.counters[finding.type] = number
            tag = f"<{finding.type}_{number}>"
            conversation.tags[digest] = tag
        return tag

    def _conversation(self, conversation_id: str | None) -> _Conversation:
        if conversation_id is None:
            return _Conversation()  # numbering starts afresh for a one-off text
        conversation = self._conversations.get(conversation_id)
        if conversation is None:
            conversation = _Conversation()
            self._conversations[conversation_id] = conversation
            while len(self._conversations) > self._max:
                self._conversations.popitem(last=False)
        else:
            self._conversations.move_to_end(conversation_id)
        return conversation


def _canonical_value(kind: str, value: str) -> str:
    """The same e-mail or number written differently gets the same tag."""
    if kind == "EMAIL":
        return value.lower()
    if kind in ("SECRET",):
        return value
    return "".join(ch for ch in value if ch.isalnum()).upper()


def _mask(kind: str, value: str) -> str:
    # Keep separators and, for cards and IBANs, the last four characters (as on receipts).
    keep = 4 if kind in ("CREDIT_CARD", "IBAN") else 0
    alnum_positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    visible = set(alnum_positions[-keep:]) if keep else set()
    return "".join(ch if not ch.isalnum() or i in visible else "*" for i, ch in enumerate(value))


def _non_overlapping(findings: Iterable[Finding]) -> list[Finding]:
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in ordered:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept

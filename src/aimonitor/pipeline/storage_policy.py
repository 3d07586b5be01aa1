"""What text may be kept: AIMONITOR_AUDIT_STORE_TEXT is `redacted` (default), `full`
or `none`. Raw personal data is stored only when the operator says `full`."""

from __future__ import annotations

from aimonitor.analysis import Analyzer, Redactor
from aimonitor.types import Finding


class TextPolicy:
    def __init__(self, mode: str, redactor: Redactor, analyzer: Analyzer) -> None:
        self.mode = mode
        self.redactor = redactor
        self.analyzer = analyzer

    def as_model_saw(self, stored: str, conversation_id: str | None) -> str:
        """A stored text as it may go back to the model: stored raw (`full`), its
        personal data is redacted again."""
        if self.mode != "full":
            return stored
        findings = self.analyzer.scan_pii(stored)
        return self.redactor.redact(stored, findings, conversation_id) if findings else stored

    def storable(
        self,
        raw: str,
        findings: tuple[Finding, ...],
        conversation_id: str | None,
        already_redacted: str | None = None,
    ) -> str | None:
        """The text to store. `already_redacted` is reused when it covered `findings`."""
        if self.mode == "none":
            return None
        if self.mode == "full" or not findings:
            return raw
        if already_redacted is not None:
            return already_redacted
        return self.redactor.redact(raw, findings, conversation_id)

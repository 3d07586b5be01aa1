"""Detectors: personal data, prompt attacks, toxicity and secrets. Pure functions over text.

    from aimonitor.analysis import Analyzer, Redactor
    analyzer = Analyzer.default()
    result = analyzer.scan(text)
    redacted = Redactor(mode="tag", secret=key).redact(text, result.findings, conversation_id)

See docs/detectors.md.
"""

from __future__ import annotations

from aimonitor.analysis.analyzer import Analyzer
from aimonitor.analysis.redaction import Redactor

__all__ = ["Analyzer", "Redactor"]

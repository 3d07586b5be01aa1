"""Shared helpers for the per-detector tables."""

from __future__ import annotations

from aimonitor.analysis import Analyzer


def found(analyzer: Analyzer, text: str, kind: str) -> list[str]:
    """The texts of the findings of one type, in order."""
    return [f.text for f in analyzer.scan_pii(text) if f.type == kind]

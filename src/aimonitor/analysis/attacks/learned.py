"""The learned tier: a logistic regression over n-gram features of the canonical text.

The weights ship in the package (`model/weights.npz`, written by
`training/train_learned.py`; data, licences and measured figures in `model/MODEL_CARD.md`).
Inference is a dictionary look-up per feature and a sum: numpy only, no download.

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

from aimonitor.analysis.attacks.features import WORD, feature_text, ngrams, windows, word_ngrams
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


class LearnedModel:
    """Immutable after loading; safe to share between threads."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        with np.load(path) as data:
            vocabulary = data["vocabulary"].tobytes().decode("utf-8").split("\n")
            self._weights = data["weights"].astype(np.float64)
            self.bias = float(data["bias"][0])
            self.threshold = float(data["threshold"][0])
            self.families = tuple(data["families"].tobytes().decode().split("\n"))
            self._family_weights = data["family_weights"].astype(np.float32)
            self._family_bias = data["family_bias"].astype(np.float32)
        if len(vocabulary) != len(self._weights):
            raise ValueError(f"{path}: {len(vocabulary)} features but {len(self._weights)} weights")
        self._index = {gram: i for i, gram in enumerate(vocabulary)}
        self._vocabulary = vocabulary
        # Plain floats: summing them beats a numpy gather on short texts. The set
        # intersection runs in C on the features' cached hashes, cheaper than a
        # `dict.get` per feature.
        self._weight_of = dict(zip(vocabulary, self._weights.tolist(), strict=True))
        self._known = frozenset(vocabulary)

    def probability(self, canonical: Canonical) -> float:
        return self._strongest_window(canonical)[0]

    def _strongest_window(self, canonical: Canonical) -> tuple[float, set[str], str]:
        best = -1.0
        best_found: set[str] = set()
        best_window = ""
        for window in windows(feature_text(canonical)):
            found = ngrams(window)
            probability = self._probability(found)
            if probability > best:
                best, best_found, best_window = probability, found, window
        return max(best, 0.0), best_found, best_window

    def _probability(self, found: set[str]) -> float:
        total = sum(map(self._weight_of.__getitem__, found & self._known))
        logit = self.bias + total / math.sqrt(max(len(found), 1))
        return 1.0 / (1.0 + math.exp(-logit)) if logit > -60 else 0.0

    def score(self, canonical: Canonical) -> LearnedScore:
        probability, found, window = self._strongest_window(canonical)
        score = self.calibrated(probability)
        if score < 0.5:
            return LearnedScore(probability, score)
        return LearnedScore(probability, score, *self.explain(found, window))

    def calibrated(self, probability: float) -> float:
        threshold = self.threshold
        if probability < threshold:
            return round(0.5 * probability / threshold, 4)
        return round(0.5 + 0.5 * (probability - threshold) / (1.0 - threshold), 4)

    def explain(self, found: set[str], window: str) -> tuple[tuple[str, ...], str | None]:
        """The words of `window` that push most towards "attack" (each word's own weight
        plus its character n-grams'), and the nearest attack family. Only words of the
        model's vocabulary (seen in its training data) are named: explanations are logged
        and stored, and must not carry a prompt's personal data."""
        indices = np.fromiter(map(self._index.__getitem__, found & self._known), dtype=np.intp)
        if not len(indices):
            return (), None
        weight_of = self._weight_of
        pushes = {
            word: sum(weight_of.get(gram, 0.0) for gram in word_ngrams(word))
            for word in set(WORD.findall(window))
            if "w:" + word in weight_of
        }
        ranked = sorted((w for w in pushes if pushes[w] > 0), key=lambda w: (-pushes[w], w))
        logits = self._family_weights[:, indices].sum(axis=1) + self._family_bias
        return tuple(ranked[:EXPLAINED_FEATURES]), self.families[int(np.argmax(logits))]


@cache
def default_model() -> LearnedModel:
    """The shipped model, loaded once per process."""
    return LearnedModel()

"""Real-time drift of the prompts, against a calibrated reference.

Three dimensions, each a calibrated mean-shift test (see `drift_calibration`):
"embedding" (hashed n-gram embeddings: topic and wording), "length" (one-hot
character-length bins) and "language" (one-hot of `detect_language`). Each
dimension's statistic D is turned into a score in [0, 1]:

    r = max(0, (D - μ0) / (τ - μ0)),    score = 1 - 0.3 ** r

so that "as expected with no drift" (D = μ0) is 0, the calibrated threshold τ is
exactly 0.7 (the seed's SemanticDriftHigh alert level) and about twice the
threshold's excess is 0.9 (critical). The overall score is the largest of the three.

The threshold is calibrated on the run length, not on one check: a stream is checked
every `recompute_every` requests for as long as the service runs, so a per-check level
of 1 % would raise a false alarm every few hundred requests. An operator states how
rarely a stream without drift may alarm (`requests_per_false_alarm`, 100,000 by
default); each check then gets the Bonferroni share of that budget,

    per-check level = recompute_every / requests_per_false_alarm   (10 / 100,000 = 1e-4)

and each dimension a quarter of it (the last quarter is a margin for the thresholds
being estimated from the reference), so the expected number of checks with no drift
scoring 0.7 or more stays within one per `requests_per_false_alarm` requests (union
bound). Consecutive checks share most of their window, so alarms cluster and episodes
(below) are rarer still. A real shift moves the statistic quadratically in the share of
shifted prompts, so the stricter threshold costs a few prompts of delay: a full topic
change is flagged within about 40 prompts, a switch of language within 20
(`eval/drift_eval.py`).

The first `reference_size` prompts (or a reference set explicitly / loaded from a
file) form the reference; the current window is the last `window_size` prompts.
Per request: one embedding and O(dim) running-sum updates; the statistic is
recomputed every `recompute_every` requests once the window is full. Episodes
have hysteresis: one starts when the score reaches 0.7 ("critical" if 0.9) and
ends only when it falls below 0.5; `episode_started` is reported once per episode.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from aimonitor.signals.drift_calibration import (
    Calibration,
    calibrate,
    calibrate_categorical,
    mean_shift,
)
from aimonitor.signals.drift_features import LENGTH_BINS, language_index, length_bin
from aimonitor.signals.drift_reference import (
    MIN_TERM_DOCS,
    ReferenceData,
    content_terms,
    excerpt,
)
from aimonitor.signals.embedding import MAX_EMBED_CHARS, Embedder, HashingEmbedder
from aimonitor.signals.language import LANGUAGES, detect_language_of_words
from aimonitor.signals.text import words

DIMENSIONS: Final = ("embedding", "length", "language")
ALERT_LEVEL: Final = 0.7
CRITICAL_LEVEL: Final = 0.9
CLEAR_LEVEL: Final = 0.5
_SCORE_BASE: Final = 1.0 - ALERT_LEVEL  # score = 1 - 0.3**r: r = 1 maps to 0.7
# Minimal effect size (τ - μ0): for one-hot features, 10% of the window moving from
# one bin to another (2 x 0.1²); for embeddings, the same 10% moving to an unrelated topic.
_FLOORS: Final = {"embedding": 0.002, "length": 0.02, "language": 0.02}
# The false-alarm budget α is split in four: α/4 per dimension, and α/4 left for the
# thresholds being estimated from a finite reference (a reference that happens to be
# atypical raises its own false-alarm rate; measured averaged over 200 references, that
# noise multiplies each dimension's nominal level by 1.3 to 2).
_LEVEL_SHARES: Final = 4
# How many requests of a stream without drift may pass, on average, per false alarm.
REQUESTS_PER_FALSE_ALARM: Final = 100_000
_TYPICAL: Final = 3
_TOP_TERMS: Final = 10

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class DriftUpdate:
    score: float
    dimensions: dict[str, float]
    episode_started: str | None = None  # "warning" | "critical", once per episode
    ready: bool = False


@dataclass(frozen=True, slots=True)
class _Features:
    embedding: npt.NDArray[np.float32]
    length_bin: int
    language: int
    terms: frozenset[str]
    excerpt: str


@dataclass
class _Reference:
    data: ReferenceData
    means: dict[str, Matrix]
    calibrations: dict[str, Calibration]


@dataclass
class _Window:
    """Ring buffers of the last n prompts' features with their running sums."""

    size: int
    dims: dict[str, int]
    rows: dict[str, Matrix] = field(init=False)
    sums: dict[str, Matrix] = field(init=False)
    hot: dict[str, list[int]] = field(init=False)  # one-hot dimensions: each row's hot cell
    terms: list[frozenset[str]] = field(default_factory=list)
    excerpts: list[str] = field(default_factory=list)
    term_counts: Counter[str] = field(default_factory=Counter)
    count: int = 0
    position: int = 0

    def __post_init__(self) -> None:
        self.rows = {k: np.zeros((self.size, d)) for k, d in self.dims.items()}
        self.sums = {k: np.zeros(d) for k, d in self.dims.items()}
        self.hot = {"length": [], "language": []}

    @property
    def full(self) -> bool:
        return self.count >= self.size

    def push(self, features: _Features) -> None:
        i = self.position
        full = self.full
        # The embedding row is overwritten in place (assigning float32 to the float64 row
        # gives the values astype would). The length and language rows are one-hot: only
        # two cells change, and their sums are exact counts, so adding or subtracting the
        # whole one-hot vector would give the same sums as these cell updates.
        row = self.rows["embedding"][i]
        total = self.sums["embedding"]
        if full:
            total -= row
        row[:] = features.embedding
        total += row
        for key, index in (("length", features.length_bin), ("language", features.language)):
            rows, sums = self.rows[key], self.sums[key]
            if full:
                old = self.hot[key][i]
                rows[i, old] = 0.0
                sums[old] -= 1.0
                self.hot[key][i] = index
            else:
                self.hot[key].append(index)
            rows[i, index] = 1.0
            sums[index] += 1.0
        if full:
            self.term_counts.subtract(self.terms[i])
            self.terms[i], self.excerpts[i] = features.terms, features.excerpt
        else:
            self.terms.append(features.terms)
            self.excerpts.append(features.excerpt)
        self.term_counts.update(features.terms)
        self.count = min(self.count + 1, self.size)
        self.position = (i + 1) % self.size
        if self.position == 0:
            # Resynchronise the running sums once per lap: no float error build-up.
            for key in self.sums:
                self.sums[key] = self.rows[key].sum(axis=0)
            self.term_counts = +self.term_counts

    def means(self) -> dict[str, Matrix]:
        return {k: s / self.count for k, s in self.sums.items()}


def score_from_statistic(statistic: float, calibration: Calibration) -> float:
    """Map D to [0, 1]: μ0 → 0, the calibrated threshold τ → 0.7."""
    excess = calibration.threshold - calibration.null_mean
    ratio = max(0.0, (statistic - calibration.null_mean) / excess) if excess > 0 else 0.0
    return float(1.0 - _SCORE_BASE**ratio)


class DriftDetector:
    """Thread-safe streaming drift detector; see the module docstring for the method."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        reference_size: int = 200,
        window_size: int = 100,
        recompute_every: int = 10,
        false_alarm_rate: float | None = None,
        seed: int = 0,
        requests_per_false_alarm: int = REQUESTS_PER_FALSE_ALARM,
    ) -> None:
        """`false_alarm_rate` is the per-check level; by default it is derived from
        `requests_per_false_alarm` (see the module docstring)."""
        if reference_size < 10 or window_size < 10 or recompute_every < 1:
            raise ValueError("reference_size and window_size must be >= 10, recompute_every >= 1")
        if requests_per_false_alarm <= recompute_every:
            raise ValueError("requests_per_false_alarm must exceed recompute_every")
        if false_alarm_rate is None:
            false_alarm_rate = recompute_every / requests_per_false_alarm
        if not 0 < false_alarm_rate < 1:
            raise ValueError("false_alarm_rate must be in (0, 1)")
        self.embedder: Embedder = embedder or HashingEmbedder()
        self.reference_size = reference_size
        self.window_size = window_size
        self.recompute_every = recompute_every
        self.false_alarm_rate = false_alarm_rate
        self.requests_per_false_alarm = requests_per_false_alarm
        self._seed = seed
        self._lock = threading.Lock()
        self._pending: list[_Features] = []
        self._reference: _Reference | None = None
        self._window = self._new_window()
        self._since_recompute = 0
        self._score = 0.0
        self._dimensions = dict.fromkeys(DIMENSIONS, 0.0)
        self._episode: str | None = None
        self._episodes = 0

    # --- streaming ---------------------------------------------------------------
    def observe(
        self,
        prompt: str,
        embedding: npt.NDArray[np.float32] | None = None,
        tokens: list[str] | None = None,
        language: str | None = None,
    ) -> DriftUpdate:
        """Add one prompt. A caller that already has `self.embedder.embed(prompt)` (e.g.
        from one `embed_many` call shared with the quality signal), the prompt's
        `text.words` or their `detect_language_of_words` passes them to save computing
        them again; the result is the same (`language` is used only with `tokens`)."""
        # The costly part, outside the lock.
        features = self._features(prompt, embedding, tokens, language)
        with self._lock:
            if self._reference is None:
                self._pending.append(features)
                if len(self._pending) >= self.reference_size:
                    self._install(self._build_reference(self._pending))
                return DriftUpdate(0.0, dict.fromkeys(DIMENSIONS, 0.0), None, False)
            self._window.push(features)
            self._since_recompute += 1
            started = None
            if self._window.full and self._since_recompute >= self.recompute_every:
                self._since_recompute = 0
                started = self._recompute(self._reference)
            return DriftUpdate(self._score, dict(self._dimensions), started, self._window.full)

    @property
    def score(self) -> float:
        with self._lock:
            return self._score

    @property
    def ready(self) -> bool:
        with self._lock:
            return self._reference is not None and self._window.full

    @property
    def episodes(self) -> int:
        """Drift episodes started since the reference was set."""
        with self._lock:
            return self._episodes

    # --- reference -----------------------------------------------------------------
    def set_reference(self, texts: list[str]) -> None:
        """Use `texts` as the reference (recalibrates; clears the window)."""
        if len(texts) < 10:
            raise ValueError("a drift reference needs at least 10 prompts")
        reference = self._build_reference([self._features(t) for t in texts])
        with self._lock:
            self._install(reference)

    def reference_data(self) -> ReferenceData | None:
        with self._lock:
            return self._reference.data if self._reference else None

    def save_reference(self, path: Path) -> None:
        data = self.reference_data()
        if data is None:
            raise RuntimeError("no drift reference yet: observe more prompts or set one")
        data.save(Path(path))

    @classmethod
    def load_reference(
        cls,
        path: Path,
        *,
        embedder: Embedder | None = None,
        window_size: int = 100,
        recompute_every: int = 10,
        false_alarm_rate: float | None = None,
        seed: int = 0,
        requests_per_false_alarm: int = REQUESTS_PER_FALSE_ALARM,
    ) -> DriftDetector:
        """A detector whose reference comes from a file written by `save_reference`."""
        data = ReferenceData.load(Path(path))
        detector = cls(
            embedder=embedder,
            reference_size=max(data.size, 10),
            window_size=window_size,
            recompute_every=recompute_every,
            false_alarm_rate=false_alarm_rate,
            seed=seed,
            requests_per_false_alarm=requests_per_false_alarm,
        )
        if data.embedder != detector._embedder_id():
            raise ValueError(
                f"{path} was built with embedder {data.embedder}, "
                f"this detector uses {detector._embedder_id()}"
            )
        reference = detector._calibrate(data)
        with detector._lock:
            detector._install(reference)
        return detector

    # --- explanation -----------------------------------------------------------------
    def explain(self) -> dict[str, Any]:
        """Why the score is what it is: per-dimension calibration, the content words
        whose share of prompts moved most, language shares, and three typical prompts
        (short excerpts) on each side."""
        with self._lock:
            out: dict[str, Any] = {
                "ready": self._reference is not None and self._window.full,
                "score": round(self._score, 4),
                "dimensions": {k: round(v, 4) for k, v in self._dimensions.items()},
                "episode": self._episode,
                "episodes": self._episodes,
                "reference_size": self._reference.data.size if self._reference else 0,
                "reference_pending": len(self._pending),
                "window_fill": self._window.count,
                "window_size": self.window_size,
                "false_alarm_rate": self.false_alarm_rate,
                "requests_per_false_alarm": self.requests_per_false_alarm,
            }
            ref = self._reference
            if ref is None:
                return out
            out["calibration"] = {
                k: {"null_mean": c.null_mean, "threshold": c.threshold, "level": c.level}
                for k, c in ref.calibrations.items()
            }
            out["typical_reference"] = list(ref.data.typical)
            if self._window.count == 0:
                return out
            means = self._window.means()
            out["languages"] = {
                "reference": _shares(ref.means["language"]),
                "window": _shares(means["language"]),
            }
            out["terms"] = self._moved_terms(ref)
            out["typical_window"] = self._typical_window(means["embedding"])
            return out

    # --- internals -----------------------------------------------------------------
    def _embedder_id(self) -> str:
        return f"{self.embedder.name}/{self.embedder.dim}"

    def _features(
        self,
        text: str,
        embedding: npt.NDArray[np.float32] | None = None,
        tokens: list[str] | None = None,
        language: str | None = None,
    ) -> _Features:
        if tokens is None or len(text) > MAX_EMBED_CHARS:
            tokens = words(text[:MAX_EMBED_CHARS])  # bounded cost, like the embedding
            language = None
        if language is None:
            language = detect_language_of_words(tokens)
        return _Features(
            embedding=self.embedder.embed(text) if embedding is None else embedding.copy(),
            length_bin=length_bin(text),
            language=language_index(language),
            terms=content_terms(tokens),
            excerpt=excerpt(text),
        )

    def _new_window(self) -> _Window:
        dims = {"embedding": self.embedder.dim, "length": LENGTH_BINS, "language": len(LANGUAGES)}
        return _Window(self.window_size, dims)

    def _build_reference(self, features: list[_Features]) -> _Reference:
        embeddings = np.stack([f.embedding for f in features])
        centroid = embeddings.astype(np.float64).mean(axis=0)
        nearest = np.argsort(-(embeddings @ centroid))[:_TYPICAL]
        terms: Counter[str] = Counter()
        for f in features:
            terms.update(f.terms)
        data = ReferenceData(
            embeddings=embeddings,
            length_bins=np.array([f.length_bin for f in features], dtype=np.int64),
            languages=np.array([f.language for f in features], dtype=np.int64),
            term_counts=terms,
            typical=tuple(features[i].excerpt for i in nearest),
            embedder=self._embedder_id(),
        )
        return self._calibrate(data)

    def _calibrate(self, data: ReferenceData) -> _Reference:
        rng = np.random.default_rng(self._seed)
        features = {
            "embedding": data.embeddings.astype(np.float64),
            "length": np.eye(LENGTH_BINS)[data.length_bins],
            "language": np.eye(len(LANGUAGES))[data.languages],
        }
        level = self.false_alarm_rate / _LEVEL_SHARES
        calibrations = {
            "embedding": calibrate(
                features["embedding"], self.window_size, level, rng, floor=_FLOORS["embedding"]
            ),
            "length": calibrate_categorical(
                data.length_bins, LENGTH_BINS, self.window_size, level, rng, floor=_FLOORS["length"]
            ),
            "language": calibrate_categorical(
                data.languages,
                len(LANGUAGES),
                self.window_size,
                level,
                rng,
                floor=_FLOORS["language"],
            ),
        }
        means = {k: x.mean(axis=0) for k, x in features.items()}
        return _Reference(data, means, calibrations)

    def _install(self, reference: _Reference) -> None:
        self._reference = reference
        self._pending = []
        self._window = self._new_window()
        self._since_recompute = 0
        self._score = 0.0
        self._dimensions = dict.fromkeys(DIMENSIONS, 0.0)
        self._episode = None

    def _recompute(self, ref: _Reference) -> str | None:
        means = self._window.means()
        self._dimensions = {
            k: score_from_statistic(mean_shift(ref.means[k], means[k]), ref.calibrations[k])
            for k in DIMENSIONS
        }
        self._score = max(self._dimensions.values())
        if self._episode is None and self._score >= ALERT_LEVEL:
            self._episode = "critical" if self._score >= CRITICAL_LEVEL else "warning"
            self._episodes += 1
            return self._episode
        if self._episode is not None and self._score < CLEAR_LEVEL:
            self._episode = None
        return None

    def _moved_terms(self, ref: _Reference) -> list[dict[str, Any]]:
        m, n = ref.data.size, self._window.count
        window_counts = self._window.term_counts
        candidates = {t for t, c in window_counts.items() if c >= MIN_TERM_DOCS}
        candidates |= {t for t, c in ref.data.term_counts.items() if c >= MIN_TERM_DOCS}
        shifts = [
            (window_counts.get(t, 0) / n - ref.data.term_counts.get(t, 0) / m, t)
            for t in candidates
        ]
        shifts.sort(key=lambda item: (-abs(item[0]), item[1]))
        return [
            {
                "term": t,
                "reference_share": round(ref.data.term_counts.get(t, 0) / m, 3),
                "window_share": round(window_counts.get(t, 0) / n, 3),
                "shift": round(s, 3),
            }
            for s, t in shifts[:_TOP_TERMS]
        ]

    def _typical_window(self, centroid: Matrix) -> list[str]:
        n = self._window.count
        similarity = self._window.rows["embedding"][:n] @ centroid
        return [self._window.excerpts[i] for i in np.argsort(-similarity)[:_TYPICAL]]


def _shares(mean: Matrix) -> dict[str, float]:
    return {k: round(float(v), 3) for k, v in zip(LANGUAGES, mean, strict=True) if v > 0}

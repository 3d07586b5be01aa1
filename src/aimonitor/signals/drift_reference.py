"""The drift reference: what "normal" prompts looked like, kept as features, not text.

A reference holds, per prompt, its embedding, length bin and language, plus the
document frequency of content words (for explanations) and three typical prompts
(short excerpts). It is saved as a numpy `.npz` file (no pickle), so that
`aimonitor drift set-reference FILE` can compute it once and the service can load
it at start-up.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from aimonitor.signals.drift_features import LENGTH_BINS, LENGTH_EDGES
from aimonitor.signals.language import LANGUAGES, STOPWORDS
from aimonitor.signals.text import words

FORMAT_VERSION: Final = 1
# A term is shown only if at least this many prompts contain it: a name or an
# identifier that slipped through redaction rarely repeats across prompts.
MIN_TERM_DOCS: Final = 3
MAX_STORED_TERMS: Final = 2000
EXCERPT_CHARS: Final = 120
_ALL_STOPWORDS: Final = frozenset().union(*STOPWORDS.values())


def content_terms(text: str | list[str]) -> frozenset[str]:
    """Distinct lower-cased words of 3+ letters that are not function words
    (`text` may be already tokenised by `text.words`)."""
    tokens = words(text) if isinstance(text, str) else text
    return frozenset(w for w in tokens if len(w) >= 3 and w.isalpha() and w not in _ALL_STOPWORDS)


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


@dataclass(frozen=True)
class ReferenceData:
    embeddings: npt.NDArray[np.float32]  # (m, dim)
    length_bins: npt.NDArray[np.int64]  # (m,)
    languages: npt.NDArray[np.int64]  # (m,) index into LANGUAGES
    term_counts: Counter[str]  # prompts containing each content word
    typical: tuple[str, ...]  # short excerpts of prompts near the centroid
    embedder: str  # embedder name and dimension, e.g. "hashing-345/1024"

    @property
    def size(self) -> int:
        return int(self.embeddings.shape[0])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        terms = [t for t, _ in self.term_counts.most_common(MAX_STORED_TERMS)]
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                version=np.array(FORMAT_VERSION),
                embedder=np.array(self.embedder),
                embeddings=self.embeddings,
                length_bins=self.length_bins,
                languages=self.languages,
                terms=np.array(terms, dtype=str),
                term_counts=np.array([self.term_counts[t] for t in terms], dtype=np.int64),
                typical=np.array(self.typical, dtype=str),
            )

    @classmethod
    def load(cls, path: Path) -> ReferenceData:
        with np.load(path, allow_pickle=False) as data:
            version = int(data["version"])
            if version != FORMAT_VERSION:
                raise ValueError(f"{path}: drift reference format {version}, expected 1")
            terms = [str(t) for t in data["terms"]]
            counts = [int(c) for c in data["term_counts"]]
            return cls(
                embeddings=data["embeddings"].astype(np.float32),
                length_bins=data["length_bins"].astype(np.int64),
                languages=data["languages"].astype(np.int64),
                term_counts=Counter(dict(zip(terms, counts, strict=True))),
                typical=tuple(str(t) for t in data["typical"]),
                embedder=str(data["embedder"]),
            )

    def summary(self) -> dict[str, Any]:
        """Sizes, shares and typical prompts: what an operator checks after set-reference."""
        m = max(self.size, 1)
        lang = np.bincount(self.languages, minlength=len(LANGUAGES)) / m
        lengths = np.bincount(self.length_bins, minlength=LENGTH_BINS) / m
        labels = [f"<{LENGTH_EDGES[0]}"]
        labels += [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(LENGTH_EDGES)]
        labels.append(f">={LENGTH_EDGES[-1]}")
        return {
            "prompts": self.size,
            "embedder": self.embedder,
            "languages": {k: round(float(v), 3) for k, v in zip(LANGUAGES, lang, strict=True) if v},
            "length_chars": {
                k: round(float(v), 3) for k, v in zip(labels, lengths, strict=True) if v
            },
            "top_terms": [
                {"term": t, "share": round(c / m, 3)}
                for t, c in self.term_counts.most_common(10)
                if c >= MIN_TERM_DOCS
            ],
            "typical": list(self.typical),
        }

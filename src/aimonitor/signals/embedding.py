"""Text embeddings without a model download: hashed character n-grams and words.

`HashingEmbedder` maps a text to a fixed-size vector by the hashing trick
(Weinberger et al., 2009): every character n-gram (n = 3, 4, 5, over the
lower-cased text with punctuation folded to spaces) and every word (weight 2)
adds ±1 at a bucket chosen by a hash; the sign, from another bit of the same
hash, makes collisions cancel on average instead of piling up. Counts are
dampened with log1p, then the vector is L2-normalised, so the dot product of two
embeddings is their cosine similarity. The hash is a polynomial hash computed by
numpy over the UTF-8 bytes: deterministic across processes (unlike `hash()`), and
a few tens of microseconds per prompt.
"""

from __future__ import annotations

import re
import zlib
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_BASE: Final = np.uint64(1_099_511_628_211)  # FNV-1a 64-bit prime
_MIX: Final = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: spreads the bits
_WORD_WEIGHT: Final = 2.0
# Only the first characters of a huge prompt are embedded: bounded cost per request.
MAX_EMBED_CHARS: Final = 4000


class Embedder(Protocol):
    """Anything that turns a text into an L2-normalised float32 vector."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, text: str) -> Vector: ...


class HashingEmbedder:
    """Hashed character n-grams (3-5) plus word unigrams, L2-normalised."""

    def __init__(self, dim: int = 1024, ngram_sizes: tuple[int, ...] = (3, 4, 5)) -> None:
        if dim < 16:
            raise ValueError("dim must be at least 16")
        if not ngram_sizes or min(ngram_sizes) < 2:
            raise ValueError("n-gram sizes must be 2 or more")
        self._dim = dim
        self._ngram_sizes = tuple(sorted(set(ngram_sizes)))

    @property
    def name(self) -> str:
        return "hashing-" + "".join(str(n) for n in self._ngram_sizes)

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, text: str) -> Vector:
        folded = " " + _NON_WORD.sub(" ", text[:MAX_EMBED_CHARS].lower()).strip() + " "
        data = np.frombuffer(folded.encode("utf-8"), dtype=np.uint8).astype(np.uint64)
        parts = _ngram_hashes(data, self._ngram_sizes)
        weights = [np.ones(part.size) for part in parts]
        tokens = folded.split()
        if tokens:
            parts.append(np.array([zlib.crc32(t.encode()) for t in tokens], dtype=np.uint64))
            weights.append(np.full(len(tokens), _WORD_WEIGHT))
        if not parts:
            return np.zeros(self._dim, dtype=np.float32)
        hashes = np.concatenate(parts) * _MIX
        hashes ^= hashes >> np.uint64(29)
        buckets = ((hashes >> np.uint64(32)) % np.uint64(self._dim)).astype(np.intp)
        signs = ((hashes >> np.uint64(31)) & np.uint64(1)).astype(np.float64) * 2.0 - 1.0
        weighted = signs * np.concatenate(weights)
        counts = np.bincount(buckets, weights=weighted, minlength=self._dim)
        vector = np.sign(counts) * np.log1p(np.abs(counts))
        norm = float(np.linalg.norm(vector))
        if norm > 0:
            vector /= norm
        return vector.astype(np.float32)


def _ngram_hashes(
    data: npt.NDArray[np.uint64], sizes: tuple[int, ...]
) -> list[npt.NDArray[np.uint64]]:
    """Polynomial hashes (wrapping uint64 arithmetic) of every window of each size.

    The hashes of the (n+1)-byte windows extend those of the n-byte windows by one
    byte, so each size costs one vector operation; windows of different sizes hash
    differently because the polynomials have different lengths.
    """
    out: list[npt.NDArray[np.uint64]] = []
    hashes = data
    for n in range(2, max(sizes) + 1):
        if data.size < n:
            break
        hashes = hashes[:-1] * _BASE + data[n - 1 :]
        if n in sizes:
            out.append(hashes)
    return out

"""Text embeddings without a model download: hashed character n-grams and words.

`HashingEmbedder` maps a text to a fixed-size vector by the hashing trick
(Weinberger et al., 2009): every character n-gram (n = 3, 4, 5, over the
lower-cased text with punctuation folded to spaces) and every word (weight 2)
adds ±1 at a bucket chosen by a hash; the sign, from another bit of the same
hash, makes collisions cancel on average instead of piling up. Counts are
dampened with log1p, then the vector is L2-normalised, so the dot product of two
embeddings is their cosine similarity. The hash is a polynomial hash computed by
numpy over the UTF-8 bytes: deterministic across processes (unlike `hash()`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float32]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_BASE: Final = np.uint64(1_099_511_628_211)  # FNV-1a 64-bit prime
_MIX: Final = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier: spreads the bits
_WORD_REPEAT: Final = 2
_SHIFT_MIX: Final = np.uint64(29)
_SHIFT_32: Final = np.uint64(32)
_SHIFT_SIGN: Final = np.uint64(31)
_ONE: Final = np.uint64(1)
# Only the first characters of a huge prompt are embedded: bounded cost per request.
MAX_EMBED_CHARS: Final = 4000
# sign(c)·log1p(|c|) for every integer count |c| < _LOG_TABLE_HALF, computed by the same
# numpy functions: a lookup instead of three element-wise passes over k × dim cells.
_LOG_TABLE_HALF: Final = 8192
_TABLE_COUNTS: Final = np.arange(-_LOG_TABLE_HALF, _LOG_TABLE_HALF + 1, dtype=np.float64)
_SIGNED_LOG1P: Final = np.sign(_TABLE_COUNTS) * np.log1p(np.abs(_TABLE_COUNTS))


class Embedder(Protocol):
    """Anything that turns a text into an L2-normalised float32 vector."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, text: str) -> Vector: ...

    def embed_many(self, texts: Sequence[str]) -> Matrix: ...


class HashingEmbedder:
    """Hashed character n-grams (3-5) plus word unigrams, L2-normalised."""

    def __init__(self, dim: int = 1024, ngram_sizes: tuple[int, ...] = (3, 4, 5)) -> None:
        if dim < 16:
            raise ValueError("dim must be at least 16")
        if not ngram_sizes or min(ngram_sizes) < 2:
            raise ValueError("n-gram sizes must be 2 or more")
        self._dim = dim
        # Buckets from the top bits when dim is a power of two (bit 31 gives the sign).
        bits = dim.bit_length() - 1
        self._shift = np.uint64(64 - bits) if dim == 1 << bits and bits <= 32 else None
        self._ngram_sizes = tuple(sorted(set(ngram_sizes)))

    @property
    def name(self) -> str:
        return "hashing-" + "".join(str(n) for n in self._ngram_sizes)

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, text: str) -> Vector:
        vector: Vector = self.embed_many([text])[0]
        return vector

    def embed_many(self, texts: Sequence[str]) -> Matrix:
        """Embed several texts in one pass: row i is `embed(texts[i])`. Vectorised over
        the texts, so that one call per request pays numpy's per-operation cost once.

        The folded texts are joined with NUL bytes; n-grams that straddle a NUL are
        dropped, and each remaining n-gram (and word) is counted in its own text's row.
        """
        k, dim = len(texts), self._dim
        joined = "\0".join(_fold(t) for t in texts).encode("utf-8", "replace")
        data = np.frombuffer(joined, dtype=np.uint8).astype(np.uint64)
        hash_parts, owner_parts = [], []
        if k == 1:  # the common case: no NUL, every n-gram belongs to row 0
            hash_parts = [hashes for _, hashes in _ngram_hashes(data, self._ngram_sizes)]
        else:
            separators = np.concatenate(([0], np.cumsum(data == 0)))  # NULs before each byte
            for n, hashes in _ngram_hashes(data, self._ngram_sizes):
                starts = separators[: hashes.size]
                clean = separators[n : n + hashes.size] == starts  # no NUL inside the window
                hash_parts.append(hashes[clean])
                owner_parts.append(starts[clean])
        # Words from the encoded bytes: folding left single spaces as the only whitespace,
        # so splitting the bytes gives each word's UTF-8 encoding, as `str.split` would.
        word_hashes: list[int] = []
        word_counts: list[int] = []
        for part in joined.split(b"\0"):
            part_words = part.split()
            word_counts.append(len(part_words))
            word_hashes += map(zlib.crc32, part_words)
        if word_hashes:
            hash_parts += [np.array(word_hashes, dtype=np.uint64)] * _WORD_REPEAT
            if k > 1:
                owners = np.repeat(np.arange(k), word_counts)
                owner_parts += [owners] * _WORD_REPEAT  # a word counts as two n-grams
        if not hash_parts:
            return np.zeros((k, dim), dtype=np.float32)
        hashes = np.concatenate(hash_parts) * _MIX
        hashes ^= hashes >> _SHIFT_MIX
        if self._shift is not None:  # power-of-two dim: the top bits, no division
            buckets = (hashes >> self._shift).astype(np.intp)
        else:
            buckets = ((hashes >> _SHIFT_32) % np.uint64(dim)).astype(np.intp)
        signs = 1.0 - 2.0 * ((hashes >> _SHIFT_SIGN) & _ONE)
        cells = buckets if k == 1 else np.concatenate(owner_parts).astype(np.intp) * dim + buckets
        counts = np.bincount(cells, weights=signs, minlength=k * dim).reshape(k, dim)
        if hashes.size < _LOG_TABLE_HALF:  # no cell can hold more than hashes.size
            vectors = _SIGNED_LOG1P.take(counts.astype(np.intp) + _LOG_TABLE_HALF)
        else:
            vectors = np.sign(counts) * np.log1p(np.abs(counts))
        norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))
        norms[norms == 0] = 1.0
        result: Matrix = (vectors / norms[:, None]).astype(np.float32)
        return result


def _fold(text: str) -> str:
    """Lower case, every run of non-word characters one space, a space at each end."""
    return " " + _NON_WORD.sub(" ", text[:MAX_EMBED_CHARS].lower()).strip() + " "


def _ngram_hashes(
    data: npt.NDArray[np.uint64], sizes: tuple[int, ...]
) -> list[tuple[int, npt.NDArray[np.uint64]]]:
    """Polynomial hashes (wrapping uint64 arithmetic) of every window of each size.

    The hashes of the (n+1)-byte windows extend those of the n-byte windows by one
    byte, so each size costs one vector operation; windows of different sizes hash
    differently because the polynomials have different lengths.
    """
    out: list[tuple[int, npt.NDArray[np.uint64]]] = []
    hashes = data
    for n in range(2, max(sizes) + 1):
        if data.size < n:
            break
        hashes = hashes[:-1] * _BASE + data[n - 1 :]
        if n in sizes:
            out.append((n, hashes))
    return out


def make_embedder(kind: str) -> Embedder:
    """The embedder named by `AIMONITOR_DRIFT_EMBEDDER`: "hashing" (default) or "minilm"
    (needs the extra `ml`; raises ImportError naming it when missing)."""
    if kind == "hashing":
        return HashingEmbedder()
    if kind == "minilm":
        try:
            from aimonitor.signals.minilm import MiniLMEmbedder

            return MiniLMEmbedder()
        except ImportError as exc:
            raise ImportError(
                "AIMONITOR_DRIFT_EMBEDDER=minilm needs the extra: pip install 'aimonitor[ml]'"
            ) from exc
    raise ValueError(f"unknown embedder {kind!r}: expected 'hashing' or 'minilm'")

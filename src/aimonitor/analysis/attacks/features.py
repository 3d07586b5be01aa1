"""The learned tier's features: word uni- and bigrams and character 3–5-grams of the
canonical text, hashed into `BUCKETS` buckets; the same code at training time
(`training/train_learned.py`) and at run time.

The canonical view is lower-cased, accent-free and de-obfuscated (`normalize.py`), so the
features see through leetspeak and homoglyphs; decoded payloads (base64, hex, URL...) are
appended, so an encoded instruction is read as well. Long texts are cut to a head and a
tail: the cost stays bounded, and attacks sit at the start or the end of what they hide in.

A text is scored window by window (`windows`: runs of whole sentences up to
`WINDOW_CHARS`), and its score is the highest: an instruction hidden in a long document or
a long jailbreak template reads like the short attacks of the training data, instead of
being diluted by the text around it.

Why hashing: building each n-gram as a Python string and looking it up cost ≈ 1.5 ms for
a 1 KB prompt. Here every n-gram of every window is hashed at once with numpy (a
polynomial hash read off prefix sums, `_hash_windows`), in a few array operations.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import numpy.typing as npt

from aimonitor.analysis.attacks.normalize import Canonical

HEAD_CHARS = 3072
TAIL_CHARS = 1024
CHAR_SIZES = (3, 4, 5)
WINDOW_CHARS = 200
BITS = 18
BUCKETS = 1 << BITS
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")
WORD = re.compile(r"\w+")

# Multipliers (odd, so invertible modulo 2**64) of the polynomial hash and of each kind
# of feature: a word and a character n-gram with the same letters land apart.
_BASE = 0x9E3779B97F4A7C15
_KIND = {size: (0xD6E8FEB86659FD93 * (size + 1)) % 2**64 | 1 for size in CHAR_SIZES}
_WORD_KIND = 0xA0761D6478BD642F
_BIGRAM_KIND = 0xE7037ED1A0B428DB
_SHIFT = np.uint64(64 - BITS)

Features = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def feature_text(canonical: Canonical) -> str:
    """The text the features are taken from: the canonical view and every decoded view."""
    parts = [view.text for view in canonical.views if view.source != "raw"]
    text = _SPACES.sub(" ", " ".join(parts)).strip()
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + " " + text[-TAIL_CHARS:]
    return text


def windows(text: str) -> list[str]:
    """Consecutive runs of sentences of at most `WINDOW_CHARS` characters (a longer
    sentence is a window of its own); the whole text when it is that short already."""
    if len(text) <= WINDOW_CHARS:
        return [text]
    found: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        if current and len(current) + len(sentence) >= WINDOW_CHARS:
            found.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        found.append(current)
    return found


def hashed(text: str) -> tuple[Features, list[str]]:
    """The features of each window of `text`: (window index, bucket) pairs, each pair
    once, ordered by window; and the windows."""
    parts = windows(text)
    return _hash_windows(parts), parts


def hashed_parts(parts: list[str]) -> Features:
    """The features of texts taken as windows of their own (n-grams never cross two)."""
    return _hash_windows(parts)


def _hash_windows(parts: list[str]) -> Features:
    # Each window padded with a space at each end, as the n-grams of its first and last
    # word include the boundary.
    joined = " " + "  ".join(parts) + " "
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    length = len(codes)
    window_of = np.repeat(np.arange(len(parts)), [len(part) + 2 for part in parts])
    powers, inverses = _powers(length + 1)
    # prefix[i] = Σ_{j<i} code_j·BASE^j, so the hash of codes[s:e] is
    # (prefix[e] − prefix[s])·BASE^−s, modulo 2**64 (numpy's unsigned arithmetic wraps).
    prefix = np.zeros(length + 1, dtype=np.uint64)
    np.cumsum(codes * powers[:length], out=prefix[1:])
    windows_found: list[npt.NDArray[np.int64]] = []
    buckets: list[npt.NDArray[np.uint64]] = []
    for size in CHAR_SIZES:
        count = max(length - size + 1, 0)
        starts = np.flatnonzero(window_of[:count] == window_of[size - 1 : size - 1 + count])
        value = (prefix[starts + size] - prefix[starts]) * inverses[starts]
        buckets.append((value * np.uint64(_KIND[size])) >> _SHIFT)
        windows_found.append(window_of[starts])
    is_word = _word_chars()[np.minimum(codes, 0xFFFF)] & (codes <= 0xFFFF)
    # The text starts and ends with a space: its word edges alternate, start then end.
    edges = np.flatnonzero(is_word[1:] != is_word[:-1]) + 1
    starts, ends = edges[0::2], edges[1::2]
    if len(starts):
        words = (prefix[ends] - prefix[starts]) * inverses[starts] * np.uint64(_WORD_KIND)
        word_window = window_of[starts]
        buckets.append(words >> _SHIFT)
        windows_found.append(word_window)
        same = np.flatnonzero(word_window[1:] == word_window[:-1])
        pairs = words[same] * np.uint64(_BIGRAM_KIND) + words[same + 1]
        buckets.append((pairs * np.uint64(_BIGRAM_KIND)) >> _SHIFT)
        windows_found.append(word_window[same])
    keys = np.concatenate(windows_found) << BITS | np.concatenate(buckets).astype(np.int64)
    keys.sort()
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys >> BITS, keys & (BUCKETS - 1)


@cache
def _word_chars() -> npt.NDArray[np.bool_]:
    """Which characters of the Basic Multilingual Plane make words (`\\w`, near enough;
    characters beyond it, emoji mostly, do not)."""
    return np.array([chr(code).isalnum() or code == 0x5F for code in range(0x10000)])


def _powers(count: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """BASE^i and BASE^−i modulo 2**64 for i < count (at least the longest feature text)."""
    size = max(count, 2 * (HEAD_CHARS + TAIL_CHARS))
    return _power_tables(1 << (size - 1).bit_length())


@cache
def _power_tables(size: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    inverse = pow(_BASE, -1, 2**64)
    powers = np.full(size, _BASE, dtype=np.uint64)
    inverses = np.full(size, inverse, dtype=np.uint64)
    powers[0] = inverses[0] = 1
    return np.cumprod(powers), np.cumprod(inverses)

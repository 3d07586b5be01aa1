"""The cheap per-prompt features of the "length" and "language" drift dimensions."""

from __future__ import annotations

import bisect
from typing import Final

import numpy as np
import numpy.typing as npt

from aimonitor.signals.language import LANGUAGES

# Character-length bins, doubling: [0,20) [20,40) ... [1280, ∞).
LENGTH_EDGES: Final = (20, 40, 80, 160, 320, 640, 1280)
LENGTH_BINS: Final = len(LENGTH_EDGES) + 1


def length_bin(text: str) -> int:
    return bisect.bisect_right(LENGTH_EDGES, len(text))


def one_hot(index: int, size: int) -> npt.NDArray[np.float64]:
    vector = np.zeros(size)
    vector[index] = 1.0
    return vector


def language_index(language: str) -> int:
    return LANGUAGES.index(language) if language in LANGUAGES else LANGUAGES.index("other")

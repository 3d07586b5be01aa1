"""An embedder wrapper that remembers the last few texts it embedded.

One request embeds the same prompt twice — for answer relevance (quality) and for
the drift window — so the second call is a dictionary lookup. The memory is a small
bounded dict of the most recent texts, which are the redacted prompts and answers
the pipeline already holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from aimonitor.signals.embedding import Embedder, Matrix, Vector


class MemoEmbedder:
    def __init__(self, inner: Embedder, size: int = 64) -> None:
        self.inner = inner
        self._size = size
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, text: str) -> Vector:
        vector: Vector = self.embed_many([text])[0]
        return vector

    def embed_many(self, texts: Sequence[str]) -> Matrix:
        with self._lock:
            found = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            computed = self.inner.embed_many(missing)
            if len(missing) == len(texts):  # nothing remembered, no repeats: as computed
                self._remember(missing, computed)
                fresh: Matrix = computed.astype(np.float32, copy=False)
                return fresh
            self._remember(missing, computed)
            found.update(zip(missing, computed, strict=True))
        result: Matrix = np.stack([found[t] for t in texts]).astype(np.float32, copy=False)
        return result

    def _remember(self, texts: list[str], vectors: Matrix) -> None:
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._cache[text] = vector
                self._cache.move_to_end(text)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)

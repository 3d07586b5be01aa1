from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aimonitor.signals import HashingEmbedder
from aimonitor.signals.embedding import Matrix
from aimonitor.signals.memo import MemoEmbedder


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_many(self, texts: Sequence[str]) -> Matrix:
        self.embedded.extend(texts)
        return super().embed_many(texts)


def test_same_vectors_and_each_text_embedded_once() -> None:
    inner = CountingEmbedder()
    memo = MemoEmbedder(inner, size=4)
    plain = HashingEmbedder()
    both = memo.embed_many(["a prompt", "an answer"])
    again = memo.embed("a prompt")
    assert np.allclose(both, plain.embed_many(["a prompt", "an answer"]))
    assert np.allclose(again, plain.embed("a prompt"))
    assert inner.embedded == ["a prompt", "an answer"]
    assert memo.name == inner.name and memo.dim == inner.dim


def test_bounded() -> None:
    inner = CountingEmbedder()
    memo = MemoEmbedder(inner, size=2)
    for text in ("one", "two", "three", "one"):
        memo.embed(text)
    assert inner.embedded == ["one", "two", "three", "one"]

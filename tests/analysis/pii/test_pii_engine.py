from __future__ import annotations

import random
from collections.abc import Iterator
from functools import partial

from aimonitor.analysis.pii.base import Candidate, ScanContext
from aimonitor.analysis.pii.engine import ContextRule, PiiEngine, fold, fold_whole


def _samples() -> list[str]:
    rng = random.Random(3)
    pools = [range(32, 127), range(128, 256), range(0x370, 0x400)]  # ASCII, Latin-1, Greek
    texts = ["Numéro de Sécurité Sociale", "½ ŒUVRE µs", "carte bancaire n° 4111"]
    for _ in range(3000):
        weights = [6, 3, 1] if rng.random() < 0.2 else [6, 3, 0]
        texts.append(
            "".join(
                chr(rng.choice(rng.choices(pools, weights)[0])) for _ in range(rng.randrange(40))
            )
        )
    return texts


def test_whole_text_fold_slices_like_folding_each_slice() -> None:
    # The engine folds a text once and slices it for each candidate's context window:
    # exact only if every slice equals the slice folded on its own.
    used = 0
    for text in _samples():
        whole = fold_whole(text)
        if whole is None:
            continue
        used += 1
        for start in range(0, len(text) + 1, 2):
            for end in range(start, len(text) + 3, 3):
                assert whole[start:end] == fold(text[start:end]), (text, start, end)
    assert used > 2000


def test_texts_whose_fold_shifts_offsets_are_not_folded_whole() -> None:
    assert fold_whole("½ litre") is None  # "½" folds to three characters
    assert fold_whole("10 µs") is None  # "µ" folds outside Latin-1
    assert fold_whole("Ελληνικά") is None
    assert fold_whole("Numéro") == "numero"


class _Lazy:
    """A detector whose validator records which candidates it was asked about."""

    name = "lazy"
    types = ("PHONE",)

    def __init__(self) -> None:
        self.asked: list[str] = []

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        for start in (ctx.text.find("111"), ctx.text.find("222")):
            text = ctx.text[start : start + 3]
            yield Candidate("PHONE", start, start + 3, 0.7, "", partial(self._confirm, text))

    def _confirm(self, text: str) -> str | None:
        self.asked.append(text)
        return "validator=lazy" if text == "111" else None


def test_the_engine_validates_only_what_its_context_leaves_above_the_floor() -> None:
    detector = _Lazy()
    engine = PiiEngine([detector], {"PHONE": ContextRule(negative_words=("ref",))})
    findings = engine.scan("tel 111, and ref 222")
    assert detector.asked == ["111"]  # "ref" sinks 222 below the floor: never validated
    assert [(f.text, f.explanation) for f in findings] == [("111", "validator=lazy")]
    detector.asked.clear()
    findings = engine.scan("tel 222 and 111")
    assert sorted(detector.asked) == ["111", "222"]
    assert [f.text for f in findings] == ["111"]  # 222 is invalid: not reported

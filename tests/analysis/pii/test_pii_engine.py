from __future__ import annotations

import random

from aimonitor.analysis.pii.engine import fold, fold_whole


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

"""The refusal patterns' look-ahead only skips positions where no pattern could start."""

from __future__ import annotations

import random
import re

from aimonitor.signals import refusal
from aimonitor.signals.refusal import is_refusal

_PREFIX = r"(?=[iatje])\b(?:"


def test_the_look_ahead_changes_no_answer() -> None:
    source = refusal._PATTERNS.pattern
    assert source.startswith(_PREFIX) and source.endswith(")")
    plain = re.compile(source[len(_PREFIX) : -1], re.IGNORECASE)
    # Vocabulary of every pattern, with case variants and letters re folds onto i and s.
    vocabulary = ["I", "ı", "İ", "i'm", "I am", "sorry", "ſorry", "AFRAID", "can't", "cannot",
                  "won’t", "unable", "not", "able", "to", "help", "as", "an", "AI", "aı",
                  "language", "model", "must", "decline", "this", "THAT", "request", "goes",
                  "against", "my", "guidelines", "JE", "je", "ne", "peux", "pas", "suis",
                  "en", "mesure", "désolée", "navré", "impossible", "tant", "qu'ia", "dois",
                  "refuser", "x", ",", ".", "é"]  # fmt: skip
    rng = random.Random(11)
    texts = [
        " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 12))) for _ in range(30_000)
    ]
    found = [plain.search(text) is not None for text in texts]
    assert sum(found) > 100  # the vocabulary does produce refusals
    assert [is_refusal(text) for text in texts] == found


def test_refusals_in_both_languages() -> None:
    assert is_refusal("I'm sorry, but I can't help with that.")
    assert is_refusal("Je suis désolée, je ne peux pas répondre.")
    assert not is_refusal("Here is how to reset your password.")

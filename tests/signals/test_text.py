from __future__ import annotations

import random

from aimonitor.signals.text import _WORD, words


def _reference(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def test_ascii_shortcut_gives_the_tokens_of_the_general_path() -> None:
    # ASCII text is lower-cased once before tokenising; every other text word by word.
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(128)] + ["'", "_", " "] * 10
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert words(text) == _reference(text)


def test_non_ascii_words_keep_their_own_lower_casing() -> None:
    for text in ("İstanbul ÉTÉ", "L’ÉTÉ d'Orsay", "ΣΟΦΟΣ", "straße STRASSE"):
        assert words(text) == _reference(text)

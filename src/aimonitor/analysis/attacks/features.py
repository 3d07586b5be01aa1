"""The learned tier's features: word uni- and bigrams and character 3–5-grams of the
canonical text, the same code at training time (`training/train_learned.py`) and at run time.

The canonical view is lower-cased, accent-free and de-obfuscated (`normalize.py`), so the
features see through leetspeak and homoglyphs; decoded payloads (base64, hex, URL...) are
appended, so an encoded instruction is read as well. Long texts are cut to a head and a
tail: the cost stays bounded, and attacks sit at the start or the end of what they hide in.

A text is scored window by window (`windows`: runs of whole sentences up to
`WINDOW_CHARS`), and its score is the highest: an instruction hidden in a long document or
a long jailbreak template reads like the short attacks of the training data, instead of
being diluted by the text around it.
"""

from __future__ import annotations

import re
from itertools import pairwise

from aimonitor.analysis.attacks.normalize import Canonical

HEAD_CHARS = 3072
TAIL_CHARS = 1024
CHAR_SIZES = (3, 4, 5)
WINDOW_CHARS = 200
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")
WORD = re.compile(r"\w+")


def feature_text(canonical: Canonical) -> str:
    """The text the features are taken from: the canonical view and every decoded view."""
    parts = [view.text for view in canonical.views if view.source != "raw"]
    text = _SPACES.sub(" ", " ".join(parts)).strip()
    if len(text) > HEAD_CHARS + TAIL_CHARS:
        text = text[:HEAD_CHARS] + " " + text[-TAIL_CHARS:]
    return text


def ngrams(text: str) -> set[str]:
    """The distinct features of a feature text: `w:` word unigrams and bigrams, and
    character n-grams of the text padded with a space at each end."""
    words = WORD.findall(text)
    found = {"w:" + word for word in words}
    found.update(f"w:{first} {second}" for first, second in pairwise(words))
    padded = f" {text} "
    length = len(padded)
    for size in CHAR_SIZES:
        found.update(padded[start : start + size] for start in range(length - size + 1))
    return found


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


def word_ngrams(word: str) -> list[str]:
    """The features a word brings on its own: itself and its character n-grams."""
    padded = f" {word} "
    grams = ["w:" + word]
    for size in CHAR_SIZES:
        grams += [padded[start : start + size] for start in range(len(padded) - size + 1)]
    return grams

"""Small text helpers shared by the signals: words, sentences, content words."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
# A sentence ends at . ! ? or a line break, followed by space; "e.g." style
# abbreviations are rare enough in model answers not to need special casing.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits; an inner apostrophe is kept)."""
    if text.isascii():
        # ASCII lower-casing maps letters to letters one for one: the same tokens, with
        # one lower() instead of one per word.
        return _WORD.findall(text.lower())
    return [w.lower() for w in _WORD.findall(text)]


def sentences(text: str) -> list[str]:
    """Non-empty sentences of `text`, stripped."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]

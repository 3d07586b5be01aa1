"""The text of one JSONL input record, as the command-line tools read it.

`aimonitor scan` and `aimonitor load --prompts` read the same files: a record gives its
text as "text" or as "prompt" (the field `/predict` takes), whichever it has.
"""

from __future__ import annotations

from typing import Final

TEXT_FIELDS: Final = ("text", "prompt")


def record_text(item: object) -> str | None:
    """The record's "text", else its "prompt", when that is a string; None otherwise."""
    if not isinstance(item, dict):
        return None
    for field in TEXT_FIELDS:
        value = item.get(field)
        if isinstance(value, str):
            return value
    return None

"""Latin-1 text as bytes: most European prose fits, and `bytes.translate` then does in
one C pass what would otherwise be a Python loop or a Unicode-aware regex."""

from __future__ import annotations

from collections.abc import Callable


def latin1_bytes(text: str) -> bytes | None:
    """The text's Latin-1 encoding, or None when a character lies outside Latin-1."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def is_latin1(text: str) -> bool:
    return text.isascii() or latin1_bytes(text) is not None


def byte_table(fold_char: Callable[[str], str]) -> tuple[bytes, bytes]:
    """(table, apart) for `bytes.translate`: the table maps each Latin-1 byte to what
    `fold_char` turns its character into, when that is one Latin-1 character; the bytes
    whose character folds to several characters or outside Latin-1 ("½", "µ") are
    listed apart, and a text holding one must take the per-character path."""
    table = bytearray(range(256))
    apart = bytearray()
    for byte in range(256):
        folded = fold_char(chr(byte))
        if len(folded) == 1 and ord(folded) < 256:
            table[byte] = ord(folded)
        else:
            apart.append(byte)
    return bytes(table), bytes(apart)

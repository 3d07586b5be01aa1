"""Which of many regular expressions match somewhere in an ASCII text, in one pass.

The attack rules are only ever asked *whether* they match. Python's `re` answers that one
pattern at a time, backtracking from every candidate position. RE2's `Set` runs all the
patterns together as one automaton over the text, in time linear in its length.

Same answers: for ASCII text and a pattern without look-around, back-references, atomic
groups or possessive quantifiers (RE2 refuses those, and such patterns stay with `re`),
both engines recognise the same language, so "a match exists" has the same answer;
leftmost-first against leftmost-longest only changes *which* match is found. The
character classes agree on ASCII (`\\w`, `\\d`, `\\b` as in `re.ASCII`) except `\\s`: RE2
leaves out the vertical tab (and the separators U+001C-U+001F that Unicode `re` counts),
so a text holding one is refused and the caller uses `re`.
`tests/analysis/test_pattern_set.py` compares both engines rule by rule.

RE2 builds its automaton lazily within a memory budget. When a text makes it give up
(possible with adversarial input), `Set.Match` answers "no match" instead of raising; a
sentinel pattern that matches every text tells a real "none" from a give-up, and the
caller falls back to `re` for that text rather than missing an attack.

A pattern with look-around assertions joins the set without them: dropping an assertion
only lets the pattern match more, so "no match" stays exact and a match is confirmed with
`re` (`to_confirm`), which is rare since the rest of the rule has to match first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from aimonitor.analysis.regex_source import group_end, split_classes, units


def _import_re2() -> ModuleType | None:
    try:
        import re2
    except ImportError:  # no wheel for this platform: every pattern stays with `re`
        return None
    module: ModuleType = re2
    return module


_re2 = _import_re2()

# RE2's default budget per set, which bounds the memory a set can take whatever the input:
# the attack rules need more than 2 MiB to compile and run as fast with 4, 8 or 32 MiB.
MAX_MEMORY = 8 << 20
_SUPPORTED_FLAGS = re.MULTILINE | re.IGNORECASE | re.DOTALL | re.ASCII | re.UNICODE


def _read_alike(pattern: re.Pattern[str], source: str) -> bool:
    """False for Python syntax that RE2 accepts but reads differently: "{,n}" (a repetition
    in `re`, literal text in RE2), "[:alpha:]" inside a class (literal characters in `re`,
    a POSIX class in RE2), and "$" without re.MULTILINE (before a final newline too in
    `re`, only at the very end in RE2)."""
    outside, classes = split_classes(source)
    if "{," in outside or any("[:" in body[1:] for body in classes):
        return False
    return bool(pattern.flags & re.MULTILINE) or "$" not in outside


_LOOKAROUND_OPENERS = ("(?=", "(?!", "(?<=", "(?<!")


def without_lookarounds(source: str) -> str | None:
    """`source` with its look-around groups removed (a pattern that matches wherever the
    original does), or None when it holds none or cannot be followed."""
    out: list[str] = []
    skip_to, removed = 0, False
    for i, end in units(source):
        if i < skip_to:
            continue  # inside a look-around already removed
        if end - i == 1 and source.startswith(_LOOKAROUND_OPENERS, i):
            skip_to = group_end(source, i) + 1
            removed = True
            continue
        out.append(source[i:end])
    return "".join(out) if removed else None


def available() -> bool:
    return _re2 is not None


def _re2_source(pattern: re.Pattern[str], source: str) -> str | None:
    if pattern.flags & ~_SUPPORTED_FLAGS or not _read_alike(pattern, source):
        return None
    inline = "".join(
        letter
        for flag, letter in ((re.MULTILINE, "m"), (re.IGNORECASE, "i"), (re.DOTALL, "s"))
        if pattern.flags & flag
    )
    return (f"(?{inline})" if inline else "") + source


class PatternSet:
    """`names_matching(text)`: among `names`, those whose pattern `search`es `text`
    successfully, or may do so for the names in `to_confirm`; the patterns RE2 cannot
    take at all are listed in `unsupported`."""

    def __init__(self, patterns: Iterable[tuple[str, re.Pattern[str]]]) -> None:
        self.names: frozenset[str] = frozenset()
        self.unsupported: tuple[str, ...] = ()
        self.to_confirm: frozenset[str] = frozenset()
        self._set: Any = None
        self._by_index: list[str] = []
        self._sentinel = -1
        pairs = list(patterns)
        if _re2 is None:
            self.unsupported = tuple(name for name, _ in pairs)
            return
        options = _re2.Options()
        options.max_mem = MAX_MEMORY
        options.log_errors = False
        compiled = _re2.Set.SearchSet(options)
        unsupported: list[str] = []
        relaxed: list[str] = []
        for name, pattern in pairs:
            index = _add(compiled, pattern, pattern.pattern)
            if index is None:
                loose = _loose_source(pattern.pattern)
                index = None if loose is None else _add(compiled, pattern, loose)
                if index is None:
                    unsupported.append(name)
                    continue
                relaxed.append(name)
            if index != len(self._by_index):
                raise RuntimeError("RE2 numbered the patterns out of order")
            self._by_index.append(name)
        self._sentinel = compiled.Add(r"\z")
        try:
            compiled.Compile()
        except _re2.error:  # the program outgrew the budget: `re` answers, as without RE2
            self._by_index = []
            self.unsupported = tuple(name for name, _ in pairs)
            return
        self._set = compiled
        self.names = frozenset(self._by_index)
        self.unsupported = tuple(unsupported)
        self.to_confirm = frozenset(relaxed)

    def names_matching(self, text: str) -> frozenset[str] | None:
        """None when this text must be left to `re`: not ASCII, holding a character that
        `\\s` reads differently, or one RE2 gave up on."""
        if self._set is None or not text.isascii():
            return None
        if _unlike_spaces(text):
            return None
        hits = self._set.Match(text)
        if not hits or self._sentinel not in hits:
            return None
        by_index = self._by_index
        return frozenset(by_index[index] for index in hits if index != self._sentinel)


def _unlike_spaces(text: str) -> bool:
    """Whether the text holds an ASCII character that Python's `\\s` counts as whitespace
    and RE2's does not: the vertical tab (for every pattern) and the four information
    separators (for patterns without re.ASCII). Five `in` tests at memchr speed; a
    `str.isprintable` pre-check looked up every character's category, which cost more."""
    return "\x0b" in text or "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text


def _loose_source(source: str) -> str | None:
    try:
        return without_lookarounds(source)
    except ValueError:
        return None


def _add(compiled: Any, pattern: re.Pattern[str], source: str) -> int | None:
    assert _re2 is not None
    re2_source = _re2_source(pattern, source)
    if re2_source is None:
        return None
    try:
        index: int = compiled.Add(re2_source)
    except _re2.error:
        return None
    return index

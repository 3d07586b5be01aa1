from __future__ import annotations

import pytest

from aimonitor.analysis.regex_source import class_end, group_end, units


@pytest.mark.parametrize(
    ("source", "end"),
    [("[ab]c", 4), ("[]a]c", 4), ("[^]a]c", 5), (r"[\]a]c", 5), ("[(|)]x", 5)],
)
def test_class_end(source: str, end: int) -> None:
    assert class_end(source, 0) == end


def test_group_end_skips_escapes_and_classes() -> None:
    source = r"(?:a[)(]\)(b|c))d"
    assert group_end(source, 0) == len(source) - 2
    assert group_end(source, 10) == len(source) - 3


def test_unbalanced_sources_are_reported() -> None:
    with pytest.raises(ValueError, match="unbalanced"):
        group_end("(ab", 0)
    with pytest.raises(ValueError, match="unterminated"):
        class_end("[ab", 0)


def test_units_keep_escapes_and_classes_whole() -> None:
    source = r"a\(b[)|]c"
    assert [source[i:end] for i, end in units(source)] == ["a", r"\(", "b", "[)|]", "c"]
    assert [source[i:end] for i, end in units(source, 4)] == ["[)|]", "c"]

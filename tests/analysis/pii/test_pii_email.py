from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("écrivez à jean.dupont@exemple.fr merci", ["jean.dupont@exemple.fr"]),
        ("Mail: JOHN_SMITH+news@Mail.Example.co.uk.", ["JOHN_SMITH+news@Mail.Example.co.uk"]),
        ("<a@b.io>, c-d@e-f.org", ["a@b.io", "c-d@e-f.org"]),
        ("user@localhost", []),  # no top-level domain
        ("@handle on social media", []),
        ("a@b.c", []),  # one-letter TLD
        ("x@-bad-.com", []),
        ("double..dot@example.com", []),
    ],
)
def test_email_table(analyzer: Analyzer, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "EMAIL") == expected


def test_email_explanation_names_pattern_and_validator(analyzer: Analyzer) -> None:
    (finding,) = analyzer.scan_pii("contact: a.b@example.com")
    assert finding.detector == "email"
    assert "pattern=email" in finding.explanation
    assert "validator=domain_structure" in finding.explanation
    assert "context=contact" in finding.explanation

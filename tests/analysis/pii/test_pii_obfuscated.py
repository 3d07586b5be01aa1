"""Personal data written to dodge detection: e-mail addresses with "at"/"dot" markers,
phone numbers in words or with odd spacing; and the prose they must not be confused with."""

from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer, Redactor


@pytest.mark.parametrize(
    "address",
    [
        "jean.obf [at] example [dot] com",
        "jean (at) example (dot) com",
        "jean {at} example {dot} com",
        "jean [ at ] example [ dot ] com",
        "JEAN [AT] EXAMPLE [DOT] COM",
        "jean.dupont [at] example.com",
        "jean.dupont@example[dot]com",
        "jean.dupont@example(.)fr",
        "jean at example dot com",
        "jean.dupont at mail dot example dot org",
        "jean dot dupont at gmail dot com",
        "jean arobase exemple point fr",
        "jean point dupont arobase orange point fr",
        "j_dupont (arobase) exemple (point) fr",
        "İrem [at] example [dot] com",
    ],
)
def test_obfuscated_addresses_are_emails(analyzer: Analyzer, address: str) -> None:
    assert found(analyzer, f"Écrivez-moi à {address} demain", "EMAIL") == [address]
    assert found(analyzer, f"Write to {address}.", "EMAIL") == [address]


def test_the_whole_address_is_redacted(analyzer: Analyzer) -> None:
    text = "Contact: jean.obf [at] example [dot] com, or jean at example dot com."
    redacted = Redactor(mode="tag").redact(text, analyzer.scan_pii(text))
    assert redacted == "Contact: <EMAIL_1>, or <EMAIL_2>."


@pytest.mark.parametrize(
    ("written", "region"),
    [
        ("zero six one two three four five six seven eight", "FR"),
        ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "FR"),
        ("zéro six, douze, trente quatre, cinquante six, soixante dix huit", "FR"),
        ("zéro un quarante-deux soixante-huit cinquante-trois zéro zéro", "FR"),
        ("zéro six soixante et onze quatre-vingt-onze vingt et un dix-sept", "FR"),
        ("oh two zero seven nine four six zero nine five eight", "GB"),
        ("+33 six douze trente-quatre cinquante-six soixante-dix-huit", "FR"),
        ("plus four four two zero seven nine four six zero nine five eight", "GB"),
        ("two one two, seven three six, five zero zero zero", "US"),
    ],
)
def test_phone_numbers_in_words_are_phones(analyzer: Analyzer, written: str, region: str) -> None:
    findings = [f for f in analyzer.scan_pii(f"Call me on {written} tonight") if f.type == "PHONE"]
    assert [f.text for f in findings] == [written]
    assert f"phonenumbers({region})" in findings[0].explanation
    redacted = Redactor(mode="tag").redact(f"tel {written}.", analyzer.scan_pii(f"tel {written}."))
    assert redacted == "tel <PHONE_1>."


@pytest.mark.parametrize(
    "number",
    [
        "06  12  34  56  78",
        "06 12  34 56  78",
        "06\t12\t34\t56\t78",
        "0 6 1 2 3 4 5 6 7 8",
        "06\u202f12\u202f34\u202f56\u202f78",
        "06 12 34 5678",
    ],
)
def test_oddly_spaced_phone_numbers_are_phones(analyzer: Analyzer, number: str) -> None:
    assert found(analyzer, f"Appelez le {number} demain", "PHONE") == [number]


# Prose that holds the markers, number words or digit groups without personal data.
BENIGN = [
    "Meet me at the station at noon; the dot product of the two vectors is zero.",
    "Look at example dot com for the slides, then point at the chart.",
    "We arrived at Lyon at seven and left at nine.",
    "I am at home. Dot the i's and cross the t's.",
    "The stock is at 52 dot 3 at the close, said the analyst at Reuters.",
    "Le point important est à midi : un point c'est tout.",
    "Au point de vente, le client paie par carte ; voir le point trois.",
    "Il y a un, deux, trois, quatre, cinq, six, sept, huit, neuf, dix moutons.",
    "Count with me: one, two, three, four, five, six, seven, eight, nine, ten.",
    "We need two or three people, maybe four or five, for six weeks.",
    "Elle a vingt-deux ans, son frère trente et un, leur mère cinquante-six.",
    "The recipe takes two eggs, three cups of flour, one spoon of sugar and four apples.",
    "Version two point one point zero ships on the twenty first.",
    "Rendez-vous à huit heures trente, puis à dix heures, enfin à midi.",
    "Send it to the team at the office; Bob at Acme dot plan is the owner.",
    "The score was six one, six two, six four in the final set.",
    "Chapter twelve, section four, paragraph two, line nine.",
    "Scores: 12 34 56, then 78 90.",
    "The arrays [at] and (dot) are reserved words in that language.",
    "He answered at once: at least three, at most five.",
]


@pytest.mark.parametrize("text", BENIGN)
def test_prose_with_markers_and_number_words_holds_no_personal_data(
    analyzer: Analyzer, text: str
) -> None:
    assert [(f.type, f.text) for f in analyzer.scan_pii(text)] == []


def test_without_re2_the_gate_falls_back_to_re(monkeypatch: pytest.MonkeyPatch) -> None:
    from aimonitor.analysis.pii import base, email_obfuscated, spoken_numbers

    texts = [
        "Call zéro six douze trente-quatre cinquante-six soixante-dix-huit, or bone two "
        "three four five six seven.",
        "Write to jean [at] example [dot] com or jean at example dot com.",
        *BENIGN,
    ]
    expected = [
        (list(spoken_numbers.spoken_numbers(t)), list(email_obfuscated.obfuscated_emails(t)))
        for t in texts
    ]
    assert expected[0][0] and expected[1][1]
    monkeypatch.setattr(base, "_RE2", None)
    monkeypatch.setattr(spoken_numbers, "_RUN_STARTS", base.gate("(?!)", spoken_numbers._RUN))
    for text, (numbers, emails) in zip(texts, expected, strict=True):
        assert list(spoken_numbers.spoken_numbers(text)) == numbers
        assert list(email_obfuscated.obfuscated_emails(text)) == emails

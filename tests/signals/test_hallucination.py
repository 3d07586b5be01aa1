from __future__ import annotations

import pytest

from aimonitor.signals.hallucination import detect_hallucination

PROMPT = "How do I reset my VPN password?"


@pytest.mark.parametrize(
    ("answer", "kinds"),
    [
        ("Open the VPN client settings, choose Reset password, then sign in again.", ()),
        ("See https://vpn-help.example.org/reset for the procedure.", ("url",)),
        ("More at www.vpnsupport.io/faq.", ("url",)),
        ("Studies show that 73.4% of VPN issues come from expired passwords.", ("figure",)),
        ("About 12,5 % des incidents viennent du mot de passe.", ("figure",)),
        ("Resets take on average 1,250 seconds.", ("figure",)),
        ("Password rotation is defined in ISO 27001 and RFC 9110.", ("reference", "reference")),
        ("Rotation reduces risk (Smith et al., 2019).", ("reference",)),
        ("This was demonstrated by Okafor et al. (2021).", ("reference",)),
        ("Cela a été démontré par Dubois et al. (2015).", ("reference",)),
        ("See doi 10.1145/3368089.3409740 for details.", ("reference",)),
        ("The policy changed on 14 March 2021.", ("date",)),
        ("The policy changed in 2019.", ("date",)),
    ],
)
def test_unverifiable_claims_are_reported_by_kind(answer: str, kinds: tuple[str, ...]) -> None:
    result = detect_hallucination(PROMPT, answer)
    assert result.claims == tuple(sorted(kinds))
    assert result.detected == bool(kinds)
    assert result.sources == (("unverifiable_claim",) if kinds else ())
    assert result.unsupported_ratio is None


@pytest.mark.parametrize(
    "answer",
    [
        "Restart the client 3 times, then wait 10 minutes.",  # small numbers are not precise
        "If you see error 404 or the port 8080 is closed, reinstall version 5.12.1.",
        "It costs about 1000 euros.",  # one significant digit
        "Step 1: open settings. Step 2: click reset.",
    ],
)
def test_ordinary_numbers_are_not_claims(answer: str) -> None:
    assert detect_hallucination(PROMPT, answer).detected is False


def test_claims_found_in_prompt_or_context_are_supported() -> None:
    prompt = "Our report says 73.4% of tickets are password resets (see https://intranet.example.com/kb)."
    answer = "Indeed, 73.4 % of tickets are resets; the KB at intranet.example.com/kb explains it."
    assert detect_hallucination(prompt, answer).detected is False
    context = "ISO 27001 requires a review. Incidents fell by 1,250 in 2021."
    answer2 = "Per ISO 27001, incidents fell by 1250 in 2021."
    assert detect_hallucination("Summarise.", answer2, context=context).claims == ()
    assert detect_hallucination("Summarise.", answer2).claims == ("date", "figure", "reference")


def test_unsupported_context_share() -> None:
    context = [
        "The VPN client version 5 requires a password reset every 90 days.",
        "Resets are done in the self-service portal with a one-time code.",
    ]
    grounded = (
        "The VPN client requires a password reset every 90 days. "
        "You do the reset in the self-service portal with a one-time code."
    )
    result = detect_hallucination("How often must I reset?", grounded, context=context)
    assert result.unsupported_ratio == 0.0
    assert not result.detected
    invented = (
        "The VPN client requires a password reset every 90 days. "
        "Since the Cisco acquisition, tokens expire after each Windows login. "
        "Paris hosted memorable Olympic ceremonies along the Seine."
    )
    result = detect_hallucination("How often must I reset?", invented, context=context)
    assert result.unsupported_ratio == pytest.approx(2 / 3)
    assert result.sources == ("unsupported_context",)


def test_generic_advice_without_anchors_is_not_counted_as_unsupported() -> None:
    # Filler cannot be checked against documents; only sentences that name something
    # (a number, a capitalised term) absent from prompt and context count.
    context = "Resets are done in the self-service portal with a one-time code."
    answer = (
        "Keep the setup simple at first and refine it as you learn. "
        "Resets are done in the self-service portal with a one-time code. "
        "Bananas are rich in potassium and several vitamins."
    )
    result = detect_hallucination("How do I reset my VPN password?", answer, context=context)
    assert result.unsupported_ratio == 0.0
    assert not result.detected


def test_names_from_the_prompt_are_not_new_anchors() -> None:
    context = "Password resets are done in the self-service portal."
    answer = "For your Outlook on Windows, keep the profile simple and review it each quarter."
    prompt = "My Outlook on Windows keeps asking for a password."
    assert detect_hallucination(prompt, answer, context=context).unsupported_ratio == 0.0


def test_short_sentences_are_not_judged() -> None:
    result = detect_hallucination("Reset?", "Sure! Done.", context="Some context about VPN.")
    assert result.unsupported_ratio is None
    assert not result.detected


def test_result_never_carries_claim_text() -> None:
    result = detect_hallucination(PROMPT, "Write to https://evil.example.com/jean.dupont now.")
    assert "jean" not in repr(result)

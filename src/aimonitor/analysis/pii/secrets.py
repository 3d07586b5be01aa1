"""Credentials: provider API keys and tokens, JWTs, PEM private-key blocks, and generic
`password = ...` assignments whose value looks random."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter
from collections.abc import Iterator

from aimonitor.analysis.pii.base import Candidate, ScanContext

# (name, pattern). Every pattern begins with a fixed prefix, so a literal search gates it.
_PROVIDER_KEYS: tuple[tuple[str, str], ...] = (
    ("aws_access_key_id", r"(?:AKIA|ASIA|AIDA|AROA)[0-9A-Z]{16}"),
    ("google_api_key", r"AIza[0-9A-Za-z_\-]{35}"),
    ("anthropic_key", r"sk-ant-[A-Za-z0-9_\-]{20,200}+"),
    ("openai_key", r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,200}+"),
    ("github_token", r"gh[pousr]_[A-Za-z0-9]{36,255}+"),
    ("github_pat", r"github_pat_[A-Za-z0-9_]{22,255}+"),
    ("gitlab_token", r"glpat-[A-Za-z0-9_\-]{20,}+"),
    ("slack_token", r"xox[abposr]-[A-Za-z0-9\-]{10,200}+"),
    ("stripe_key", r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,200}+"),
    ("huggingface_token", r"hf_[A-Za-z0-9]{30,}+"),
    ("jwt", r"eyJ[A-Za-z0-9_\-]{5,}+\.eyJ[A-Za-z0-9_\-]{5,}+\.[A-Za-z0-9_\-]{10,}+"),
)
# Gate for `_PROVIDER`: one pass that finds any of the prefixes above. Each branch starts
# with a rarely used character ("_", "-", "J", "x", "A") and looks back for the rest, so
# `re` skips in C between those characters; 18 `in` tests cost five times as much.
_PREFIX_GATE = re.compile(
    r"_(?:(?<=sk_)|(?<=rk_)|(?<=hf_)|(?<=gh[pousr]_)|(?<=github_))"
    r"|-(?:(?<=sk-)|(?<=glpat-))|J(?<=eyJ)|xox|A(?:KIA|SIA|IDA|ROA|Iza)"
)
_PROVIDER = re.compile(
    "|".join(
        f"(?P<{name}>(?<![A-Za-z0-9_\\-]){pattern}(?![A-Za-z0-9_\\-]))"
        for name, pattern in _PROVIDER_KEYS
    )
)

_PEM_BEGIN = re.compile(
    r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----"
)

# key = "value" / key: value, for names that announce a secret.
_ASSIGNMENT = re.compile(
    r"(?i)(?<![A-Za-z0-9_])(?:api[_\-]?key|secret(?:[_\-]?key)?|access[_\-]?token|auth[_\-]?token|"
    r"token|password|passwd|pwd|mot[_ ]de[_ ]passe|client[_\-]?secret)"
    r"[\"']?[ \t]{0,4}[:=][ \t]{0,4}[\"']?([A-Za-z0-9_\-/+=!@#$%^&*.]{12,200}+)"
)
_ASSIGNMENT_WORDS = ("key", "secret", "token", "pass", "pwd", "mot de passe", "mot_de_passe")


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    length = len(value)
    return -sum(count / length * math.log2(count / length) for count in counts.values())


def _jwt_header_ok(token: str) -> bool:
    header = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
        data = json.loads(decoded)
    except (binascii.Error, ValueError):
        return False
    return isinstance(data, dict) and "alg" in data


class SecretsDetector:
    name: str = "secrets"
    types: tuple[str, ...] = ("SECRET",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        text = ctx.text
        if _PREFIX_GATE.search(text) is not None:
            for match in _PROVIDER.finditer(text):
                kind = match.lastgroup or "token"
                value = match.group()
                if kind == "jwt" and not _jwt_header_ok(value):
                    continue
                if kind != "jwt" and kind != "aws_access_key_id" and shannon_entropy(value) < 3.0:
                    continue  # "sk-aaaaaaaaaaaaaaaaaaaaaaaa" is a placeholder, not a key
                validator = "json_header" if kind == "jwt" else "entropy"
                yield Candidate(
                    "SECRET",
                    match.start(),
                    match.end(),
                    0.95,
                    f"pattern={kind}; validator={validator}",
                )
        if "-----BEGIN " in text:
            yield from _pem_blocks(text)
        # An assignment needs "=" or ":"; test those two characters before lower-casing
        # the text and looking for the seven key words.
        if ("=" in text or ":" in text) and any(w in text.lower() for w in _ASSIGNMENT_WORDS):
            for match in _ASSIGNMENT.finditer(text):
                value = match.group(1)
                if shannon_entropy(value) < 3.5 or value.isalpha():
                    continue
                yield Candidate(
                    "SECRET",
                    match.start(1),
                    match.end(1),
                    0.75,
                    "pattern=secret_assignment; validator=entropy>=3.5",
                )


def _pem_blocks(text: str) -> Iterator[Candidate]:
    # Searching END with str.find from each BEGIN would be quadratic on a text made of
    # BEGIN lines; once an END is missing after some point it is missing after any later
    # BEGIN too, so we stop there.
    position = 0
    while True:
        begin = _PEM_BEGIN.search(text, position)
        if begin is None:
            return
        footer = f"-----END {begin.group(1)}-----"
        end = text.find(footer, begin.end())
        if end < 0:
            return
        yield Candidate(
            "SECRET",
            begin.start(),
            end + len(footer),
            0.99,
            f"pattern=pem_private_key; validator=matching_footer({begin.group(1).strip()})",
        )
        position = end + len(footer)

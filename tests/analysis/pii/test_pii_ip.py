from __future__ import annotations

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("login from 192.168.1.10 at noon", ["192.168.1.10"]),
        ("host 8.8.8.8.", ["8.8.8.8"]),
        ("server 2001:db8::8a2e:370:7334 down", ["2001:db8::8a2e:370:7334"]),
        (
            "full 2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"],
        ),
        ("ip fe80::1 link-local", ["fe80::1"]),
        ("ip 256.1.1.1", []),
        ("ip 01.02.03.04", []),  # leading zeros are ambiguous (octal): rejected
        ("version 1.2.3.4 released", []),  # version context
        ("numpy 1.26.4.1", []),
        ("time 12:30:45", []),
        ("mac 00:1A:2B:3C:4D:5E", []),
    ],
)
def test_ip_table(analyzer: Analyzer, text: str, expected: list[str]) -> None:
    assert found(analyzer, text, "IP_ADDRESS") == expected

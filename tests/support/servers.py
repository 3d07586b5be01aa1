"""Finding the real servers and tools the tests start, and ports for them."""

from __future__ import annotations

import os
import shutil
import socket
from typing import NoReturn

import pytest

INSTALL_HINT = "scripts/install-system-deps.sh installs it"


def missing(reason: str) -> NoReturn:
    """Skip locally; fail under CI=true, where every server and tool must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def require_binary(name: str, hint: str = INSTALL_HINT) -> str:
    """The binary's path, or a skip (a failure under CI=true) when it is missing."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed ({hint})")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

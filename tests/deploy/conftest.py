"""Fixtures for the deploy/ tests: the command-line tools they run. A missing tool skips
the test with the reason, except under CI=true where it fails."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# pytest runs with --import-mode=importlib, which leaves sys.path alone: make this
# directory's helper modules (deploy_paths, promql_names) importable by the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.servers import require_binary


@pytest.fixture
def promtool() -> str:
    return require_binary("promtool")


@pytest.fixture
def amtool() -> str:
    return require_binary("amtool")


@pytest.fixture
def docker_compose() -> str:
    return require_binary("docker-compose")

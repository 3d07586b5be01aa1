from __future__ import annotations

import pytest

from aimonitor.analysis import Analyzer


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer.default()

from __future__ import annotations

import stat
from pathlib import Path

from aimonitor.keys import SECRET_FILE_NAME, load_or_create_secret


def test_secret_is_created_private_and_stable(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path / "data")
    second = load_or_create_secret(tmp_path / "data")
    assert first == second
    assert len(first) == 32
    mode = (tmp_path / "data" / SECRET_FILE_NAME).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600

"""The service's local secret: keys the HMAC that pseudonymises client ids and the
hashes of redacted values. Generated once under the data directory, never logged."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_FILE_NAME = "secret.key"


def load_or_create_secret(data_dir: Path) -> bytes:
    """Read `<data_dir>/secret.key`, creating it (mode 0600) on first start.

    A stable key keeps pseudonyms stable across restarts, so the audit trail of one
    client stays linkable without ever storing who the client is.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE_NAME
    if path.exists():
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) >= 16:
            return key
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    return key

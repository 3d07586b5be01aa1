"""Opening the configured store for a command, and what a command answers when it cannot."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from aimonitor.config import ConfigError, load_settings
from aimonitor.store import SqlStore, StoreError, open_store

EXIT_UNAVAILABLE = 2


def with_store(action: Callable[[SqlStore, Path], int]) -> int:
    """Runs `action` on the store the settings name (and the data folder); exit code 2
    with the reason when the settings or the store fail."""
    try:
        settings = load_settings()
        store = open_store(
            settings.resolved_database_url, settings.data_dir, settings.slo_thresholds
        )
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    try:
        return action(store, settings.data_dir)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    finally:
        store.close()

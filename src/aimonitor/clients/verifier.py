"""The per-request key check: from memory, refreshed from the database every second.

Every server process holds its own copy of the active keys, keyed by token hash, and
reloads it when it is older than `refresh_s` (`AIMONITOR_CLIENT_KEYS_REFRESH_S`): a key
created or revoked by any process (or by `aimonitor keys`) takes effect everywhere within
that delay. An unknown token costs one SHA-256 and a dict lookup, never a query. The
reload runs in a short-lived thread (`background=True`), so the event loop that calls
`verify` never waits for the database, except for the very first load.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from aimonitor.clients.model import ClientKey, hash_token
from aimonitor.clients.store import ClientKeyStore

logger = logging.getLogger(__name__)

MAX_TOKEN_CHARS = 256


class KeyVerifier:
    def __init__(
        self,
        store: ClientKeyStore,
        refresh_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        *,
        background: bool = True,
    ) -> None:
        if refresh_s <= 0:
            raise ValueError("refresh_s must be > 0")
        self.store = store
        self.refresh_s = refresh_s
        self._clock = clock
        self._background = background
        self._keys: dict[str, ClientKey] = {}
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    def verify(self, token: str | None) -> ClientKey | None:
        """The active key whose token this is, or None."""
        self._refresh_if_stale()
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        return self._keys.get(hash_token(token))

    @property
    def has_keys(self) -> bool:
        """Whether any active key exists (without keys the gateway serves loopback only)."""
        self._refresh_if_stale()
        return bool(self._keys)

    def refresh(self) -> None:
        try:
            keys = self.store.active_by_hash()
        except SQLAlchemyError:
            # Keep serving with the last copy; a revocation waits for the database.
            logger.exception("client keys could not be reloaded; keeping the previous copy")
            self._loaded_at = self._clock()
            return
        self._keys = keys
        self._loaded_at = self._clock()

    def _refresh_if_stale(self) -> None:
        loaded = self._loaded_at
        if loaded is not None and self._clock() - loaded < self.refresh_s:
            return
        # One reload at a time; other callers use the copy they have.
        if not self._lock.acquire(blocking=loaded is None):
            return
        if loaded is None or not self._background:
            try:
                self.refresh()
            finally:
                self._lock.release()
            return
        threading.Thread(target=self._refresh_and_release, daemon=True).start()

    def _refresh_and_release(self) -> None:
        try:
            self.refresh()
        finally:
            self._lock.release()

"""Store exceptions.

StoreError
 ├── StoreUnavailable   the database cannot be reached or refused to work (retry later)
 └── RecordRejected     this batch can never be written as it is (bad data): retrying
                        will not help; the writer isolates the record and sets it aside
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of the store's exceptions."""


class StoreUnavailable(StoreError):
    """The database is down, locked too long or unreachable."""


class RecordRejected(StoreError):
    """The database rejected the data itself (constraint, type)."""

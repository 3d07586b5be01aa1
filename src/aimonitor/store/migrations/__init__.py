"""Alembic migrations of the store, configured in code by `aimonitor.store.migrate`."""

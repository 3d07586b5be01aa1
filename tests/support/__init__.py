"""Helpers shared by tests (importable because pytest's `pythonpath` includes tests/)."""

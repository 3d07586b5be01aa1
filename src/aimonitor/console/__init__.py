"""The built-in web console at `/console`: static pages shipped in the package and the
JSON endpoints that feed them (`api.py`), reading the store's tables (`queries.py`) and
the live state of the service."""

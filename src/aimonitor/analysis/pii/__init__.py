"""Personal-data detectors, one per file; see `registry.py`."""

"""The package runs from its Python sources: no extension module may sit in the source
tree, where the import system would load it instead of an edited `.py` beside it."""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

import aimonitor

PACKAGE = Path(aimonitor.__file__).resolve().parent


def test_no_extension_module_can_shadow_a_source() -> None:
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    # The package's tree, and the shared library mypyc put beside it.
    candidates = [*PACKAGE.rglob("*"), *PACKAGE.parent.glob("aimonitor*")]
    extensions = sorted(
        str(path.relative_to(PACKAGE.parent)) for path in candidates if path.name.endswith(suffixes)
    )
    assert not extensions, (
        f"extension modules left by an older compiled build shadow their sources: {extensions}; "
        "run `make clean install` (or delete them)"
    )

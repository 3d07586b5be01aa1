"""The detectors' hot modules run compiled by mypyc (setup.py) wherever a C compiler is
there, and never from a stale build: an extension older than its source would run old
code while the tests read the new one."""

from __future__ import annotations

import ast
import importlib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def compiled_sources() -> list[Path]:
    """The COMPILED list of setup.py, read without running setup()."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "COMPILED" for target in node.targets
        ):
            return [ROOT / path for path in ast.literal_eval(node.value)]
    raise AssertionError("setup.py has no COMPILED list")


def module_name(source: Path) -> str:
    return ".".join(source.relative_to(ROOT / "src").with_suffix("").parts)


def test_the_compiled_list_names_existing_modules() -> None:
    sources = compiled_sources()
    assert sources
    for source in sources:
        assert source.is_file(), source


def test_hot_modules_are_compiled() -> None:
    pure = [
        module_name(source)
        for source in compiled_sources()
        if not str(importlib.import_module(module_name(source)).__file__).endswith(".so")
    ]
    if pure and not IN_CI and os.environ.get("AIMONITOR_PURE_PYTHON") == "1":
        pytest.skip("AIMONITOR_PURE_PYTHON=1: the modules were installed as pure Python")
    if pure and not IN_CI:
        pytest.skip(f"not compiled here (no C compiler or mypyc at install time?): {pure}")
    assert not pure, f"CI must run the compiled modules; these are pure Python: {pure}"


def test_no_extension_is_older_than_its_source() -> None:
    stale = []
    for source in compiled_sources():
        for extension in source.parent.glob(source.stem + ".*.so"):
            if extension.stat().st_mtime < source.stat().st_mtime:
                stale.append(str(extension.relative_to(ROOT)))
    assert not stale, f"rebuild with `make install` (pip install -e .): stale {stale}"

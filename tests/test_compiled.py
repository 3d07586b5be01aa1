"""The detectors' hot modules run compiled by mypyc (setup.py) wherever a C compiler is
there, and never from a stale build: an extension older than its source would run old
code while the tests read the new one."""

from __future__ import annotations

import ast
import importlib
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def setup_list(name: str) -> list[Any]:
    """A list assigned in setup.py (COMPILED, NATIVE), read without running setup()."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            value: list[Any] = ast.literal_eval(node.value)
            return value
    raise AssertionError(f"setup.py has no {name} list")


def compiled_sources() -> list[Path]:
    return [ROOT / path for path in setup_list("COMPILED")]


def native_modules() -> list[tuple[str, Path]]:
    """The hand-written C extensions: (module name, C source)."""
    return [(name, ROOT / source) for name, source in setup_list("NATIVE")]


def module_name(source: Path) -> str:
    return ".".join(source.relative_to(ROOT / "src").with_suffix("").parts)


def test_the_compiled_list_names_existing_modules() -> None:
    sources = compiled_sources()
    assert sources
    for source in sources:
        assert source.is_file(), source
    for name, c_source in native_modules():
        assert c_source.is_file(), c_source
        assert c_source.stem == name.rsplit(".", 1)[1]


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def test_hot_modules_are_compiled() -> None:
    pure = [
        module_name(source)
        for source in compiled_sources()
        if not str(importlib.import_module(module_name(source)).__file__).endswith(".so")
    ]
    pure += [name for name, _ in native_modules() if not _importable(name)]
    if pure and not IN_CI and os.environ.get("AIMONITOR_PURE_PYTHON") == "1":
        pytest.skip("AIMONITOR_PURE_PYTHON=1: the modules were installed as pure Python")
    if pure and not IN_CI:
        pytest.skip(f"not compiled here (no C compiler or mypyc at install time?): {pure}")
    assert not pure, f"CI must run the compiled modules; these are pure Python: {pure}"


def test_no_extension_is_older_than_its_source() -> None:
    stale = []
    for source in [*compiled_sources(), *(source for _, source in native_modules())]:
        for extension in source.parent.glob(source.stem + ".*.so"):
            if extension.stat().st_mtime < source.stat().st_mtime:
                stale.append(str(extension.relative_to(ROOT)))
    assert not stale, f"rebuild with `make install` (pip install -e .): stale {stale}"

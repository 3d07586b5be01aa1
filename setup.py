"""Compiles the detectors' per-text code with mypyc, and the embedder's C core, when a
C compiler is there.

Everything else about the package is in pyproject.toml. The modules listed below run on
every prompt and every answer; mypyc turns their (fully typed) Python into C extensions,
which makes a scan about 15 % cheaper (docs/bench/detectors.md). The Python sources stay
the reference: without mypy or a C compiler, or with AIMONITOR_PURE_PYTHON=1, the package
installs as plain Python and behaves the same, only slower. The same holds for
the NATIVE modules, hand-written C for the hashing embedder's counting loop and the
token estimate's piece count (embedding.py and tokens.py keep the reference code, used
without them).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# Kept in step with tests/test_compiled.py, which checks that CI runs these compiled.
COMPILED = [
    "src/aimonitor/analysis/latin1.py",
    "src/aimonitor/analysis/toxicity.py",
    "src/aimonitor/analysis/attacks/normalize.py",
    "src/aimonitor/analysis/attacks/detector.py",
    "src/aimonitor/analysis/pii/base.py",
    "src/aimonitor/analysis/pii/engine.py",
    "src/aimonitor/analysis/pii/credit_card.py",
    "src/aimonitor/analysis/pii/email.py",
    "src/aimonitor/analysis/pii/fr_nir.py",
    "src/aimonitor/analysis/pii/fr_siren.py",
    "src/aimonitor/analysis/pii/iban.py",
    "src/aimonitor/analysis/pii/ip.py",
    "src/aimonitor/analysis/pii/phone.py",
    "src/aimonitor/analysis/pii/secrets.py",
    "src/aimonitor/analysis/pii/us_ssn.py",
]
# Hand-written C extensions (module name, source), also checked by tests/test_compiled.py.
NATIVE = [
    ("aimonitor.signals._hashembed", "src/aimonitor/signals/_hashembed.c"),
    ("aimonitor.signals._tokens", "src/aimonitor/signals/_tokens.c"),
]


class OptionalBuildExt(build_ext):
    """A failed compilation leaves the pure-Python modules in place instead of failing the
    install: the extensions are a speed-up, never a requirement."""

    _group_failed = False

    def run(self) -> None:
        # The group's shared library first (see build_extension).
        self.extensions.sort(key=lambda ext: not ext.name.endswith("__mypyc"))
        try:
            super().run()
        except Exception as error:  # any compiler failure means "stay pure"
            _warn(f"compiling with mypyc failed ({error}); installing pure Python")

    def build_extension(self, ext: Any) -> None:
        # Each mypyc module's extension is a small shim that loads the group's shared
        # library (built first): without that library, no shim may be built, or importing
        # the module would fail instead of falling back to its source.
        if self._group_failed and ext.name not in dict(NATIVE):
            return
        try:
            super().build_extension(ext)
        except Exception as error:
            _warn(f"compiling {ext.name} failed ({error}); it stays pure Python")
            if ext.name.endswith("__mypyc"):
                self._group_failed = True


def _warn(message: str) -> None:
    print(f"aimonitor setup: {message}", file=sys.stderr)


def _ext_modules() -> list[Any]:
    if os.environ.get("AIMONITOR_PURE_PYTHON") == "1":
        return []
    native = [Extension(name, [source], extra_compile_args=["-O2"]) for name, source in NATIVE]
    try:
        from mypyc.build import mypycify
    except ImportError:
        _warn("mypyc is not installed; the detectors stay pure Python")
        return native
    try:
        return [*mypycify(COMPILED, opt_level="3", group_name="aimonitor_native"), *native]
    except BaseException as error:  # mypy exits through SystemExit on errors
        _warn(f"mypyc could not translate the modules ({error}); they stay pure Python")
        return native


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})

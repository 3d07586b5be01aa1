#!/usr/bin/env python3
"""The seed's load client, kept at its historical path:

    python ai_load_client.py --scenario A --requests 100 --concurrency 10 [--url http://localhost:8000]

Same options as `aimonitor load` (see docs/load-client.md). Run with any Python: when
aimonitor is not importable, the script re-runs itself with the project's `.venv`
(created by `make install`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"

if __name__ == "__main__":
    try:
        from aimonitor.commands.load import main
    except ModuleNotFoundError:
        in_venv = Path(sys.prefix).resolve() == VENV_PYTHON.parent.parent.resolve()
        if VENV_PYTHON.exists() and not in_venv:
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])
        sys.exit("ai_load_client.py: aimonitor is not installed; run `make install` first")
    sys.exit(main(prog="ai_load_client.py"))

#!/usr/bin/env python3
"""The seed's load client, kept at its historical path:

    python ai_load_client.py --scenario A --requests 100 --concurrency 10 [--url http://localhost:8000]

Same options as `aimonitor load` (see docs/load-client.md).
"""

from __future__ import annotations

import sys

from aimonitor.commands.load import main

if __name__ == "__main__":
    sys.exit(main(prog="ai_load_client.py"))

"""`aimonitor` command line: `serve`, plus the subcommands of `aimonitor.commands`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from aimonitor import __version__
from aimonitor.config import ConfigError, load_settings

# Explicit list: a subcommand exists because it is named here.
COMMAND_MODULES = ("scan", "audit", "drift", "load", "keys")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from aimonitor.api import create_app
    from aimonitor.telemetry import multiprocess

    overrides: dict[str, object] = {}
    for name in ("host", "port", "workers"):
        if getattr(args, name):
            overrides[name] = getattr(args, name)
    try:
        settings = load_settings(**overrides)
        app = create_app(settings)
    except ConfigError as exc:
        print(f"aimonitor: {exc}", file=sys.stderr)
        return 2
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,  # our JSON logging is already configured
        "access_log": False,  # one JSON line per request comes from the pipeline
        "timeout_graceful_shutdown": 30,
        # The client's address is decided by the service (AIMONITOR_TRUST_PROXY_HEADERS).
        "proxy_headers": False,
    }
    if settings.workers == 1:
        uvicorn.run(app, **options)
        return 0
    # The app built above has checked the settings, migrated the database and created the
    # secret once; each worker builds its own from the same settings.
    app.state.service.store.close()
    multiprocess.prepare(settings.data_dir / "prometheus")
    os.environ.update(
        AIMONITOR_HOST=settings.host,
        AIMONITOR_PORT=str(settings.port),
        AIMONITOR_WORKERS=str(settings.workers),
    )
    uvicorn.run("aimonitor.api.app:create_app", factory=True, workers=settings.workers, **options)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aimonitor",
        description="Observability, security and compliance for AI applications.",
    )
    parser.add_argument("--version", action="version", version=f"aimonitor {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = subparsers.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", help="address to listen on (AIMONITOR_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (AIMONITOR_PORT, default 8000)")
    serve.add_argument(
        "--workers", type=int, help="worker processes (AIMONITOR_WORKERS, default 1)"
    )
    serve.set_defaults(func=_serve)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"aimonitor.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
    except ConfigError as exc:
        print(f"aimonitor: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())

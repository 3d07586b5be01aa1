"""Finding the real servers and tools the tests start, and ports for them."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import pytest
import uvicorn

INSTALL_HINT = "scripts/install-system-deps.sh installs it"


def missing(reason: str) -> NoReturn:
    """Skip locally; fail under CI=true, where every server and tool must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def require_binary(name: str, hint: str = INSTALL_HINT) -> str:
    """The binary's path, or a skip (a failure under CI=true) when it is missing."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed ({hint})")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(
    app: Any, *, lifespan: str = "on", start_timeout_s: float = 30
) -> Iterator[str]:
    """Serves an ASGI app with uvicorn on a loopback port, in a thread of this process;
    yields its base URL and stops it on exit. Host and port rather than a pre-bound
    socket: uvicorn then sets TCP_NODELAY, without which keep-alive answers wait for
    delayed ACKs."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan=lifespan,
        log_config=None,  # never reconfigure the process's logging from a test server
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)

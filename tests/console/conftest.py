"""A real `aimonitor serve` on loopback and a real headless Chromium (Debian's
`chromium`, driven by Playwright; nothing downloads a browser). Without Chromium or
Playwright the browser tests are skipped with the reason, and fail under CI=true."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

# The store's fixtures: a SQLite file and a real PostgreSQL, and request records.
from store.conftest import database_url, make_request, postgres_server, sql_store  # noqa: F401
from support.request_history import write_history
from support.servers import missing, require_binary
from support.service_process import ServiceProcess, running_service

ADMIN_KEY = "console-admin-key-0123456789"
VIEWER_KEY = "console-viewer-key-0123456789"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Set to a directory (docs/img) to keep the screenshots the tests take.
SCREENSHOTS_ENV = "AIMONITOR_SCREENSHOTS_DIR"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    workdir = tmp_path_factory.mktemp("console-service")
    # Two hours of earlier traffic, so that the charts have a history to draw.
    write_history(workdir / "data" / "aimonitor.db", rows=7200, days=2 / 24)
    env = {
        "AIMONITOR_ADMIN_API_KEY": ADMIN_KEY,
        "AIMONITOR_VIEWER_API_KEY": VIEWER_KEY,
        "AIMONITOR_RATE_LIMIT_PER_MINUTE": "100000",
        "AIMONITOR_LOG_LEVEL": "WARNING",
    }
    with running_service(workdir, env) as running:
        yield running


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A persistent Chromium context with a fresh profile."""
    binary = require_binary("chromium", "apt-get install chromium chromium-driver")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -e '.[dev]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=binary,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
        )
        # A machine shared with other work can be slow; a hung page still fails.
        context.set_default_timeout(60_000)
        try:
            yield context
        finally:
            context.close()


@dataclass
class Watched:
    """A page with what the browser reported: console errors and uncaught exceptions,
    and every response body it received."""

    page: Any
    errors: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    wanted = os.environ.get(SCREENSHOTS_ENV)
    return Path(wanted) if wanted else tmp_path


def watch(page: Any) -> Watched:
    watched = Watched(page)
    page.on(
        "console",
        lambda message: watched.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: watched.errors.append(str(error)))

    def keep_body(response: Any) -> None:
        # A redirect, or a body the browser did not keep, has no text.
        with contextlib.suppress(Exception):
            watched.bodies.append(response.text())

    page.on("response", keep_body)
    return watched


def sign_in(page: Any, base_url: str, key: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/console")
    page.fill("#key", key)
    page.press("#key", "Enter")
    page.wait_for_selector("#nav:not([hidden])")


def visit(page: Any, base_url: str, name: str) -> None:
    """Open a console page and wait until its content is in."""
    page.goto(f"{base_url}/console#/{name}")
    page.wait_for_selector(f'#page section[data-page="{name}"] h1')


def predict(base_url: str, prompt: str, **fields: Any) -> httpx.Response:
    return httpx.post(f"{base_url}/predict", json={"prompt": prompt, **fields}, timeout=30)


def keep_screenshot(page: Any, directory: Path, name: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"console-{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 0


@contextlib.contextmanager
def signed_in(chromium: Any, base_url: str, key: str) -> Iterator[Any]:
    """A new page signed in with `key`; no JavaScript error may happen while it is used."""
    page = chromium.new_page()
    watched = watch(page)
    try:
        sign_in(page, base_url, key)
        yield page
        assert watched.errors == []
    finally:
        page.close()

"""The shipped nginx configuration in front of Grafana (deploy/nginx/grafana.conf), run by
a real nginx on loopback: HTTP redirects to HTTPS, HTTPS proxies to Grafana with the
forwarding headers and security headers, addresses outside the allow-list get 403.

Rewritten for the test, and only that: the listen ports (free ports instead of 80/443),
the upstream (a stand-in HTTP server instead of grafana:3000, which nginx would resolve
at start), the certificate paths (a self-signed pair made by the test), and, for the
allow-list case, the loopback line of the `geo` block.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_servers import Server, start_server

from support.servers import free_port, require_binary

pytestmark = pytest.mark.e2e

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "grafana.conf"


@pytest.fixture(scope="module")
def grafana_stand_in() -> Iterator[int]:
    """Answers every GET with the request's path and forwarding headers, as JSON."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(
                {
                    "path": self.path,
                    "host": self.headers.get("Host"),
                    "proto": self.headers.get("X-Forwarded-Proto"),
                    "forwarded_for": self.headers.get("X-Forwarded-For"),
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = require_binary("openssl")
    directory = tmp_path_factory.mktemp("certs")
    cert, key = directory / "tls.crt", directory / "tls.key"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def run_nginx(
    servers: list[Server],
    workdir: Path,
    upstream_port: int,
    certificate: tuple[Path, Path],
    *,
    allow_loopback: bool,
) -> tuple[int, int]:
    nginx = require_binary("nginx")
    workdir.mkdir(parents=True, exist_ok=True)
    http_port, https_port = free_port(), free_port()
    text = CONFIG.read_text(encoding="utf-8")
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "http://grafana:3000": f"http://127.0.0.1:{upstream_port}",
        "/etc/nginx/certs/tls.crt": str(certificate[0]),
        "/etc/nginx/certs/tls.key": str(certificate[1]),
    }
    if not allow_loopback:
        replacements["    127.0.0.1/32    1;\n"] = ""
    for old, new in replacements.items():
        assert old in text, f"shipped config changed: {old!r} not found"
        text = text.replace(old, new)
    (workdir / "grafana.conf").write_text(text, encoding="utf-8")
    temp = workdir / "temp"
    temp.mkdir(exist_ok=True)
    (workdir / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} info;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {workdir / "grafana.conf"};
}}
""",
        encoding="utf-8",
    )
    argv = [nginx, "-p", str(workdir), "-c", str(workdir / "nginx.conf")]
    check = subprocess.run([*argv, "-t"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    server = start_server("nginx", argv, http_port, workdir)
    servers.append(server)
    server.wait_ready("/nginx-health", timeout_s=10)
    return http_port, https_port


def _client() -> httpx.Client:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return httpx.Client(verify=context, timeout=5.0)


def test_http_redirects_and_https_proxies_to_grafana(
    servers: list[Server],
    grafana_stand_in: int,
    certificate: tuple[Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    workdir = tmp_path_factory.mktemp("nginx-allowed")
    http_port, https_port = run_nginx(
        servers, workdir, grafana_stand_in, certificate, allow_loopback=True
    )
    with _client() as client:
        redirect = client.get(f"http://127.0.0.1:{http_port}/d/ai-slo-dashboard")
        assert redirect.status_code == 301
        assert redirect.headers["location"].startswith("https://127.0.0.1")
        response = client.get(f"https://127.0.0.1:{https_port}/d/ai-slo-dashboard")
    assert response.status_code == 200
    upstream = response.json()
    assert upstream["path"] == "/d/ai-slo-dashboard"
    assert upstream["proto"] == "https"
    assert upstream["forwarded_for"] == "127.0.0.1"
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_addresses_outside_the_allow_list_get_403(
    servers: list[Server],
    grafana_stand_in: int,
    certificate: tuple[Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    workdir = tmp_path_factory.mktemp("nginx-denied")
    _, https_port = run_nginx(servers, workdir, grafana_stand_in, certificate, allow_loopback=False)
    with _client() as client:
        response = client.get(f"https://127.0.0.1:{https_port}/")
    assert response.status_code == 403

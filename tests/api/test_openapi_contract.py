"""The OpenAPI schema is the contract: schemathesis sends every operation it declares
generated requests (a bounded number) over HTTP to a real server on loopback, and the
test fails on any 5xx, any status the operation does not declare, and any body or
content type that does not match what is declared for that status."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from aimonitor.api import create_app
from aimonitor.backends.fake_upstream import FakeUpstream
from aimonitor.config import load_settings
from support.servers import serve_in_thread

ADMIN_KEY = "contract-admin-key-0123456789"
VIEWER_KEY = "contract-viewer-key-0123456789"
# The gateway's routes forward every model to the fake upstream (a real HTTP server).
UPSTREAMS = """
upstreams:
  - name: fake
    base_url: {url}/v1
    provider: openai
    models: ["*"]
    timeout_s: 5
    max_retries: 0
"""
# Enough to reach every branch the schema allows, few enough for a loaded 2-core machine.
EXAMPLES_PER_OPERATION = 20
# Scenario C's simulated model fails on purpose (docs/scenarios.md): those declared
# upstream errors are answers, not server errors.
SIMULATED_UPSTREAM_ERRORS = {502: "upstream_error", 504: "upstream_timeout"}


def no_server_error(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    if response.status_code < 500:
        return
    expected = SIMULATED_UPSTREAM_ERRORS.get(response.status_code)
    if case.path == "/predict" and expected and response.json().get("error") == expected:
        return
    raise AssertionError(f"{response.status_code} from {case.operation.label}: {response.text}")


CHECKS = [
    no_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.ignored_auth,
]


@dataclass
class Server:
    url: str
    session: requests.Session


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root: Path = tmp_path_factory.mktemp("contract")
    upstream = FakeUpstream()
    upstream.start()
    upstreams_file = root / "upstreams.yaml"
    upstreams_file.write_text(UPSTREAMS.format(url=upstream.url))
    app = create_app(
        load_settings(
            data_dir=root / "data",
            log_dir=root / "logs",
            sim_latency_scale=0.0,
            admin_api_key=ADMIN_KEY,
            viewer_api_key=VIEWER_KEY,
            rate_limit_per_minute=1_000_000,
            upstreams_file=upstreams_file,
        )
    )
    try:
        with serve_in_thread(app) as url, requests.Session() as session:
            yield Server(url, session)
    finally:
        upstream.stop()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_its_schema_declares(
    server: Server, mode: GenerationMode
) -> None:
    api = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            # The same examples on every run: CI fails on the contract, never on luck.
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            # Reads with the viewer key, changes with the admin key: both roles' paths
            # are exercised, and a read the viewer may not make must answer a declared 403.
            key = VIEWER_KEY if case.method.upper() == "GET" else ADMIN_KEY
            case.call_and_validate(
                session=server.session, headers={"X-API-Key": key}, checks=CHECKS
            )

        try:
            call()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing in this operation to make invalid
        except (AssertionError, BaseExceptionGroup) as exc:  # every operation's failures
            failures[operation.label] = str(exc)[:3000]
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())


def test_the_schema_declares_the_served_validation_error(server: Server) -> None:
    spec = server.session.get(f"{server.url}/openapi.json").json()
    declared = spec["paths"]["/feedback"]["post"]["responses"]["422"]
    assert declared["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrorResponse"
    }
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    answer = server.session.post(f"{server.url}/feedback", json={"rating": 9})
    assert answer.status_code == 422
    assert set(answer.json()) == {"detail", "errors"}


def test_key_routes_declare_their_security(server: Server) -> None:
    spec = server.session.get(f"{server.url}/openapi.json").json()
    assert spec["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"
    assert {"ApiKey": []} in spec["paths"]["/keys"]["post"]["security"]
    assert {"ConsoleSession": []} in spec["paths"]["/stats"]["get"]["security"]
    assert "security" not in spec["paths"]["/health"]["get"]
    metrics = spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert "application/json" not in metrics and "text/plain" in metrics


@pytest.mark.parametrize("chunked", [False, True])
def test_a_gateway_body_over_the_cap_is_refused_in_the_openai_shape(
    server: Server, chunked: bool
) -> None:
    body = b'{"model": "m", "messages": [{"role": "user", "content": "' + b"x" * 2_000_000
    data = iter([body[i : i + 65536] for i in range(0, len(body), 65536)]) if chunked else body
    created = server.session.post(
        f"{server.url}/keys",
        json={"name": f"over-the-cap-{int(chunked)}", "rpm": 100},
        headers={"X-API-Key": ADMIN_KEY},
    )
    assert created.status_code == 201
    answer = server.session.post(
        f"{server.url}/v1/chat/completions",
        data=data,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {created.json()['token']}",
        },
    )
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"]["type"] == "invalid_request_error"
    assert "over" in answer.json()["error"]["message"]

"""Privacy by default, checked on a real process: prompts full of personal data go
through `aimonitor serve` (pointed at a fake upstream that also writes personal data
in its answers), and every file the service wrote — database, WAL, spill, logs — and
everything it printed is searched for the raw values."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from aimonitor.backends.fake_upstream import FakeUpstream, Reply, completion
from support.service_process import running_service

# Checksum-valid values (test card, example IBAN, valid NIR/SSN/phone formats).
SECRETS = {
    "EMAIL": "claire.martin@example-corp.fr",
    "PHONE": "+33 6 12 34 56 78",
    "CREDIT_CARD": "4111 1111 1111 1111",
    "IBAN": "FR76 3000 6000 0112 3456 7890 189",
    "US_SSN": "123-45-6789",
    "IP_ADDRESS": "203.0.113.77",
}
LEAKED_BY_MODEL = "leaked.person@example.org"
VIEWER_KEY = "test-viewer-key-0123456789"

PROMPTS = [
    f"Écris à {SECRETS['EMAIL']} et appelle le {SECRETS['PHONE']} pour le contrat",
    f"My card is {SECRETS['CREDIT_CARD']}, please check the last payment",
    f"Virement vers l'IBAN {SECRETS['IBAN']} demain",
    f"My SSN is {SECRETS['US_SSN']} and my server is {SECRETS['IP_ADDRESS']}",
]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("operator_opted_in", [False, True], ids=["default", "full-text-on"])
def test_no_raw_personal_data_in_anything_the_service_wrote(
    tmp_path: Path, operator_opted_in: bool
) -> None:
    """With the operator's explicit switches on, the same search must find the raw
    values: that shows the search itself can fail."""
    upstream = FakeUpstream()
    upstream.start()
    answer = f"Sure. You can also write to {LEAKED_BY_MODEL} for help."
    upstream.reply(*[Reply(200, completion(answer)) for _ in range(len(PROMPTS) * 2)])
    env = {
        "AIMONITOR_BACKEND": "openai",
        "AIMONITOR_UPSTREAM_URL": upstream.url,
        "AIMONITOR_UPSTREAM_API_KEY": "sk-test-upstream-key",
        "AIMONITOR_LOG_LEVEL": "DEBUG",
        "AIMONITOR_VIEWER_API_KEY": VIEWER_KEY,
    }
    if operator_opted_in:
        env.update(AIMONITOR_AUDIT_STORE_TEXT="full", AIMONITOR_LOG_TEXT="true")
    output_file = tmp_path / "stdout.txt"
    try:
        with output_file.open("wb") as output, running_service(tmp_path, env, output) as service:
            base = service.base_url
            bodies = []
            for i, prompt in enumerate(PROMPTS):
                response = httpx.post(
                    f"{base}/predict",
                    json={"prompt": prompt, "conversation_id": f"conv-{i % 2}", "user_id": "bob"},
                    timeout=10,
                )
                assert response.status_code == 200, response.text
                bodies.append(response.json())
            feedback = httpx.post(
                f"{base}/feedback",
                json={
                    "request_id": bodies[0]["request_id"],
                    "rating": 2,
                    "comment": f"reply to {SECRETS['EMAIL']} please",
                    "category": f"call {SECRETS['PHONE']}",
                },
                timeout=10,
            )
            assert feedback.status_code == 200
            # The model's own leak is redacted in what the user gets back.
            assert all(LEAKED_BY_MODEL not in body["response"] for body in bodies)
            assert all(body["security"]["pii_output"] == {"EMAIL": 1} for body in bodies)
            # The upstream only ever saw redacted prompts.
            seen_by_model = " ".join(str(r.body) for r in upstream.received)
            for value in SECRETS.values():
                assert value not in seen_by_model
            endpoints = ["/stats", "/metrics"]
            if not operator_opted_in:
                endpoints.append("/conversations/conv-0")
            for endpoint in endpoints:
                response = httpx.get(
                    f"{base}{endpoint}", headers={"X-API-Key": VIEWER_KEY}, timeout=10
                )
                assert response.status_code == 200, (endpoint, response.text)
                text = response.text
                for value in (*SECRETS.values(), LEAKED_BY_MODEL):
                    assert value not in text, (endpoint, value)
    finally:
        upstream.stop()

    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in written)
    assert any(p.name == "app.log" for p in written)
    everything = b"".join(path.read_bytes() for path in written)
    assert b"sk-test-upstream-key" not in everything  # never, whatever the switches
    for value in (*SECRETS.values(), LEAKED_BY_MODEL):
        if operator_opted_in:
            assert value.encode() in everything, f"{value!r} should be kept when asked"
        else:
            for path in written:
                assert value.encode() not in path.read_bytes(), f"{value!r} found in {path}"

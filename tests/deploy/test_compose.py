"""The three compose stacks: `docker-compose config` accepts them with the required
variables set and refuses them without (no default password), every mounted file exists,
the enhanced stack checks the health of every service, ports follow the seeds."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_paths import DEPLOY, REPO

from aimonitor.config import load_settings

STANDARD = DEPLOY / "docker-compose.yml"
ENHANCED = DEPLOY / "docker-compose-enhanced.yml"
SCALABLE = DEPLOY / "docker-compose.scalable.yml"
ROOT = REPO / "docker-compose.yml"
COMPOSE_FILES = [STANDARD, ENHANCED, SCALABLE, ROOT]

REQUIRED_ENV = {
    "GF_ADMIN_PASSWORD": "a-long-test-password",
    "AIMONITOR_ADMIN_API_KEY": "0123456789abcdef0123",
    "AM_WEBHOOK_DEFAULT_URL": "http://hooks.example/default",
    "OPENSEARCH_ADMIN_PASSWORD": "Test-Passw0rd!",
    "ZO_ROOT_USER_EMAIL": "admin@example.org",
    "ZO_ROOT_USER_PASSWORD": "another-test-password",
}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def compose_config(
    docker_compose: str, path: Path, env_file: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    # --env-file keeps a developer's deploy/.env out of the test; the process env is
    # reduced to PATH/HOME so that variables of the shell do not leak in either.
    env = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    return subprocess.run(
        [docker_compose, "-f", str(path), "--env-file", str(env_file), "config", *extra],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    path = tmp_path / "test.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in REQUIRED_ENV.items()), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_docker_compose_config_accepts(docker_compose: str, env_file: Path, path: Path) -> None:
    result = compose_config(docker_compose, path, env_file, "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_default_passwords(docker_compose: str, tmp_path: Path, path: Path) -> None:
    empty = tmp_path / "empty.env"
    empty.write_text("", encoding="utf-8")
    result = compose_config(docker_compose, path, empty, "-q")
    assert result.returncode != 0
    assert re.search(r"set \w+ in deploy/\.env", result.stderr), result.stderr


def test_root_compose_file_is_the_standard_stack(docker_compose: str, env_file: Path) -> None:
    root = compose_config(docker_compose, ROOT, env_file)
    standard = compose_config(docker_compose, STANDARD, env_file)
    assert root.returncode == standard.returncode == 0, root.stderr + standard.stderr
    assert root.stdout == standard.stdout


def _bind_sources(service: dict[str, Any]) -> list[str]:
    sources = []
    for volume in service.get("volumes", []):
        source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source")
        if source and source.startswith("."):
            sources.append(source)
    return sources


@pytest.mark.parametrize("path", COMPOSE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_mounted_file_and_build_context_exists(path: Path) -> None:
    base = path.parent
    for name, service in load(path)["services"].items():
        for source in _bind_sources(service):
            assert (base / source).exists(), f"{path.name} {name}: {source} missing"
        build = service.get("build")
        if build:
            context = base / (build["context"] if isinstance(build, dict) else build)
            dockerfile = context / (build.get("dockerfile", "Dockerfile"))
            assert context.is_dir() and dockerfile.is_file(), f"{name}: {dockerfile}"


def test_enhanced_stack_checks_the_health_of_every_service() -> None:
    services = load(ENHANCED)["services"]
    assert len(services) == 9
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_enhanced_grafana_is_reachable_only_through_the_tls_proxy() -> None:
    services = load(ENHANCED)["services"]
    assert "ports" not in services["grafana"]
    nginx = services["nginx"]
    assert any(port.endswith(":443") for port in nginx["ports"])
    assert "./nginx/grafana.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    config = (DEPLOY / "nginx" / "grafana.conf").read_text(encoding="utf-8")
    assert "listen 443 ssl" in config
    assert "proxy_pass http://grafana:3000" in config
    assert "return 403" in config  # source address allow-list


def _published(path: Path) -> set[int]:
    ports = set()
    for service in load(path)["services"].values():
        for port in service.get("ports", []):
            ports.add(int(str(port).rsplit(":", 1)[1].split("/")[0]))
    return ports


def test_ports_follow_the_seeds() -> None:
    # Seed 000: 3000, 9090, 3100, 8889; seed 001: app 8000, Tempo 3200, OTLP 4317/4318,
    # Alertmanager 9093; scalable: VictoriaMetrics 8428, OpenSearch 9200, Dashboards 5601,
    # OpenObserve 5080, Fluent-bit 2020.
    assert {8000, 3000, 9090, 3100, 8889, 3200, 4317, 4318, 9093} <= _published(STANDARD)
    assert {8000, 3000, 8428, 9200, 5601, 5080, 2020, 3200, 4317, 4318, 9093} <= _published(
        SCALABLE
    )
    assert len(load(STANDARD)["services"]) == 8
    assert len(load(SCALABLE)["services"]) == 11


def test_env_example_lists_every_variable_the_stacks_read() -> None:
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    for path in (STANDARD, ENHANCED, SCALABLE):
        used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]+)", path.read_text(encoding="utf-8")))
        assert used <= listed, f"{path.name}: {sorted(used - listed)} not in .env.example"
    # No secret has a value in the example.
    for key in ("GF_ADMIN_PASSWORD", "AIMONITOR_ADMIN_API_KEY", "OPENSEARCH_ADMIN_PASSWORD"):
        assert re.search(rf"^{key}=$", example, re.MULTILINE), key


def test_app_image_runs_the_service_from_the_repository_root() -> None:
    dockerfile = (DEPLOY / "app" / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["aimonitor", "serve", "--host", "0.0.0.0", "--port", "8000"]' in dockerfile
    for source in re.findall(r"^COPY (?!--)(.+) \S+$", dockerfile, re.MULTILINE):
        for item in source.split():
            assert (REPO / item).exists(), item
    for path in (STANDARD, ENHANCED, SCALABLE):
        app = load(path)["services"]["app"]
        assert app["build"] == {"context": "..", "dockerfile": "deploy/app/Dockerfile"}


@pytest.mark.parametrize("path", [STANDARD, ENHANCED, SCALABLE], ids=lambda p: p.name)
def test_app_environment_is_a_valid_service_configuration(
    docker_compose: str,
    env_file: Path,
    path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = compose_config(docker_compose, path, env_file)
    assert result.returncode == 0, result.stderr
    environment = yaml.safe_load(result.stdout)["services"]["app"]["environment"]
    monkeypatch.chdir(tmp_path)  # no stray .env
    for key in list(os.environ):
        if key.startswith(("AIMONITOR_", "OTEL_", "SLO_")):
            monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, str(value))
    settings = load_settings()
    assert settings.environment == "production"
    assert settings.host == "0.0.0.0"
    assert settings.otel_exporter_otlp_endpoint == "http://otel-collector:4318"
    assert settings.slo_latency_threshold_ms == 1000

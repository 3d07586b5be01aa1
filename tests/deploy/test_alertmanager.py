"""Alertmanager: the template renders from the environment, amtool accepts the result,
and every team/severity pair routes to the expected receiver."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_paths import DEPLOY

AM_DIR = DEPLOY / "alertmanager"
TEAMS = ("quality", "security", "compliance", "slo", "infrastructure", "cost")
TEAM_URLS = {team: f"http://hooks.example:9000/{team}?token=a&b=1" for team in TEAMS}


def render(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "alertmanager.yml"
    full_env = {
        "PATH": os.environ["PATH"],
        "AM_CONFIG_TEMPLATE": str(AM_DIR / "alertmanager.tmpl.yml"),
        **env,
    }
    return subprocess.run(
        ["sh", str(AM_DIR / "render.sh"), "--render-only", str(out)],
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    env = {"AM_WEBHOOK_DEFAULT_URL": "http://hooks.example:9000/default"}
    env |= {f"AM_WEBHOOK_{team.upper()}_URL": url for team, url in TEAM_URLS.items()}
    env["AM_WEBHOOK_PAGER_URL"] = "https://pager.example/hook"
    result = render(tmp_path, env)
    assert result.returncode == 0, result.stderr
    return tmp_path / "alertmanager.yml"


def receivers(config: Path) -> dict[str, list[str]]:
    data: dict[str, Any] = yaml.safe_load(config.read_text(encoding="utf-8"))
    return {
        receiver["name"]: [hook["url"] for hook in receiver.get("webhook_configs", [])]
        for receiver in data["receivers"]
    }


def test_amtool_accepts_the_rendered_configuration(amtool: str, rendered: Path) -> None:
    result = subprocess.run(
        [amtool, "check-config", str(rendered)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_rendering_fills_every_url_from_the_environment(rendered: Path) -> None:
    urls = receivers(rendered)
    assert urls["default"] == ["http://hooks.example:9000/default"]
    for team, url in TEAM_URLS.items():
        assert urls[team] == [url]  # '&' in a URL survives sed
        assert urls[f"{team}-page"] == [url, "https://pager.example/hook"]


def test_team_urls_fall_back_to_the_default(tmp_path: Path) -> None:
    result = render(tmp_path, {"AM_WEBHOOK_DEFAULT_URL": "http://fallback.example/x"})
    assert result.returncode == 0, result.stderr
    urls = receivers(tmp_path / "alertmanager.yml")
    assert {url for hooks in urls.values() for url in hooks} == {"http://fallback.example/x"}


def test_rendering_refuses_a_missing_or_bad_url(tmp_path: Path) -> None:
    missing = render(tmp_path, {})
    assert missing.returncode != 0
    assert "AM_WEBHOOK_DEFAULT_URL" in missing.stderr
    bad = render(
        tmp_path, {"AM_WEBHOOK_DEFAULT_URL": "http://ok.example", "AM_WEBHOOK_COST_URL": "x"}
    )
    assert bad.returncode != 0
    assert "AM_WEBHOOK_COST_URL" in bad.stderr


ROUTES = [(team, "warning", team) for team in TEAMS]
ROUTES += [(team, "critical", f"{team}-page") for team in TEAMS]


@pytest.mark.parametrize(("team", "severity", "receiver"), ROUTES)
def test_routes(amtool: str, rendered: Path, team: str, severity: str, receiver: str) -> None:
    result = subprocess.run(
        [
            amtool, "config", "routes", "test", f"--config.file={rendered}",
            f"--verify.receivers={receiver}", "alertname=Example",
            f"team={team}", f"severity={severity}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == receiver


def test_unlabelled_alerts_reach_the_default_receiver(amtool: str, rendered: Path) -> None:
    result = subprocess.run(
        [amtool, "config", "routes", "test", f"--config.file={rendered}", "alertname=Other"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "default"


def test_critical_inhibits_its_warning(rendered: Path) -> None:
    data = yaml.safe_load(rendered.read_text(encoding="utf-8"))
    rules = data["inhibit_rules"]
    generic = rules[0]
    assert generic["source_matchers"] == ['severity="critical"']
    assert generic["target_matchers"] == ['severity="warning"']
    assert {"alertname", "team"} <= set(generic["equal"])


def test_every_team_of_the_alert_rules_has_a_route() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "rules" / "alerts.yml").read_text())
    teams = {rule["labels"]["team"] for group in rules["groups"] for rule in group["rules"]}
    template = (AM_DIR / "alertmanager.tmpl.yml").read_text(encoding="utf-8")
    for team in teams:
        assert f"'team=\"{team}\"'" in template, team

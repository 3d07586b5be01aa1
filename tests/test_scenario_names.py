"""The seed's scenario names are accepted wherever a scenario is."""

from __future__ import annotations

import pytest

from aimonitor.api.schemas import PredictRequest
from aimonitor.types import SCENARIO_ALIASES, Scenario

SEED_NAMES = {
    "baseline": Scenario.A,
    "drift": Scenario.B,
    "latency-spike": Scenario.C,
    "prompt-injection": Scenario.B,
    "high-risk": Scenario.B,
    "toxic": Scenario.B,
    "after-mitigation": Scenario.A,
}


@pytest.mark.parametrize(("name", "scenario"), SEED_NAMES.items())
def test_seed_names_map_to_a_scenario(name: str, scenario: Scenario) -> None:
    assert Scenario.parse(name) is scenario
    assert Scenario.parse(name.upper()) is scenario
    assert Scenario(name) is scenario
    assert PredictRequest.model_validate({"prompt": "hi", "scenario": name}).scenario is scenario


@pytest.mark.parametrize("value", ["a", " B ", "c"])
def test_letters_in_any_case(value: str) -> None:
    assert Scenario.parse(value).value == value.strip().upper()


@pytest.mark.parametrize("value", ["D", "", "baselines", "mix"])
def test_unknown_names_are_refused_with_the_accepted_ones(value: str) -> None:
    with pytest.raises(ValueError, match="accepted: A, B, C, baseline"):
        Scenario.parse(value)
    with pytest.raises(ValueError):
        Scenario(value)


def test_every_alias_names_a_scenario() -> None:
    assert set(SCENARIO_ALIASES.values()) <= {s.value for s in Scenario}
    assert set(SEED_NAMES) <= set(SCENARIO_ALIASES)

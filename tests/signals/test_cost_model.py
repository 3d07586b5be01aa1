from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from aimonitor.signals.cost import DailyBudget, PriceTable

REPO = Path(__file__).resolve().parents[2]


def test_packaged_table_has_the_simulated_model_and_a_default() -> None:
    prices = PriceTable.load()
    assert "aimonitor-sim-1" in prices.models
    assert prices.models[-1] == "other"
    assert "default" not in prices.models
    assert prices.cost("aimonitor-sim-1", 1000, 1000) == pytest.approx(0.0005 + 0.0015)


def test_config_prices_is_the_packaged_file() -> None:
    link = REPO / "config" / "prices.yaml"
    assert link.is_symlink()
    packaged = REPO / "src" / "aimonitor" / "signals" / "prices.yaml"
    assert link.resolve() == packaged.resolve()


@pytest.mark.parametrize(
    ("model", "canonical"),
    [
        ("gpt-4o", "gpt-4o"),
        ("GPT-4o", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("openai/gpt-4.1-mini", "gpt-4.1-mini"),
        ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
        ("mistral-large-latest", "mistral-large"),
        ("llama3:8b", "other"),
        ("default", "other"),
        ("'; DROP TABLE", "other"),
    ],
)
def test_canonical_model_is_a_closed_set(model: str, canonical: str) -> None:
    prices = PriceTable.load()
    assert prices.canonical_model(model) == canonical
    assert prices.canonical_model(model) in prices.models


def test_unknown_models_use_the_default_row() -> None:
    prices = PriceTable.load()
    assert prices.cost("llama3:8b", 2000, 500) == pytest.approx(2 * 0.0023 + 0.5 * 0.0092)


def test_custom_table(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("models:\n  mine: {input: 1, output: 2}\n  default: {input: 0, output: 0}\n")
    prices = PriceTable.load(path)
    assert prices.cost("mine", 500, 1500) == pytest.approx(0.5 + 3.0)
    assert prices.models == ("mine", "other")


@pytest.mark.parametrize(
    "text",
    [
        "models: {mine: {input: 1, output: 2}}\n",  # no default
        "models: {default: {input: -1, output: 2}}\n",
        "models: [1, 2]\n",
        "nothing: here\n",
    ],
)
def test_bad_tables_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(text)
    with pytest.raises(ValueError):
        PriceTable.load(path)


def test_daily_budget_counts_down_and_resets_at_utc_midnight() -> None:
    budget = DailyBudget(1.0)
    day = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    assert budget.add(0.25, day) == pytest.approx(0.75)
    assert budget.add(0.5, day + timedelta(hours=1)) == pytest.approx(0.25)
    assert budget.add(0.5, day + timedelta(hours=1, minutes=30)) == pytest.approx(-0.25)
    assert budget.add(0.1, day + timedelta(hours=2, minutes=1)) == pytest.approx(0.9)


def test_daily_budget_uses_the_utc_day_of_aware_times() -> None:
    budget = DailyBudget(1.0)
    paris = timezone(timedelta(hours=1))
    budget.add(0.4, datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    # 00:15 in Paris is still 23:15 UTC on the same day.
    assert budget.add(0.4, datetime(2026, 3, 2, 0, 15, tzinfo=paris)) == pytest.approx(0.2)


def test_no_limit_means_no_remaining_but_spending_is_kept() -> None:
    budget = DailyBudget(None)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert budget.add(3.0, now) is None
    assert budget.spent(now) == 3.0
    with pytest.raises(ValueError):
        DailyBudget(-1)

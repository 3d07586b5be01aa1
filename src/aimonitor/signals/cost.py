"""Cost in EUR from a price table, and a daily budget that resets at UTC midnight."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

DEFAULT_ROW: Final = "default"
OTHER_MODEL: Final = "other"
_PROVIDER_PREFIXES: Final = ("openai/", "mistralai/", "mistral/", "anthropic/", "azure/")


@dataclass(frozen=True, slots=True)
class Price:
    input: float  # EUR per `per_tokens` input tokens
    output: float


class PriceTable:
    """EUR prices per model; `canonical_model` gives a closed set for metric labels."""

    def __init__(self, prices: dict[str, Price], per_tokens: int = 1000) -> None:
        if DEFAULT_ROW not in prices:
            raise ValueError(f"a price table needs a {DEFAULT_ROW!r} row")
        self._prices = prices
        self._per_tokens = per_tokens
        # Longest names first, so "gpt-4o-mini-2024" matches "gpt-4o-mini", not "gpt-4o".
        self._by_length = sorted((m for m in prices if m != DEFAULT_ROW), key=len, reverse=True)

    @classmethod
    def load(cls, path: Path | None = None) -> PriceTable:
        """Read a prices YAML file; None reads the packaged `prices.yaml`."""
        if path is None:
            text = resources.files("aimonitor.signals").joinpath("prices.yaml").read_text("utf-8")
            origin = "packaged prices.yaml"
        else:
            text = Path(path).read_text(encoding="utf-8")
            origin = str(path)
        data: Any = yaml.safe_load(text)
        try:
            models = data["models"]
            prices = {
                str(name).lower(): Price(float(row["input"]), float(row["output"]))
                for name, row in models.items()
            }
            per_tokens = int(data.get("per_tokens", 1000))
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            raise ValueError(f"{origin}: expected models: {{name: {{input, output}}}}") from exc
        if any(p.input < 0 or p.output < 0 for p in prices.values()):
            raise ValueError(f"{origin}: prices must not be negative")
        return cls(prices, per_tokens)

    @property
    def models(self) -> tuple[str, ...]:
        """The canonical names (every row but "default"), plus "other"."""
        return (*sorted(self._by_length), OTHER_MODEL)

    def canonical_model(self, model: str) -> str:
        name = model.strip().lower()
        for prefix in _PROVIDER_PREFIXES:
            name = name.removeprefix(prefix)
        if name in self._prices and name != DEFAULT_ROW:
            return name
        for known in self._by_length:
            if name.startswith(known + "-") or name.startswith(known + ":"):
                return known
        return OTHER_MODEL

    def price(self, model: str) -> Price:
        canonical = self.canonical_model(model)
        return self._prices[DEFAULT_ROW if canonical == OTHER_MODEL else canonical]

    def cost(self, model: str, tokens_in: int, tokens_out: int) -> float:
        price = self.price(model)
        return (price.input * tokens_in + price.output * tokens_out) / self._per_tokens


class DailyBudget:
    """Spending against a daily limit; the day is the UTC calendar day."""

    def __init__(self, limit_eur: float | None) -> None:
        if limit_eur is not None and limit_eur < 0:
            raise ValueError("the daily budget must not be negative")
        self.limit_eur = limit_eur
        self._day: date | None = None
        self._spent = 0.0
        self._lock = threading.Lock()

    def add(self, eur: float, now: datetime) -> float | None:
        """Record spending; return what is left today (may be negative), None without a limit."""
        with self._lock:
            self._roll(now)
            self._spent += eur
            return None if self.limit_eur is None else self.limit_eur - self._spent

    def remaining(self, now: datetime) -> float | None:
        with self._lock:
            self._roll(now)
            return None if self.limit_eur is None else self.limit_eur - self._spent

    def spent(self, now: datetime) -> float:
        with self._lock:
            self._roll(now)
            return self._spent

    def _roll(self, now: datetime) -> None:
        day = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(UTC).date()
        if day != self._day:
            self._day, self._spent = day, 0.0

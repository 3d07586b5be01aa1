"""Stage 1: the client's rate limit, keyed on who the client is (a client key's name,
else its network address), never on a field the client chooses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aimonitor.guardrails import GuardrailEngine, RateLimiter
from aimonitor.pipeline.state import RequestState, Stop
from aimonitor.types import Action, Decision


class RateLimitStage:
    name = "rate_limit"

    def __init__(self, engine: GuardrailEngine, limiter: RateLimiter) -> None:
        self.engine = engine
        self.limiter = limiter

    async def run(self, state: RequestState) -> RequestState:
        if state.daily_budget_eur is not None:
            spent = self.limiter.spent(state.client, datetime.now(UTC))
            if spent >= state.daily_budget_eur:
                return state.refuse(
                    Decision.RATE_LIMITED,
                    Stop(
                        429,
                        "the client key's daily budget is spent",
                        guardrail="budget",
                        retry_after_s=_seconds_to_midnight(),
                    ),
                )
        config = self.engine.configs().get("rate_limiter")
        if config is None or not config.enabled:
            return state
        decision = self.limiter.hit(state.client, state.rate_limit_per_minute)
        trigger = self.engine.evaluate_rate_limit(decision)
        if trigger is None:
            return state
        state.triggers.append(trigger)
        if trigger.action is not Action.BLOCK:
            return state
        return state.refuse(
            Decision.RATE_LIMITED,
            Stop(
                429,
                trigger.reason,
                guardrail="rate_limiter",
                retry_after_s=max(1, decision.retry_after_s),
            ),
        )


def _seconds_to_midnight() -> int:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds()))

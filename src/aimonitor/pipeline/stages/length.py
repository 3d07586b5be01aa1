"""Stage 2: the prompt's length. The hard cap (AIMONITOR_MAX_PROMPT_CHARS) always
holds; the prompt_length guardrail may be stricter, or only warn."""

from __future__ import annotations

from aimonitor.guardrails import GuardrailEngine
from aimonitor.pipeline.state import RequestState, Stop
from aimonitor.types import Action, Decision, GuardrailTrigger


class LengthStage:
    name = "length"

    def __init__(self, engine: GuardrailEngine, max_chars: int) -> None:
        self.engine = engine
        self.max_chars = max_chars

    async def run(self, state: RequestState) -> RequestState:
        size = len(state.prompt)
        trigger = self.engine.check_length(state.prompt)
        if size > self.max_chars and (trigger is None or trigger.action is not Action.BLOCK):
            trigger = GuardrailTrigger(
                "prompt_length",
                Action.BLOCK,
                f"prompt is {size} characters, AIMONITOR_MAX_PROMPT_CHARS is {self.max_chars}",
            )
        if trigger is None:
            return state
        state.triggers.append(trigger)
        if trigger.action is not Action.BLOCK:
            return state
        return state.refuse(Decision.REJECTED, Stop(413, trigger.reason, guardrail="prompt_length"))

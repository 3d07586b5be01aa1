"""Stage 5: a conversation's earlier turns, from the store, so that every worker
process sends the model the same history — never with personal data the model was
not shown."""

from __future__ import annotations

import asyncio

from aimonitor.pipeline.state import RequestState
from aimonitor.pipeline.storage_policy import TextPolicy
from aimonitor.store import AuditWriter, Store, Turn

MAX_TURNS = 10


class HistoryStage:
    name = "history"

    def __init__(self, store: Store, writer: AuditWriter, text_policy: TextPolicy) -> None:
        self.store = store
        self.writer = writer
        self.text_policy = text_policy

    async def run(self, state: RequestState) -> RequestState:
        if state.conversation_id is None:
            return state
        turns = await asyncio.to_thread(self._turns, state.conversation_id)
        seen = self.text_policy.as_model_saw
        state.history = tuple(
            (seen(turn.prompt_text, state.conversation_id), seen(turn.response_text, None))
            for turn in turns[-MAX_TURNS:]
            if turn.prompt_text is not None and turn.response_text is not None
        )
        return state

    def _turns(self, conversation_id: str) -> list[Turn]:
        # This process's own last turns may still be on their way to the database.
        self.writer.flush()
        return self.store.conversation(conversation_id)

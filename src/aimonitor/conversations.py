"""Which conversations this worker process has served lately, for the
`ai_active_conversations` gauge and conversation ages. The turns themselves (and the
history sent to the model) come from the store."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

ACTIVE_WINDOW_S = 30 * 60


@dataclass
class _Conversation:
    started_at: float
    last_at: float
    turns: int = 0


@dataclass(frozen=True, slots=True)
class TurnInfo:
    turn_index: int  # 1-based index of the new turn
    age_s: float  # time since the conversation's first turn


class ConversationTracker:
    """Bounded LRU of conversations; thread-safe."""

    def __init__(self, max_conversations: int = 10_000, clock: object = time.monotonic) -> None:
        self._items: OrderedDict[str, _Conversation] = OrderedDict()
        self._max = max_conversations
        self._clock = clock
        self._lock = threading.Lock()

    def _now(self) -> float:
        return float(self._clock())  # type: ignore[operator]

    def add_turn(self, conversation_id: str) -> TurnInfo:
        now = self._now()
        with self._lock:
            item = self._items.get(conversation_id)
            if item is None:
                item = _Conversation(started_at=now, last_at=now)
                self._items[conversation_id] = item
                if len(self._items) > self._max:
                    self._items.popitem(last=False)
            else:
                self._items.move_to_end(conversation_id)
            item.turns += 1
            item.last_at = now
            return TurnInfo(turn_index=item.turns, age_s=now - item.started_at)

    def forget(self, conversation_id: str) -> None:
        with self._lock:
            self._items.pop(conversation_id, None)

    def active_count(self) -> int:
        cutoff = self._now() - ACTIVE_WINDOW_S
        with self._lock:
            return sum(1 for item in self._items.values() if item.last_at >= cutoff)

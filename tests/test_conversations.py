from __future__ import annotations

from aimonitor.conversations import ACTIVE_WINDOW_S, ConversationTracker


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_turns_and_age() -> None:
    clock = FakeClock()
    tracker = ConversationTracker(clock=clock)
    first = tracker.add_turn("c1")
    clock.now += 12
    second = tracker.add_turn("c1")
    assert (first.turn_index, second.turn_index) == (1, 2)
    assert second.age_s == 12


def test_active_count_and_forget() -> None:
    clock = FakeClock()
    tracker = ConversationTracker(clock=clock)
    tracker.add_turn("old")
    clock.now += ACTIVE_WINDOW_S + 1
    tracker.add_turn("new")
    assert tracker.active_count() == 1
    tracker.forget("new")
    assert tracker.active_count() == 0


def test_bounded() -> None:
    tracker = ConversationTracker(max_conversations=2)
    for name in ("a", "b", "c"):
        tracker.add_turn(name)
    assert tracker.active_count() == 2
    assert tracker.add_turn("a").turn_index == 1  # forgotten: the oldest went first

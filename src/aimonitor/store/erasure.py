"""Erasure must also hold for records that were still on their way when it happened.

A request can sit in the journal, not yet in the database, while its conversation is
erased; when it reaches the store afterwards, its texts must not come back. Both stores
therefore drop the texts of any event of a conversation erased *after* the event was
created. Turns created after the erasure keep theirs: the conversation may go on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from aimonitor.store.records import Event, FeedbackRecord, RequestRecord, utc


def conversation_of(event: Event, request_conversations: dict[str, str]) -> str | None:
    """The conversation an event belongs to (feedback: that of its request)."""
    if isinstance(event, RequestRecord):
        return event.conversation_id
    if isinstance(event, FeedbackRecord):
        return request_conversations.get(event.request_id)
    return None


def without_erased_texts(
    event: Event, conversation_id: str | None, erased_at: dict[str, datetime]
) -> Event:
    if conversation_id is None or conversation_id not in erased_at:
        return event
    if utc(event.created_at) > erased_at[conversation_id]:
        return event
    if isinstance(event, RequestRecord):
        return replace(event, prompt_text=None, response_text=None)
    if isinstance(event, FeedbackRecord):
        return replace(event, comment=None)
    return event

"""A chat completion request as the gateway reads it: the few fields it needs checked,
every other field passed to the upstream untouched."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request

from aimonitor.api.gateway.errors import OpenAIError
from aimonitor.pipeline import Message

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
# Whose words the input analyses judge: the user's, and what tools and retrieved
# documents bring in (indirect injection arrives there).
ANALYSED_ROLES = frozenset({"user", "tool", "function"})
MAX_MESSAGES = 2048
MAX_MODEL_CHARS = 256


@dataclass(frozen=True, slots=True)
class ChatRequest:
    body: dict[str, Any]
    model: str
    texts: list[Message]
    stream: bool
    include_usage: bool
    user: str | None

    @property
    def prompt(self) -> str:
        return "\n\n".join(message.text for message in self.texts)


async def read_json(request: Request) -> Any:
    """The body as JSON, or a 400 in the OpenAI shape."""
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise OpenAIError(400, "the body is not valid JSON") from None


def parse_chat(body: Any) -> ChatRequest:
    if not isinstance(body, dict):
        raise OpenAIError(400, "the body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model.strip() or len(model) > MAX_MODEL_CHARS:
        raise OpenAIError(400, "model must be a non-empty string", param="model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise OpenAIError(400, "messages must be a non-empty array", param="messages")
    if len(messages) > MAX_MESSAGES:
        raise OpenAIError(400, f"at most {MAX_MESSAGES} messages", param="messages")
    texts: list[Message] = []
    for index, message in enumerate(messages):
        texts.extend(_texts(message, index))
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise OpenAIError(400, "stream must be a boolean", param="stream")
    options = body.get("stream_options")
    if options is not None and not isinstance(options, dict):
        raise OpenAIError(400, "stream_options must be an object", param="stream_options")
    user = body.get("user")
    return ChatRequest(
        body=body,
        model=model,
        texts=texts,
        stream=stream,
        include_usage=bool(options and options.get("include_usage")),
        user=user if isinstance(user, str) and user else None,
    )


def _texts(message: Any, index: int) -> list[Message]:
    param = f"messages[{index}]"
    if not isinstance(message, dict):
        raise OpenAIError(400, f"{param} must be an object", param=param)
    role = message.get("role")
    if role not in ROLES:
        raise OpenAIError(400, f"{param}.role must be one of {sorted(ROLES)}", param=param)
    content = message.get("content")
    if content is None:
        return []
    if isinstance(content, str):
        return [Message(role, content, index)] if role in ANALYSED_ROLES else []
    if not isinstance(content, list):
        raise OpenAIError(400, f"{param}.content must be a string or an array", param=param)
    texts = []
    for part_index, part in enumerate(content):
        if not isinstance(part, dict):
            raise OpenAIError(400, f"{param}.content[{part_index}] must be an object", param=param)
        text = part.get("text")
        if part.get("type") == "text" and isinstance(text, str) and role in ANALYSED_ROLES:
            texts.append(Message(role, text, index, part_index))
    return texts


def upstream_body(
    request: ChatRequest, redacted: dict[tuple[int, int | None], str]
) -> dict[str, Any]:
    """The client's body with the redacted texts in place (a copy: the original stays
    as sent)."""
    if not redacted:
        return request.body
    body = dict(request.body)
    messages = copy.deepcopy(body["messages"])
    for (index, part), text in redacted.items():
        if part is None:
            messages[index]["content"] = text
        else:
            messages[index]["content"][part]["text"] = text
    body["messages"] = messages
    return body

"""Server-sent events, read as the OpenAI streaming API uses them: the `data:` fields of
each event joined by newlines; comments and other fields are ignored."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator

MAX_EVENT_BYTES = 1 << 20  # an upstream that never ends an event must not fill memory


async def sse_data(lines: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """Yields the data of each event; `lines` are raw lines, line ends included or not."""
    data: list[bytes] = []
    size = 0
    async for raw in lines:
        line = raw.rstrip(b"\r\n")
        if not line:
            if data:
                yield b"\n".join(data)
                data, size = [], 0
            continue
        if line.startswith(b"data:"):
            value = line[5:]
            value = value[1:] if value.startswith(b" ") else value
            size += len(value)
            if size > MAX_EVENT_BYTES:
                raise ValueError("server-sent event larger than 1 MiB")
            data.append(value)
    if data:
        yield b"\n".join(data)

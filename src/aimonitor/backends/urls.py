"""Where an OpenAI-compatible upstream's endpoints are, from the URL an operator gives.

URL rule (see docs/scenarios.md, "OpenAI-compatible upstream"): trailing slashes and a
trailing `/chat/completions` are dropped; a URL with no path gets `/v1`; then
`/chat/completions` is appended. So `http://h:8000`, `http://h:8000/v1` and
`http://h:8000/v1/chat/completions` all post to `http://h:8000/v1/chat/completions`,
while `https://h/openai/v1beta` is kept as the base.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def chat_completions_url(base_url: str) -> str:
    """Apply the URL rule described in the module docstring."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("upstream URL must be an absolute http(s) URL")
    path = parts.path.rstrip("/").removesuffix("/chat/completions").rstrip("/")
    if not path:
        path = "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path + "/chat/completions", parts.query, ""))


def api_base(base_url: str) -> str:
    """The base the other endpoints hang from (`.../v1`)."""
    return chat_completions_url(base_url).removesuffix("/chat/completions")

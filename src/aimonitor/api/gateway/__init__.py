"""The OpenAI-compatible gateway's HTTP side: request parsing, OpenAI-shaped errors,
and the streamed answer. The routes are in `aimonitor.api.routes.chat` and
`aimonitor.api.routes.openai_models`."""

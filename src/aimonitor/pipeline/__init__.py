"""One request's flow, as an ordered list of stages (one module each, in `stages/`):

    rate_limit -> length -> input_analysis -> input_guardrails -> history -> model
      -> output_guardrails -> signals -> record

`runner.Pipeline` runs them; `state.RequestState` is what travels between them;
`metering.Meter` writes every metric. The HTTP adapters (`/predict`, the chat gateway)
build a state, run the pipeline and render the state as their answer.
"""

from aimonitor.pipeline.model_call import BackendCall, ModelCall
from aimonitor.pipeline.runner import Pipeline
from aimonitor.pipeline.state import Message, RequestState, Stop

__all__ = [
    "BackendCall",
    "Message",
    "ModelCall",
    "Pipeline",
    "RequestState",
    "Stop",
]

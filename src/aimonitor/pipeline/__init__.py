"""One request's flow, stage by stage:

    rate limit -> length -> input analysis -> input guardrails -> model
      -> output analysis -> output guardrails -> signals -> emit

`flow.Pipeline` runs the stages, `emit.Emitter` meters, audits and logs the outcome,
`request` holds the data that travels between them.
"""

from aimonitor.pipeline.flow import TRANSPARENCY_NOTICE, Pipeline
from aimonitor.pipeline.request import ClientInfo, PredictInput, PredictOutcome

__all__ = ["TRANSPARENCY_NOTICE", "ClientInfo", "Pipeline", "PredictInput", "PredictOutcome"]

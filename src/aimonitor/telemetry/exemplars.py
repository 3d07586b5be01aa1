"""Exemplars: the trace id of a request attached to the histogram sample it produced.

Usage, inside the request span:

    histogram.labels(scenario).observe(seconds, exemplar=trace_exemplar(trace_id))

Prometheus keeps exemplars only when it scrapes the OpenMetrics format and runs with
`--enable-feature=exemplar-storage`; Grafana then links a latency point to its trace.
"""

from __future__ import annotations

from typing import Final

# Grafana's Prometheus datasource maps this label to the Tempo trace id.
TRACE_ID_LABEL: Final = "trace_id"


def trace_exemplar(trace_id: str | None) -> dict[str, str] | None:
    """The exemplar labels for `trace_id`, or None (no exemplar) when there is no trace."""
    if not trace_id:
        return None
    return {TRACE_ID_LABEL: trace_id}

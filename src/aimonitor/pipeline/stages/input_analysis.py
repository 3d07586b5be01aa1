"""Stage 3: the detectors (personal data, attacks, toxicity) and the AI Act risk
classifier on what the client sent."""

from __future__ import annotations

import time

from aimonitor.analysis import Analyzer
from aimonitor.analysis.risk import RiskClassifier
from aimonitor.pipeline.state import RequestState


class InputAnalysisStage:
    name = "input_analysis"

    def __init__(self, analyzer: Analyzer, risk_classifier: RiskClassifier) -> None:
        self.analyzer = analyzer
        self.risk_classifier = risk_classifier

    async def run(self, state: RequestState) -> RequestState:
        scan = self.analyzer.scan(state.prompt)
        start = time.perf_counter()
        state.risk = self.risk_classifier.classify(state.prompt)
        state.detector_seconds = {**scan.timings, "risk": time.perf_counter() - start}
        state.input_scan = scan
        # Known before any guardrail decides, so blocked requests are audited with them.
        state.scores["attack"] = round(scan.attack.score, 4)
        # Which tier said what, for the audit record (scores only: never prompt text).
        state.scores["attack_rules"] = round(scan.attack.rules_score, 4)
        if scan.attack.learned_score is not None:
            state.scores["attack_learned"] = round(scan.attack.learned_score, 4)
        state.scores["toxicity"] = round(scan.toxicity.score, 4)
        return state

"""The facade the pipeline and `aimonitor scan` call: all detectors over one text."""

from __future__ import annotations

from pathlib import Path
from time import perf_counter

from aimonitor.analysis.attacks.detector import AttackDetector
from aimonitor.analysis.attacks.heavy import BAND_LOW, HeavyModel, default_heavy_model
from aimonitor.analysis.attacks.learned import LearnedModel, default_model
from aimonitor.analysis.attacks.normalize import Canonical, canonicalize
from aimonitor.analysis.attacks.verdict import combine, escalate
from aimonitor.analysis.config import AnalysisConfig, load_defaults, load_yaml
from aimonitor.analysis.pii import registry
from aimonitor.analysis.pii.engine import PiiEngine
from aimonitor.analysis.toxicity import ToxicityDetector
from aimonitor.types import AttackResult, Finding, ScanResult, ToxicityResult

NOT_JUDGED = AttackResult(score=0.0, detected=False, tier="none")


class Analyzer:
    """Stateless after construction and safe to share between threads."""

    def __init__(self, config: AnalysisConfig) -> None:
        self.config = config
        pii = config.pii
        self.pii = PiiEngine(
            [registry.build(name, options) for name, options in pii.detectors.items()],
            pii.context,
            min_score=pii.min_score,
            context_window=pii.context_window,
            context_boost=pii.context_boost,
            negative_penalty=pii.negative_penalty,
        )
        self.attacks = AttackDetector(threshold=config.attack_threshold)
        self.learned: LearnedModel | None = default_model() if config.attack_learned else None
        self.heavy: HeavyModel | None = default_heavy_model() if config.attack_heavy else None
        self.toxicity = ToxicityDetector(threshold=config.toxicity_threshold)

    @classmethod
    def default(cls) -> Analyzer:
        return cls(load_defaults())

    @classmethod
    def from_yaml(cls, path: str | Path) -> Analyzer:
        return cls(load_yaml(path))

    def scan(self, text: str, *, attacks: bool = True) -> ScanResult:
        """Every detector over `text`. A model's answer is scanned with `attacks=False`:
        prompt attacks are judged where they come in, and no output guardrail reads them."""
        started = perf_counter()
        findings = self.pii.scan(text)
        pii_done = perf_counter()
        canonical = canonicalize(text)
        attack = self._attack(text, canonical) if attacks else NOT_JUDGED
        attack_done = perf_counter()
        toxicity = self.toxicity.detect(text, canonical)
        toxicity_done = perf_counter()
        return ScanResult(
            findings=findings,
            attack=attack,
            toxicity=toxicity,
            timings={
                "pii": pii_done - started,
                "attack": attack_done - pii_done,
                "toxicity": toxicity_done - attack_done,
            },
        )

    def scan_pii(self, text: str) -> tuple[Finding, ...]:
        return self.pii.scan(text)

    def detect_attack(self, text: str) -> AttackResult:
        return self._attack(text, canonicalize(text))

    def _attack(self, text: str, canonical: Canonical) -> AttackResult:
        """The tiers, one verdict (`attacks/verdict.py`): rules and learned tier on every
        text, the heavy tier only when their combined score is just below the threshold."""
        rules = self.attacks.detect(text, canonical)
        learned = self.learned.score(canonical) if self.learned is not None else None
        result = combine(rules, learned, self.attacks.threshold)
        heavy = self.heavy
        if heavy is not None and BAND_LOW <= result.score < self.attacks.threshold:
            # The window the learned tier found most suspicious: what the heavy tier was
            # trained on, and a bounded cost whatever the prompt's length.
            probability = heavy.probability(learned.window if learned is not None else text)
            result = escalate(
                result, probability, heavy.calibrated(probability), self.attacks.threshold
            )
        return result

    def detect_toxicity(self, text: str) -> ToxicityResult:
        return self.toxicity.detect(text)

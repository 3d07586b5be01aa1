"""The guardrail engine: turns what the detectors found into a policy decision.

The engine never inspects text itself (the detectors did); it compares their scores
with the live configuration. Every guardrail that fires is reported as a
`GuardrailTrigger` with a reason that names scores and types but never the personal
data itself, so reasons are safe to log, store and return to the client.

Precedence when several guardrails would block: prompt_length, risk_policy,
injection_protection, toxicity_filter, pii_protection (input); toxicity_filter,
output_pii_leak (output). All firing guardrails are still reported, so the metrics
count every decision.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from aimonitor.guardrails.config import (
    INJECTION_PROTECTION,
    OUTPUT_PII_LEAK,
    PII_PROTECTION,
    PROMPT_LENGTH,
    RATE_LIMITER,
    RISK_POLICY,
    TOXICITY_FILTER,
    AttackOverride,
    AttackPolicy,
    GuardrailConfig,
    validate_update,
)
from aimonitor.guardrails.errors import UnknownGuardrailError
from aimonitor.guardrails.ratelimit import RateLimitDecision
from aimonitor.types import (
    Action,
    Finding,
    GuardrailTrigger,
    RiskAssessment,
    RiskLevel,
    ScanResult,
)

# The integer thresholds of risk_policy, from least to most severe.
RISK_RANK: dict[RiskLevel, int] = {
    RiskLevel.MINIMAL: 0,
    RiskLevel.LIMITED: 1,
    RiskLevel.HIGH: 2,
    RiskLevel.UNACCEPTABLE: 3,
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The guardrails' decision on one text."""

    triggers: tuple[GuardrailTrigger, ...]
    blocked_by: GuardrailTrigger | None
    # What the pipeline must redact: from the prompt before the model (and before
    # storage), or from the answer before the client sees it.
    redact_findings: tuple[Finding, ...]

    @property
    def blocked(self) -> bool:
        return self.blocked_by is not None


class InputVerdict(Verdict):
    """The input guardrails' decision on one prompt."""

    __slots__ = ()


class OutputVerdict(Verdict):
    """The output guardrails' decision on one answer."""

    __slots__ = ()


def _first_block(triggers: list[GuardrailTrigger]) -> GuardrailTrigger | None:
    return next((t for t in triggers if t.action is Action.BLOCK), None)


def _type_summary(findings: tuple[Finding, ...]) -> str:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.type] = counts.get(finding.type, 0) + 1
    return ", ".join(f"{kind}×{n}" for kind, n in sorted(counts.items()))


class GuardrailEngine:
    """Applies the live guardrail configuration; safe to share between threads.

    `update` swaps in a new configuration at once: a request evaluated after the
    call sees it, one already being evaluated finishes with the configuration it
    started with (each evaluation reads one consistent snapshot)."""

    def __init__(
        self, configs: Mapping[str, GuardrailConfig], attack_policy: AttackPolicy | None = None
    ) -> None:
        for name, config in configs.items():
            if name != config.name:
                raise ValueError(f"configuration under {name!r} is named {config.name!r}")
            validate_update(None, name, config.enabled, config.threshold, config.action.value)
        self._configs: dict[str, GuardrailConfig] = dict(configs)
        self._attack_policy = attack_policy if attack_policy is not None else AttackPolicy()
        self._lock = threading.Lock()

    @property
    def attack_policy(self) -> AttackPolicy:
        return self._attack_policy

    def set_attack_policy(self, policy: AttackPolicy) -> AttackPolicy:
        """Replace the prompt-attack policy (allow-phrases, client and route overrides);
        returns the previous one. Requests evaluated after the call see the new one."""
        with self._lock:
            previous, self._attack_policy = self._attack_policy, policy
        return previous

    def configs(self) -> dict[str, GuardrailConfig]:
        return dict(self._configs)

    def get(self, name: str) -> GuardrailConfig:
        try:
            return self._configs[name]
        except KeyError:
            raise UnknownGuardrailError(f"unknown guardrail {name!r}") from None

    def update(self, config: GuardrailConfig) -> GuardrailConfig:
        """Replace one guardrail's configuration; returns the previous one."""
        previous = self.get(config.name)
        validate_update(previous, config.name, config.enabled, config.threshold, config.action)
        with self._lock:
            # Copy-on-write: readers hold the old dict until they finish.
            configs = dict(self._configs)
            configs[config.name] = config
            self._configs = configs
        return previous

    # --- input ---------------------------------------------------------------

    def check_length(self, prompt: str) -> GuardrailTrigger | None:
        """prompt_length alone, so the pipeline can refuse a huge prompt before
        running the detectors on it."""
        return self._length(self._configs, prompt)

    def evaluate_input(
        self,
        prompt: str,
        scan: ScanResult,
        risk: RiskAssessment,
        *,
        client: str | None = None,
        route: str | None = None,
    ) -> InputVerdict:
        """The input guardrails' decision. `client` (the client key's name) and `route`
        ("predict", "chat") select the prompt-attack policy's overrides."""
        configs = self._configs
        triggers: list[GuardrailTrigger] = []
        for trigger in (
            self._length(configs, prompt),
            self._risk(configs, risk),
            self._attack(configs, scan, prompt, self._attack_policy, client, route),
            self._toxicity(configs, scan, "input"),
        ):
            if trigger is not None:
                triggers.append(trigger)
        pii_trigger, redact = self._pii(configs.get(PII_PROTECTION), scan, "input")
        if pii_trigger is not None:
            triggers.append(pii_trigger)
        return InputVerdict(tuple(triggers), _first_block(triggers), redact)

    def evaluate_output(self, answer: str, scan: ScanResult) -> OutputVerdict:
        del answer  # the scan already holds everything the policy needs
        configs = self._configs
        triggers: list[GuardrailTrigger] = []
        toxicity = self._toxicity(configs, scan, "output")
        if toxicity is not None:
            triggers.append(toxicity)
        pii_trigger, redact = self._pii(configs.get(OUTPUT_PII_LEAK), scan, "output")
        if pii_trigger is not None:
            triggers.append(pii_trigger)
        return OutputVerdict(tuple(triggers), _first_block(triggers), redact)

    def evaluate_rate_limit(self, decision: RateLimitDecision) -> GuardrailTrigger | None:
        """The rate_limiter trigger for a limiter decision (None when allowed or when
        the guardrail is disabled). With action `warn` the request is served."""
        config = self._configs.get(RATE_LIMITER)
        if config is None or not config.enabled or decision.allowed:
            return None
        return GuardrailTrigger(
            RATE_LIMITER,
            config.action,
            f"more than {decision.limit} requests per minute from this client; "
            f"retry after {decision.retry_after_s} s",
        )

    # --- the individual guardrails ------------------------------------------------

    @staticmethod
    def _length(configs: Mapping[str, GuardrailConfig], prompt: str) -> GuardrailTrigger | None:
        config = configs.get(PROMPT_LENGTH)
        if config is None or not config.enabled or len(prompt) <= config.threshold:
            return None
        return GuardrailTrigger(
            PROMPT_LENGTH,
            config.action,
            f"prompt is {len(prompt)} characters, the limit is {int(config.threshold)}",
        )

    @staticmethod
    def _risk(
        configs: Mapping[str, GuardrailConfig], risk: RiskAssessment
    ) -> GuardrailTrigger | None:
        config = configs.get(RISK_POLICY)
        if config is None or not config.enabled or RISK_RANK[risk.level] < config.threshold:
            return None
        what = f" ({risk.domain})" if risk.domain else ""
        rule = f", rule {risk.rule}" if risk.rule else ""
        return GuardrailTrigger(
            RISK_POLICY, config.action, f"AI Act risk level {risk.level.value}{what}{rule}"
        )

    @staticmethod
    def _attack(
        configs: Mapping[str, GuardrailConfig],
        scan: ScanResult,
        prompt: str,
        policy: AttackPolicy,
        client: str | None,
        route: str | None,
    ) -> GuardrailTrigger | None:
        config = configs.get(INJECTION_PROTECTION)
        attack = scan.attack
        if config is None or not config.enabled or attack.score < config.threshold:
            return None
        override = policy.override_for(client, route)
        if override is AttackOverride.ALLOW:
            return None
        families = f" ({', '.join(attack.families)})" if attack.families else ""
        reason = (
            f"prompt attack score {attack.score:.2f} ≥ {config.threshold:.2f}{families}, "
            f"{attack.tier} tier"
        )
        action = config.action
        if override is not None:
            action = Action.BLOCK if override is AttackOverride.BLOCK else Action.WARN
            reason += f"; {'client' if client in policy.clients else 'route'} policy {override}"
        elif action is Action.BLOCK:
            phrase = policy.allowed_phrase(prompt)
            if phrase is not None:
                action = Action.WARN
                reason += f"; allowed by allow-phrase #{phrase + 1}"
        return GuardrailTrigger(INJECTION_PROTECTION, action, reason)

    @staticmethod
    def _toxicity(
        configs: Mapping[str, GuardrailConfig], scan: ScanResult, stage: str
    ) -> GuardrailTrigger | None:
        config = configs.get(TOXICITY_FILTER)
        toxicity = scan.toxicity
        if config is None or not config.enabled or toxicity.score < config.threshold:
            return None
        categories = f" ({', '.join(toxicity.categories)})" if toxicity.categories else ""
        what = "prompt" if stage == "input" else "answer"
        return GuardrailTrigger(
            TOXICITY_FILTER,
            config.action,
            f"{what} toxicity score {toxicity.score:.2f} ≥ {config.threshold:.2f}{categories}",
            stage=stage,
        )

    @staticmethod
    def _pii(
        config: GuardrailConfig | None, scan: ScanResult, stage: str
    ) -> tuple[GuardrailTrigger | None, tuple[Finding, ...]]:
        if config is None or not config.enabled:
            return None, ()
        findings = tuple(
            sorted(
                (f for f in scan.findings if f.score >= config.threshold),
                key=lambda f: (f.start, f.end),
            )
        )
        if not findings:
            return None, ()
        where = "prompt" if stage == "input" else "answer"
        consequence = {
            Action.REDACT: "redacted",
            Action.BLOCK: "blocked",
            Action.WARN: "reported only",
        }[config.action]
        trigger = GuardrailTrigger(
            config.name,
            config.action,
            f"{len(findings)} personal data finding(s) in the {where} "
            f"({_type_summary(findings)}): {consequence}",
            stage=stage,
        )
        # A blocked request is still stored: its findings are redacted there too.
        redact = findings if config.action in (Action.REDACT, Action.BLOCK) else ()
        return trigger, redact

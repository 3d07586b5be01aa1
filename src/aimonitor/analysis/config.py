"""Loading the detectors' configuration from YAML (`defaults.yaml` ships with the package)."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from aimonitor.analysis.pii.engine import ContextRule

DEFAULTS_RESOURCE = "defaults.yaml"


@dataclass(frozen=True, slots=True)
class PiiConfig:
    detectors: dict[str, dict[str, Any]]  # enabled detectors, in order, with their options
    context: dict[str, ContextRule]
    min_score: float = 0.5
    context_window: int = 48
    context_boost: float = 0.35
    negative_penalty: float = 0.5


@dataclass(frozen=True, slots=True)
class AnalysisConfig:
    pii: PiiConfig
    attack_threshold: float = 0.5
    attack_learned: bool = True  # the learned tier beside the rules
    attack_heavy: bool = False  # the MiniLM tier for unsure prompts (extra `ml`)
    toxicity_threshold: float = 0.5
    source: str = field(default="")


def load_defaults() -> AnalysisConfig:
    text = resources.files("aimonitor.analysis").joinpath(DEFAULTS_RESOURCE).read_text("utf-8")
    return parse(yaml.safe_load(text), source=f"aimonitor.analysis/{DEFAULTS_RESOURCE}")


def load_yaml(path: str | Path) -> AnalysisConfig:
    with open(path, encoding="utf-8") as handle:
        return parse(yaml.safe_load(handle), source=str(path))


def parse(data: Any, source: str = "") -> AnalysisConfig:
    if not isinstance(data, dict):
        raise ValueError(f"{source}: expected a mapping at the top level")
    pii = data.get("pii") or {}
    detectors: dict[str, dict[str, Any]] = {}
    for name, options in (pii.get("detectors") or {}).items():
        options = dict(options or {})
        if options.pop("enabled", True):
            detectors[str(name)] = options
    context = {
        str(kind): ContextRule(
            tuple(str(w) for w in (rule or {}).get("words", ())),
            tuple(str(w) for w in (rule or {}).get("negative_words", ())),
        )
        for kind, rule in (pii.get("context") or {}).items()
    }
    return AnalysisConfig(
        pii=PiiConfig(
            detectors=detectors,
            context=context,
            min_score=float(pii.get("min_score", 0.5)),
            context_window=int(pii.get("context_window", 48)),
            context_boost=float(pii.get("context_boost", 0.35)),
            negative_penalty=float(pii.get("negative_penalty", 0.5)),
        ),
        attack_threshold=_threshold(data, "attack", source),
        attack_learned=_flag(data, "attack", "learned", source),
        attack_heavy=_flag(data, "attack", "heavy", source, default=False),
        toxicity_threshold=_threshold(data, "toxicity", source),
        source=source,
    )


def _flag(data: dict[str, Any], section: str, key: str, source: str, default: bool = True) -> bool:
    value = (data.get(section) or {}).get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{source}: {section}.{key} must be true or false, got {value!r}")
    return value


def _threshold(data: dict[str, Any], section: str, source: str) -> float:
    value = float((data.get(section) or {}).get("threshold", 0.5))
    if not 0.0 < value <= 1.0:
        raise ValueError(f"{source}: {section}.threshold must be in (0, 1], got {value}")
    return value

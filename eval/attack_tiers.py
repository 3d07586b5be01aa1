"""The prompt-attack detector's two tiers measured side by side (part of `make eval`).

Sets: our labelled set (`attacks_labelled.jsonl`), the public set and the held-out
red-team set (`data/`). The benign pool is every benign prompt of the three; "TPR at FPR
x" takes the threshold at which a fraction x of that pool is flagged, per scorer. Rates
"at the shipped threshold" use the detector as configured (score ≥ 0.5).

In-distribution figures come from the training run (`model/training_metrics.json`: a
group split of the training corpora the model never saw); held-out figures from the
red-team collections that were never trained or tuned on.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from aimonitor.analysis import Analyzer
from aimonitor.analysis.attacks.learned import MODEL_PATH
from aimonitor.analysis.attacks.normalize import canonicalize

HERE = Path(__file__).resolve().parent
HELDOUT_SET = HERE / "data" / "heldout_attacks.jsonl"
TRAINING_METRICS = MODEL_PATH.parent / "training_metrics.json"
FPRS = (0.01, 0.05)


@dataclass
class Scored:
    """Every prompt of the sets with its label, group keys and each scorer's score."""

    labels: list[int] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)
    keys: list[dict[str, str]] = field(default_factory=list)
    scores: dict[str, list[float]] = field(
        default_factory=lambda: {"rules": [], "learned": [], "combined": []}
    )
    consulted: list[bool] = field(default_factory=list)  # the heavy tier was asked

    def array(self, scorer: str) -> np.ndarray:
        return np.array(self.scores[scorer])


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score_sets(
    analyzer: Analyzer, sets: dict[str, list[dict[str, Any]]], cascade: Analyzer | None = None
) -> Scored:
    """Scores of every prompt: rules, learned tier, both combined (`analyzer`), and the
    cascade with the heavy tier when `cascade` (an analyzer with `attack.heavy`) is given."""
    if analyzer.learned is None:
        raise ValueError("the learned tier is off in this analyzer's configuration")
    scored = Scored()
    if cascade is not None:
        scored.scores["cascade"] = []
    for name, rows in sets.items():
        for row in rows:
            canonical = canonicalize(row["text"])
            rules = analyzer.attacks.detect(row["text"], canonical)
            learned = analyzer.learned.score(canonical)
            combined = analyzer.detect_attack(row["text"])
            scored.labels.append(int(row["label"]))
            scored.sets.append(name)
            scored.keys.append(_keys(name, row))
            scored.scores["rules"].append(rules.score)
            scored.scores["learned"].append(learned.score)
            scored.scores["combined"].append(combined.score)
            if cascade is not None:
                result = cascade.detect_attack(row["text"])
                scored.scores["cascade"].append(result.score)
                scored.consulted.append("heavy tier" in result.explanation)
    return scored


def cascade_analyzer(analyzer: Analyzer) -> Analyzer | None:
    """The same analyzer with the heavy tier on, or None (with a note) without the extra."""
    try:
        return Analyzer(replace(analyzer.config, attack_heavy=True))
    except RuntimeError as error:
        print(f"heavy tier not measured: {error}")
        return None


def _keys(name: str, row: dict[str, Any]) -> dict[str, str]:
    source = "/".join(str(row.get("source") or name).split("/")[:2])
    family = str(row.get("family") or "-")
    if "JailbreakBench" in source:
        source = f"JailbreakBench/{family}"
    return {"set": name, "source": source, "family": family, "lang": str(row.get("lang", "en"))}


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """The probability that an attack scores above a benign prompt (ties count half)."""
    positive, negative = scores[labels == 1], scores[labels == 0]
    if not len(positive) or not len(negative):
        return float("nan")
    order = np.argsort(np.concatenate([positive, negative]), kind="mergesort")
    ranks = np.empty(len(order))
    values = np.concatenate([positive, negative])[order]
    # Average ranks over ties.
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or values[end] != values[start]:
            ranks[order[start:end]] = (start + end + 1) / 2
            start = end
    positive_ranks = ranks[: len(positive)].sum()
    return float(
        (positive_ranks - len(positive) * (len(positive) + 1) / 2) / (len(positive) * len(negative))
    )


def threshold_at_fpr(benign: np.ndarray, fpr: float) -> float:
    """The lowest threshold (flag when score > threshold) passing at most `fpr` of `benign`."""
    ordered = np.sort(benign)
    allowed = int(np.floor(fpr * len(ordered)))
    return float(ordered[len(ordered) - allowed - 1]) if len(ordered) else 0.0


@dataclass
class TierReport:
    rows: list[str]
    heldout_tpr: dict[str, float]  # scorer → TPR on held-out attacks at FPR 5 % of the pool
    heldout_tpr_at_threshold: dict[str, float]
    notinject_fpr: dict[str, float]  # at the shipped threshold
    benign_fpr: dict[str, float]  # pool FPR at the shipped threshold


def report(scored: Scored) -> TierReport:
    labels = np.array(scored.labels)
    benign = labels == 0
    sets = np.array(scored.sets)
    sources = np.array([k["source"] for k in scored.keys])
    lines = [
        "| scorer | ROC AUC (all) | FPR 1 %: TPR | FPR 5 %: TPR | at 0.5: TPR | at 0.5: FPR |",
        "|---|---|---|---|---|---|",
    ]
    thresholds: dict[tuple[str, float], float] = {}
    for scorer in scored.scores:
        values = scored.array(scorer)
        cells = [f"{roc_auc(values, labels):.3f}"]
        for fpr in FPRS:
            threshold = threshold_at_fpr(values[benign], fpr)
            thresholds[(scorer, fpr)] = threshold
            cells.append(f"{(values[~benign] > threshold).mean():.3f}")
        cells.append(f"{(values[~benign] >= 0.5).mean():.3f}")
        cells.append(f"{(values[benign] >= 0.5).mean():.3f}")
        lines.append(f"| {scorer} | {' | '.join(cells)} |")
    lines += [
        "",
        f"Benign pool: {int(benign.sum())} prompts; attacks: {int((~benign).sum())}. "
        "TPR at FPR x: threshold set on the benign pool for each scorer.",
        "",
        "| group | n | rules @5 % | learned @5 % | combined @1 % | combined @5 % | combined @0.5 |"
        + (" cascade @0.5 |" if "cascade" in scored.scores else ""),
        "|---|---|---|---|---|---|---|" + ("---|" if "cascade" in scored.scores else ""),
    ]
    groups: dict[str, list[int]] = defaultdict(list)
    for index, keys in enumerate(scored.keys):
        kind = "attack" if labels[index] else "benign"
        groups[f"{keys['set']} · {keys['source']} · {keys['family']} ({kind})"].append(index)
        if keys["set"] == "own":
            groups[f"own · lang {keys['lang']} ({kind})"].append(index)
    for name, members in sorted(groups.items()):
        idx = np.array(members)
        cells = [str(len(idx))]
        for scorer, fpr in (("rules", 0.05), ("learned", 0.05), ("combined", 0.01)):
            cells.append(f"{(scored.array(scorer)[idx] > thresholds[(scorer, fpr)]).mean():.3f}")
        cells.append(
            f"{(scored.array('combined')[idx] > thresholds[('combined', 0.05)]).mean():.3f}"
        )
        cells.append(f"{(scored.array('combined')[idx] >= 0.5).mean():.3f}")
        if "cascade" in scored.scores:
            cells.append(f"{(scored.array('cascade')[idx] >= 0.5).mean():.3f}")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    if scored.consulted:
        consulted = np.array(scored.consulted)
        lines += [
            "",
            f"Heavy tier consulted on {consulted[benign].mean():.3f} of the benign pool and "
            f"{consulted[~benign].mean():.3f} of the attacks.",
        ]
    heldout = (sets == "heldout") & ~benign
    notinject = np.char.startswith(sources.astype(str), "NotInject")
    result = TierReport(
        rows=lines,
        heldout_tpr={
            s: float((scored.array(s)[heldout] > thresholds[(s, 0.05)]).mean())
            for s in scored.scores
        },
        heldout_tpr_at_threshold={
            s: float((scored.array(s)[heldout] >= 0.5).mean()) for s in scored.scores
        },
        notinject_fpr={s: float((scored.array(s)[notinject] >= 0.5).mean()) for s in scored.scores},
        benign_fpr={s: float((scored.array(s)[benign] >= 0.5).mean()) for s in scored.scores},
    )
    return result


def gap_table(result: TierReport) -> str:
    metrics = json.loads(TRAINING_METRICS.read_text(encoding="utf-8"))["in_distribution_test"]
    return "\n".join(
        [
            "| learned tier | TPR @ FPR 1 % | TPR @ FPR 5 % | ROC AUC |",
            "|---|---|---|---|",
            f"| in-distribution (training corpora, unseen split, {metrics['rows']} prompts) | "
            f"{metrics['tpr_at_fpr_1pct']:.3f} | {metrics['tpr_at_fpr_5pct']:.3f} | "
            f"{metrics['roc_auc']:.3f} |",
            f"| held-out red-team collections (benign pool as above) | – | "
            f"{result.heldout_tpr['learned']:.3f} | – |",
            "",
            f"Generalisation gap at FPR 5 %: "
            f"{metrics['tpr_at_fpr_5pct'] - result.heldout_tpr['learned']:.3f} (learned tier); "
            f"rules and learned combined catch {result.heldout_tpr['combined']:.3f} of the "
            f"held-out attacks at FPR 5 %, {result.heldout_tpr_at_threshold['combined']:.3f} at "
            f"the shipped threshold (rules alone: "
            f"{result.heldout_tpr_at_threshold['rules']:.3f}). NotInject FPR at the shipped "
            f"threshold: combined {result.notinject_fpr['combined']:.3f}, rules "
            f"{result.notinject_fpr['rules']:.3f}, learned {result.notinject_fpr['learned']:.3f}"
            " (the threshold is calibrated on NotInject).",
        ]
        + (
            [
                "",
                f"With the heavy tier (`attack.heavy: true`): held-out TPR "
                f"{result.heldout_tpr_at_threshold['cascade']:.3f} at the shipped threshold, "
                f"NotInject FPR {result.notinject_fpr['cascade']:.3f}, benign pool FPR "
                f"{result.benign_fpr['cascade']:.3f}.",
            ]
            if "cascade" in result.heldout_tpr_at_threshold
            else []
        )
    )

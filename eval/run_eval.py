"""Measures the detectors on the labelled sets (`make eval`).

    python eval/run_eval.py [--public PATH] [--markdown]

PII: precision, recall and F1 per type on eval/pii_labelled.jsonl. A prediction matches a
label when the type is the same and the spans overlap; each label is matched at most once.
Attacks: true-positive rate on label 1 and false-positive rate on label 0, per language,
family and obfuscation on eval/attacks_labelled.jsonl, and per source and family on the
public set; then the rules, the learned tier and both combined side by side on those and
the held-out red-team set (`attack_tiers.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aimonitor.analysis import Analyzer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import attack_tiers  # beside this script, which runs as a file

HERE = Path(__file__).resolve().parent
PII_SET = HERE / "pii_labelled.jsonl"
ATTACK_SET = HERE / "attacks_labelled.jsonl"
PUBLIC_SET_ENV = "AIMONITOR_PUBLIC_ATTACKS"


def _public_set() -> Path:
    """The public attack set: $AIMONITOR_PUBLIC_ATTACKS, else the copy vendored in
    `eval/data/` (see its README for origins and licences)."""
    override = os.environ.get(PUBLIC_SET_ENV)
    if override:
        return Path(override)
    return HERE / "data" / "prompt_attacks_public.jsonl"


PUBLIC_SET = _public_set()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class PiiReport:
    per_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    checksum_fail_fp: int = 0
    checksum_fail_texts: int = 0
    negative_fp: int = 0
    negative_texts: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.per_type.values():
            total.tp += counts.tp
            total.fp += counts.fp
            total.fn += counts.fn
        return total


@dataclass
class Rate:
    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass
class AttackReport:
    tpr: Rate = field(default_factory=Rate)
    fpr: Rate = field(default_factory=Rate)
    groups: dict[tuple[str, str], Rate] = field(default_factory=lambda: defaultdict(Rate))
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate_pii(analyzer: Analyzer, rows: Iterable[dict[str, Any]]) -> PiiReport:
    report = PiiReport()
    for row in rows:
        findings = analyzer.scan_pii(row["text"])
        labels = list(row["spans"])
        unmatched = list(range(len(labels)))
        for finding in findings:
            match = next(
                (
                    i
                    for i in unmatched
                    if labels[i]["type"] == finding.type
                    and finding.start < labels[i]["end"]
                    and labels[i]["start"] < finding.end
                ),
                None,
            )
            if match is None:
                report.per_type[finding.type].fp += 1
                report.errors.append(f"FP {finding.type} {finding.text!r} in {row['text']!r}")
            else:
                unmatched.remove(match)
                report.per_type[finding.type].tp += 1
        for i in unmatched:
            report.per_type[labels[i]["type"]].fn += 1
            span = row["text"][labels[i]["start"] : labels[i]["end"]]
            report.errors.append(f"FN {labels[i]['type']} {span!r} in {row['text']!r}")
        if row["kind"] == "checksum_fail":
            report.checksum_fail_texts += 1
            report.checksum_fail_fp += bool(findings)
        elif row["kind"] == "negative":
            report.negative_texts += 1
            report.negative_fp += bool(findings)
    return report


def evaluate_attacks(
    analyzer: Analyzer, rows: Iterable[dict[str, Any]], keys: tuple[str, ...]
) -> AttackReport:
    report = AttackReport()
    for row in rows:
        result = analyzer.detect_attack(row["text"])
        rate = report.tpr if row["label"] == 1 else report.fpr
        rate.total += 1
        rate.hits += result.detected
        for key in keys:
            value = str(row.get(key) or "-")
            if key == "source":
                value = "/".join(value.split("/")[:2])
            group = report.groups[(key, f"{value} ({'attack' if row['label'] else 'benign'})")]
            group.total += 1
            group.hits += result.detected
        if row["label"] == 1 and not result.detected:
            report.misses.append(f"{result.score:.2f} {row['text'][:110]!r}")
        if row["label"] == 0 and result.detected:
            report.false_alarms.append(f"{result.score:.2f} {result.rules} {row['text'][:110]!r}")
    return report


def _pii_row(name: str, c: Counts) -> str:
    scores = f"{c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f}"
    return f"| {name} | {scores} | {c.tp} | {c.fp} | {c.fn} |"


def pii_table(report: PiiReport) -> str:
    lines = ["| type | precision | recall | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|"]
    for kind in sorted(report.per_type):
        c = report.per_type[kind]
        lines.append(_pii_row(kind, c))
    lines.append(_pii_row("**overall**", report.overall))
    lines.append("")
    lines.append(
        f"Checksum-failing numbers reported: {report.checksum_fail_fp} of "
        f"{report.checksum_fail_texts} texts. Other negatives (dates, prices, orders, "
        f"versions) with a finding: {report.negative_fp} of {report.negative_texts}."
    )
    return "\n".join(lines)


def attack_table(report: AttackReport, title: str) -> str:
    lines = [
        f"**{title}**: TPR {report.tpr.value:.3f} ({report.tpr.hits}/{report.tpr.total}), "
        f"FPR {report.fpr.value:.3f} ({report.fpr.hits}/{report.fpr.total})",
        "",
        "| group | value | flagged | n | rate |",
        "|---|---|---|---|---|",
    ]
    for (key, value), rate in sorted(report.groups.items()):
        lines.append(f"| {key} | {value} | {rate.hits} | {rate.total} | {rate.value:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--public", type=Path, default=PUBLIC_SET, help="public attack set (JSONL)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every error")
    args = parser.parse_args(argv)
    analyzer = Analyzer.default()

    pii = evaluate_pii(analyzer, read_jsonl(PII_SET))
    print(f"## PII ({PII_SET.name})\n\n{pii_table(pii)}\n")
    if args.verbose:
        print("\n".join(pii.errors) + "\n")

    own = evaluate_attacks(analyzer, read_jsonl(ATTACK_SET), ("lang", "family", "obfuscation"))
    print(f"## Prompt attacks ({ATTACK_SET.name})\n\n{attack_table(own, 'own set')}\n")
    if args.verbose:
        print("\n".join(["misses:", *own.misses, "false alarms:", *own.false_alarms]) + "\n")

    if args.public.exists():
        public = evaluate_attacks(analyzer, read_jsonl(args.public), ("source", "family"))
        print(f"## Prompt attacks ({args.public.name})\n\n{attack_table(public, 'public set')}\n")
        if args.verbose:
            print("\n".join(["false alarms:", *public.false_alarms]) + "\n")
    else:
        print(f"## Prompt attacks (public set)\n\nskipped: {args.public} not found\n")

    if analyzer.learned is not None:
        sets = {
            "own": read_jsonl(ATTACK_SET),
            "public": read_jsonl(args.public),
            "heldout": read_jsonl(attack_tiers.HELDOUT_SET),
        }
        tiers = attack_tiers.report(
            attack_tiers.score_sets(analyzer, sets, attack_tiers.cascade_analyzer(analyzer))
        )
        print("## Prompt attacks: rules, learned tier, combined\n")
        print("\n".join(tiers.rows) + "\n")
        print(attack_tiers.gap_table(tiers) + "\n")

    import drift_eval  # beside this script: the drift alarm's section

    drift_eval.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Quality floors on the labelled sets, so that a regression fails CI. The full report
(per type, language, family and obfuscation) is `python eval/run_eval.py`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from aimonitor.analysis import Analyzer

ROOT = Path(__file__).resolve().parents[2]


def _run_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_eval", ROOT / "eval" / "run_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_eval"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


run_eval = _run_eval()


def test_pii_f1_and_no_checksum_false_positive(analyzer: Analyzer) -> None:
    report = run_eval.evaluate_pii(analyzer, run_eval.read_jsonl(run_eval.PII_SET))
    assert report.overall.f1 >= 0.97, run_eval.pii_table(report)
    assert report.checksum_fail_fp == 0, report.errors
    assert report.checksum_fail_texts >= 40


def test_own_attack_set_tpr_and_fpr(analyzer: Analyzer) -> None:
    report = run_eval.evaluate_attacks(
        analyzer, run_eval.read_jsonl(run_eval.ATTACK_SET), ("family",)
    )
    assert report.tpr.total >= 75 and report.fpr.total >= 75
    assert report.tpr.value >= 0.90, report.misses
    assert report.fpr.value <= 0.03, report.false_alarms


def test_public_notinject_fpr(analyzer: Analyzer) -> None:
    rows = [
        row
        for row in run_eval.read_jsonl(run_eval.PUBLIC_SET)
        if row["source"].startswith("NotInject")
    ]
    report = run_eval.evaluate_attacks(analyzer, rows, ("source",))
    assert report.fpr.total == len(rows) > 300
    assert report.fpr.value <= 0.05, report.false_alarms

"""Would an embedding tier raise attack recall at the same false-positive rate?

    OPENBLAS_NUM_THREADS=1 python eval/ml_tier_experiment.py [--public PATH]

Known attacks = the attack prompts of eval/attacks_labelled.jsonl (our set, not the public
one, so nothing is tuned on the set we measure). Each public prompt gets its highest cosine
similarity to a known attack with all-MiniLM-L6-v2 (`aimonitor.signals.minilm`, extra `ml`).
Combined verdict = rules OR similarity >= t. For each t we print TPR and FPR on the public
set; the tier is worth keeping only if some t raises TPR while FPR stays at the rules' own.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from aimonitor.analysis import Analyzer

HERE = Path(__file__).resolve().parent
PUBLIC = HERE / "data" / "prompt_attacks_public.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--public", type=Path, default=PUBLIC)
    args = parser.parse_args(argv)
    try:
        from aimonitor.signals.minilm import MiniLMEmbedder
    except ImportError as exc:  # pragma: no cover - the `ml` extra is optional
        print(f"skipped: {exc}")
        return 0
    if not args.public.exists():
        print(f"skipped: {args.public} not found")
        return 0
    own = [json.loads(line) for line in (HERE / "attacks_labelled.jsonl").open(encoding="utf-8")]
    public = [json.loads(line) for line in args.public.open(encoding="utf-8")]
    known = [row["text"] for row in own if row["label"] == 1 and row["obfuscation"] == "none"]

    embedder = MiniLMEmbedder()
    started = time.perf_counter()
    bank = embedder.embed_many(known)
    vectors = embedder.embed_many([row["text"] for row in public])
    per_prompt_ms = (time.perf_counter() - started) / (len(known) + len(public)) * 1000
    similarity = (vectors @ bank.T).max(axis=1)

    analyzer = Analyzer.default()
    rules = np.array([analyzer.detect_attack(row["text"]).detected for row in public])
    labels = np.array([row["label"] == 1 for row in public])
    jbb = np.array([row["source"].startswith("JailbreakBench") for row in public])

    def rates(flags: np.ndarray) -> str:
        tpr = flags[labels].mean()
        fpr = flags[~labels].mean()
        jb = flags[labels & jbb].mean()
        return f"TPR {tpr:.3f}  FPR {fpr:.3f}  JailbreakBench TPR {jb:.3f}"

    print(f"embedding cost: {per_prompt_ms:.1f} ms per prompt ({len(known)} known attacks)")
    print(f"rules only           : {rates(rules)}")
    for threshold in (0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5):
        combined = rules | (similarity >= threshold)
        print(f"rules OR sim >= {threshold:.2f}: {rates(combined)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

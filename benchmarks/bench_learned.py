"""Cost of the attack detector's learned and heavy tiers, next to the rules alone, in the
same run.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_learned.py [--rounds N] [--heavy-prompts N]

(One BLAS thread: the process is pinned to one core, where a second thread only waits.)

Prompts: every prompt of the vendored public and held-out sets, cut to at most 1 KB, and
the subset of exactly 1 KB. For each prompt, in alternating rounds: the rules alone
(`AttackDetector.detect` on a canonicalised text, the baseline), the learned tier alone
(`LearnedModel.score` on the same canonical text), rules + learned through
`Analyzer.detect_attack` (canonicalisation included), and two floors: hashing the
learned tier's features without scoring them, and building the same features as a set of
Python strings (what a dictionary-lookup implementation costs before its first lookup).
With the extra `ml`, the heavy tier alone (a MiniLM pass and the regression over the
learned tier's strongest window, as the cascade asks it) on `--heavy-prompts` prompts (half
of them 1 KB), one round.
Prints p50 / p99 CPU time per scorer, and the memory each model adds (resident set of a fresh
process before and after loading it, numpy already loaded). Pinned to one core.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from aimonitor.analysis import Analyzer
from aimonitor.analysis.attacks.features import CHAR_SIZES, WORD, feature_text, hashed
from aimonitor.analysis.attacks.heavy import HeavyModel, default_heavy_model
from aimonitor.analysis.attacks.learned import default_model
from aimonitor.analysis.attacks.normalize import Canonical, canonicalize

ROOT = Path(__file__).resolve().parents[1]
SETS = [ROOT / "eval" / "data" / "prompt_attacks_public.jsonl"]
SETS.append(ROOT / "eval" / "data" / "heldout_attacks.jsonl")
MAX_CHARS = 1024

_RSS_PROBE = """
import sys
import numpy
from aimonitor.analysis.attacks.normalize import canonicalize


def rss():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1])


before = rss()
if sys.argv[1] == "learned":
    from aimonitor.analysis.attacks.learned import default_model
    default_model().score(canonicalize("warm up"))
else:
    from aimonitor.analysis.attacks.heavy import default_heavy_model
    default_heavy_model().probability("warm up")
print(rss() - before)
"""

Item = tuple[str, Canonical]


def prompts() -> list[str]:
    texts: list[str] = []
    for path in SETS:
        with path.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"][:MAX_CHARS] for line in handle if line.strip()]
    return texts


def string_ngrams(text: str) -> set[str]:
    """The same features as Python strings in a set (word uni- and bigrams, character
    3–5-grams): the least a set-and-dictionary implementation must pay before any lookup."""
    words = WORD.findall(text)
    found = {"w:" + word for word in words}
    found.update(f"w:{first} {second}" for first, second in pairwise(words))
    padded = f" {text} "
    for size in CHAR_SIZES:
        found.update(padded[start : start + size] for start in range(len(padded) - size + 1))
    return found


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def time_each(function: Callable[[str, Canonical], object], items: list[Item]) -> list[float]:
    """CPU time of each call (this thread's): the goals are stated in CPU time, and on a
    shared machine wall time mostly measures the other processes."""
    samples = []
    for text, canonical in items:
        started = time.thread_time()
        function(text, canonical)
        samples.append(time.thread_time() - started)
    return samples


def best_rounds(samples: list[float], per_round: int) -> list[float]:
    """Each prompt's fastest round (samples are laid out round after round): what the code
    costs when the other processes on the machine leave it alone."""
    rounds = [samples[i : i + per_round] for i in range(0, len(samples), per_round)]
    return [min(times) for times in zip(*rounds, strict=True)]


def added_rss_mb(model: str) -> float:
    probe = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, model], capture_output=True, text=True, check=True
    )
    return int(probe.stdout.strip()) / 1024


def _heavy() -> HeavyModel | None:
    try:
        return default_heavy_model()
    except RuntimeError as error:
        print(f"heavy tier not measured: {error}")
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--heavy-prompts", type=int, default=200)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    analyzer = Analyzer.default()
    model = default_model()
    texts = prompts()
    items = [(text, canonicalize(text)) for text in texts]
    full = [item for item in items if len(item[0]) == MAX_CHARS]
    scorers: dict[str, Callable[[str, Canonical], object]] = {
        "rules alone (baseline)": lambda text, c: analyzer.attacks.detect(text, c),
        "learned tier alone": lambda text, c: model.score(c),
        "rules + learned, with canonicalisation": lambda text, c: analyzer.detect_attack(text),
        "floor: the learned tier's hashed features alone": lambda text, c: hashed(feature_text(c)),
        "floor of string features: the set of n-grams alone": lambda text, c: string_ngrams(
            feature_text(c)
        ),
    }
    samples: dict[str, dict[str, list[float]]] = {name: {"all": [], "1kb": []} for name in scorers}
    for _ in range(args.rounds):
        for name, function in scorers.items():
            samples[name]["all"] += time_each(function, items)
            samples[name]["1kb"] += time_each(function, full)
    heavy = _heavy()
    if heavy is not None:
        heavy.probability("warm up")  # the embedder reads its weights on first use
        half = args.heavy_prompts // 2
        # What the cascade gives it: the learned tier's strongest window of the prompt.
        subset = [(model.score(c).window, c) for _, c in items[:half] + full[:half]]
        samples["heavy tier alone (MiniLM + regression)"] = {
            "all": time_each(lambda window, c: heavy.probability(window), subset),
            "1kb": time_each(lambda window, c: heavy.probability(window), subset[half:]),
        }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, pinned to one core, {args.rounds} rounds, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    print(
        f"prompts: {len(items)} (mean {sum(map(len, texts)) / len(texts):.0f} chars), "
        f"{len(full)} of exactly {MAX_CHARS} chars\n"
    )
    print("CPU time per prompt (µs); over all samples, then over each prompt's best round:\n")
    print("| scorer | p50 all | p99 all | p50 1 KB | p99 1 KB | best: p50 1 KB | best: p99 1 KB |")
    print("|---|---|---|---|---|---|---|")
    for name, groups in samples.items():
        cells = [
            f"{percentile(groups[key], q) * 1e6:.0f}" if groups[key] else "–"
            for key in ("all", "1kb")
            for q in (0.5, 0.99)
        ]
        best = best_rounds(groups["1kb"], len(full)) if name in scorers else []
        cells += [f"{percentile(best, q) * 1e6:.0f}" if best else "–" for q in (0.5, 0.99)]
        print(f"| {name} | {' | '.join(cells)} |")
    print(f"\nresident memory added: learned tier {added_rss_mb('learned'):.1f} MB", end="")
    print(f", heavy tier {added_rss_mb('heavy'):.1f} MB" if heavy is not None else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())

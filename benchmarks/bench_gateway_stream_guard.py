"""What the streaming output guard adds to a stream, in process.

For answers cut into deltas the way upstreams send them (one word-piece with its leading
space per delta), reports: the CPU the guard spends per delta (median, p99); the added
time-to-first-token, i.e. the guard's CPU until its first non-empty release plus the
deltas it waited for (at a given upstream pace, each costs one inter-token gap); and the
longest tail held back, in characters; the guard's CPU for a whole answer.

    python benchmarks/bench_gateway_stream_guard.py --repeat 200
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time

from aimonitor.analysis.analyzer import Analyzer
from aimonitor.analysis.redaction import Redactor
from aimonitor.backends.fake_upstream import DEFAULT_TEXT, PII_TEXT
from aimonitor.guardrails.streaming import StreamGuard, StreamPolicy

LONG_TEXT = (
    "Monitoring a language model in production means tracking latency, cost and quality "
    "for every request. Start with the basics: log each prompt and answer (redacted), "
    "measure time to first token and tokens per second, and alert when the error rate "
    "rises. Then add drift detection on the prompts, since users change what they ask "
    "over weeks. Finally, review a sample of answers by hand every week. "
) * 3
TEXTS = {"plain (1.2 kB)": LONG_TEXT, "short": DEFAULT_TEXT, "personal data": PII_TEXT}


def word_pieces(text: str) -> list[str]:
    """Deltas like a BPE tokenizer's: a word with the space before it, or punctuation."""
    return re.findall(r" ?\w+| ?[^\w\s]+|\s+", text)


def run(text: str, analyzer: Analyzer, redactor: Redactor) -> tuple[list[float], float, int, int]:
    guard = StreamGuard(analyzer, redactor, StreamPolicy())
    per_delta: list[float] = []
    first_cpu, first_index = 0.0, -1
    for index, delta in enumerate(word_pieces(text)):
        started = time.perf_counter()
        step = guard.feed(delta)
        spent = time.perf_counter() - started
        per_delta.append(spent)
        if first_index < 0:
            first_cpu += spent
            if step.release:
                first_index = index
    guard.finish()
    return per_delta, first_cpu, max(first_index, 0), guard.held_back_max


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    analyzer = Analyzer.default()
    redactor = Redactor("tag", b"bench")
    print(
        f"{'answer':16} {'deltas':>6} {'µs/delta p50':>13} {'p99':>8} "
        f"{'TTFT CPU µs':>12} {'deltas waited':>14} {'max held chars':>15} {'ms/answer':>10}"
    )
    for name, text in TEXTS.items():
        samples: list[float] = []
        firsts: list[float] = []
        per_answer: list[float] = []
        waited = held = 0
        for _ in range(args.repeat):
            per_delta, first_cpu, waited, held = run(text, analyzer, redactor)
            samples.extend(per_delta)
            firsts.append(first_cpu)
            per_answer.append(sum(per_delta))
        samples.sort()
        p50 = statistics.median(samples) * 1e6
        p99 = samples[int(len(samples) * 0.99)] * 1e6
        print(
            f"{name:16} {len(word_pieces(text)):6} {p50:13.1f} {p99:8.1f} "
            f"{statistics.median(firsts) * 1e6:12.1f} {waited:14} {held:15} "
            f"{statistics.median(per_answer) * 1e3:10.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

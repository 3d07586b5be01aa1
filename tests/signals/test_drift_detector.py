from __future__ import annotations

import random
import threading
from pathlib import Path

import numpy as np
import pytest
from signal_corpora import cooking_prompt, french_it_prompt, it_support_prompt, mixed_stream, stream

from aimonitor.signals.drift import ALERT_LEVEL, DIMENSIONS, DriftDetector, DriftUpdate
from aimonitor.signals.embedding import HashingEmbedder

EMBEDDER = HashingEmbedder(dim=1024)


def _warmed_detector(seed: int = 0) -> DriftDetector:
    detector = DriftDetector(embedder=EMBEDDER, seed=seed)
    for prompt in stream("it", 300, seed):
        detector.observe(prompt)
    assert detector.ready
    return detector


def test_not_ready_until_reference_and_window_are_full() -> None:
    detector = DriftDetector(embedder=EMBEDDER, reference_size=20, window_size=10)
    updates = [detector.observe(p) for p in stream("it", 30, 1)]
    assert not any(u.ready for u in updates[:29])
    assert updates[-1].ready
    assert all(set(u.dimensions) == set(DIMENSIONS) for u in updates)


def test_no_shift_alarm_rate_stays_within_stated_level() -> None:
    # 50 seeded runs of stationary mixed traffic; a check = one recomputation.
    checks = alarms = 0
    for run in range(50):
        detector = DriftDetector(embedder=EMBEDDER, false_alarm_rate=0.01, seed=run)
        for update in (detector.observe(p) for p in mixed_stream(600, run)):
            if update.ready:
                checks += 1
                alarms += update.score >= ALERT_LEVEL
        # checks are counted per request here; each recomputation holds for 10 requests
    rate = alarms / checks
    assert checks == 50 * 301
    assert rate <= 0.01, f"false-alarm rate {rate:.4f} above the stated 1%"


def test_stationary_runs_of_1000_requests_raise_no_alarm() -> None:
    # The default level is calibrated on the run length (one false alarm per 100,000
    # requests): with a per-check level of 1 % a quarter of such runs alarmed.
    for run in range(20):
        detector = DriftDetector(embedder=EMBEDDER, seed=run)
        assert detector.false_alarm_rate == pytest.approx(10 / 100_000)
        for prompt in mixed_stream(1200, 700 + run):
            detector.observe(prompt)
        assert detector.episodes == 0, f"run {run}: {detector.explain()['dimensions']}"


def test_the_per_check_level_follows_the_stated_run_length() -> None:
    detector = DriftDetector(recompute_every=5, requests_per_false_alarm=1000)
    assert detector.false_alarm_rate == pytest.approx(0.005)
    assert detector.explain()["requests_per_false_alarm"] == 1000
    with pytest.raises(ValueError):
        DriftDetector(recompute_every=10, requests_per_false_alarm=10)


def test_topic_shift_crosses_alert_level_within_60_prompts() -> None:
    detector = _warmed_detector()
    assert detector.score < ALERT_LEVEL
    started = []
    crossed_at = None
    for i, prompt in enumerate(stream("cooking", 100, 7)):
        update = detector.observe(prompt)
        if update.episode_started:
            started.append(update.episode_started)
        if crossed_at is None and update.score >= ALERT_LEVEL:
            crossed_at = i
    assert crossed_at is not None and crossed_at < 60
    assert detector.explain()["dimensions"]["embedding"] >= ALERT_LEVEL
    assert len(started) == 1  # one episode, not one alert per request


def test_language_shift_english_to_french_is_caught_within_20_prompts() -> None:
    detector = _warmed_detector(seed=3)
    updates = [detector.observe(p) for p in stream("fr_it", 100, 3)]
    assert max(u.dimensions["language"] for u in updates[:20]) >= ALERT_LEVEL
    assert any(u.episode_started for u in updates[:20])
    shares = detector.explain()["languages"]
    assert shares["reference"]["en"] == 1.0
    assert shares["window"]["fr"] == 1.0


def test_episode_ends_only_below_clear_level_then_a_new_one_can_start() -> None:
    detector = _warmed_detector(seed=5)
    events = [detector.observe(p).episode_started for p in stream("cooking", 150, 5)]
    assert sum(e is not None for e in events) == 1
    back = [detector.observe(p) for p in stream("it", 200, 55)]
    assert back[-1].score < 0.5
    events = [detector.observe(p).episode_started for p in stream("cooking", 150, 56)]
    assert sum(e is not None for e in events) == 1
    assert detector.episodes == 2


def test_critical_severity_for_a_complete_shift() -> None:
    detector = _warmed_detector(seed=2)
    updates: list[DriftUpdate] = []
    for prompt in stream("fr_it", 20, 9) + stream("cooking", 80, 9):
        updates.append(detector.observe(prompt))
    assert max(u.score for u in updates) >= 0.9
    assert [u.episode_started for u in updates if u.episode_started] in (
        ["warning"],
        ["critical"],
    )


def test_explain_lists_moved_terms_and_short_typical_prompts() -> None:
    detector = _warmed_detector()
    for prompt in stream("cooking", 100, 11):
        detector.observe(prompt)
    explanation = detector.explain()
    terms = {t["term"]: t["shift"] for t in explanation["terms"]}
    assert any(shift > 0 for shift in terms.values())
    assert any(shift < 0 for shift in terms.values())
    assert len(explanation["typical_reference"]) == 3
    assert len(explanation["typical_window"]) == 3
    assert all(len(t) <= 120 for t in explanation["typical_window"])
    assert set(explanation["calibration"]) == set(DIMENSIONS)


def test_explain_hides_words_seen_in_fewer_than_three_prompts() -> None:
    detector = _warmed_detector()
    for prompt in stream("it", 99, 12):
        detector.observe(prompt)
    detector.observe("My colleague Zoltanbergmann cannot log in to the VPN client.")
    terms = [t["term"] for t in detector.explain()["terms"]]
    assert "zoltanbergmann" not in terms


def test_set_reference_then_save_and_load_give_the_same_scores(tmp_path: Path) -> None:
    detector = DriftDetector(embedder=EMBEDDER, seed=1)
    detector.set_reference(stream("it", 200, 21))
    path = tmp_path / "ref.npz"
    detector.save_reference(path)
    loaded = DriftDetector.load_reference(path, embedder=EMBEDDER, seed=1)
    probe = stream("it", 80, 22) + stream("cooking", 40, 22)
    a = [detector.observe(p).score for p in probe]
    b = [loaded.observe(p).score for p in probe]
    assert a == pytest.approx(b)
    assert max(a) >= ALERT_LEVEL


def test_load_refuses_a_reference_built_with_another_embedder(tmp_path: Path) -> None:
    detector = DriftDetector(embedder=HashingEmbedder(dim=256))
    detector.set_reference(stream("it", 50, 1))
    detector.save_reference(tmp_path / "ref.npz")
    with pytest.raises(ValueError, match="embedder"):
        DriftDetector.load_reference(tmp_path / "ref.npz", embedder=EMBEDDER)


def test_save_without_reference_fails(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        DriftDetector(embedder=EMBEDDER).save_reference(tmp_path / "x.npz")


def test_identical_prompts_do_not_alarm_and_a_real_change_does() -> None:
    detector = DriftDetector(embedder=EMBEDDER, reference_size=50, window_size=20)
    same = "Please reset my VPN password."
    scores = [detector.observe(same).score for _ in range(100)]
    assert max(scores) == 0.0
    changed = [detector.observe(p).score for p in stream("cooking", 20, 4)]
    assert changed[-1] >= ALERT_LEVEL


def test_concurrent_observers_keep_consistent_state() -> None:
    detector = DriftDetector(embedder=EMBEDDER, reference_size=50, window_size=20)
    prompts = stream("it", 400, 31)
    errors: list[BaseException] = []

    def worker(chunk: list[str]) -> None:
        try:
            for p in chunk:
                detector.observe(p)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(prompts[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    explanation = detector.explain()
    assert explanation["reference_size"] == 50
    assert explanation["window_fill"] == 20
    assert 0.0 <= detector.score < ALERT_LEVEL


def test_window_sums_match_a_recomputation_after_many_laps() -> None:
    detector = DriftDetector(embedder=EMBEDDER, reference_size=20, window_size=10)
    for p in stream("it", 20, 41) + stream("cooking", 137, 41):
        detector.observe(p)
    window = detector._window
    for key, rows in window.rows.items():
        np.testing.assert_allclose(window.sums[key], rows.sum(axis=0), atol=1e-9)


def test_one_hot_rows_stay_exact_counts_after_many_laps() -> None:
    # Length and language rows are updated cell by cell: each row must stay one-hot at
    # its prompt's bin, and the sums the exact counts of the window.
    detector = DriftDetector(embedder=EMBEDDER, reference_size=20, window_size=10)
    rng = random.Random(5)
    prompts = stream("it", 20, 43) + [
        rng.choice([it_support_prompt, french_it_prompt, cooking_prompt])(rng) * rng.randint(1, 30)
        for _ in range(57)
    ]
    for p in prompts:
        detector.observe(p)
    window = detector._window
    last = prompts[-10:]
    for key, feature in (("length", "length_bin"), ("language", "language")):
        rows = window.rows[key]
        assert set(np.unique(rows)) <= {0.0, 1.0}
        assert (rows.sum(axis=1) == 1.0).all()
        assert np.array_equal(window.sums[key], rows.sum(axis=0))
        expected = sorted(getattr(detector._features(p), feature) for p in last)
        assert sorted(int(i) for i in rows.argmax(axis=1)) == expected


def test_huge_and_empty_prompts_are_observed() -> None:
    detector = DriftDetector(embedder=EMBEDDER, reference_size=10, window_size=10)
    for prompt in ["", "x" * 100_000, "\ud800", *stream("it", 30, 61)]:
        update = detector.observe(prompt)
        assert 0.0 <= update.score <= 1.0

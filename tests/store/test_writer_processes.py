"""Several server processes, each with its own writer, on one database: one chain, each
writer's records numbered without gaps, and a killed process's journal replayed by
another, exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from aimonitor.store import AsyncWriter, open_store

_CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from aimonitor.store import AsyncWriter, RequestRecord, open_store

    url, journal, prefix, count, mode = sys.argv[1:]
    store = open_store(url)
    writer = AsyncWriter(store, Path(journal), batch_size=20, flush_interval_s=0.01)
    writer.start()
    for i in range(int(count)):
        writer.submit(RequestRecord(
            request_id=f"{prefix}-{i}", created_at=datetime.now(UTC), client="c",
            scenario="A", model="m", backend="simulated", decision="served",
            status_code=200, risk_level="minimal", latency_ms=1.0, tokens_input=1,
            tokens_output=1, cost_eur=0.0, prompt_text=f"prompt {i}"))
    print("journaled", flush=True)
    if mode == "hang":
        time.sleep(600)
    writer.stop(timeout_s=60)
    store.close()
    """
)


def _child(url: str, journal: Path, prefix: str, count: int, mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, str(journal), prefix, str(count), mode],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_writers_of_several_processes_share_one_chain_and_a_dead_ones_journal_is_replayed(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{(tmp_path / 'aimonitor.db').as_posix()}"
    journal = tmp_path / "journal"
    open_store(url).close()  # migrated once, before the children race
    children = [_child(url, journal, f"p{n}", 400, "stop") for n in range(2)]
    doomed = _child(url, journal, "killed", 400, "hang")
    assert doomed.stdout is not None and doomed.stdout.readline().strip() == "journaled"
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=60)
    for child in children:
        assert child.wait(timeout=120) == 0

    store = open_store(url)
    try:
        survivor = AsyncWriter(store, journal, flush_interval_s=0.01)
        survivor.start()
        assert survivor.flush(timeout_s=60)
        survivor.stop()
        with store.engine.connect() as conn:
            counts = dict(
                conn.execute(
                    text("SELECT request_id, COUNT(*) FROM requests GROUP BY request_id")
                ).all()
            )
            writers = conn.execute(
                text(
                    "SELECT writer_id, COUNT(*), MIN(writer_seq), MAX(writer_seq)"
                    " FROM audit_log GROUP BY writer_id"
                )
            ).all()
        expected = {f"{p}-{i}" for p in ("p0", "p1", "killed") for i in range(400)}
        assert counts == dict.fromkeys(expected, 1)
        assert sorted((n, low, high) for _, n, low, high in writers) == [(400, 1, 400)] * 3
        result = store.verify_chain()
        assert result.ok and result.checked == 1200, result
        assert list(journal.glob("*.log")) == []
    finally:
        store.close()

from __future__ import annotations

import threading
import time
from pathlib import Path

from ingest import Config
from ingest.watch import watch


def test_a_burst_of_saves_triggers_one_reingest_and_other_files_none(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    calls: list[float] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(Config(notes_dir=tmp_path), lambda: calls.append(time.time())),
                               kwargs={"delay": 0.5, "stop": stop}, daemon=True)
    watcher.start()
    time.sleep(0.5)
    (tmp_path / "image.png").write_bytes(b"x")
    time.sleep(1.0)
    assert calls == []
    for i in range(5):
        (tmp_path / "a.md").write_text(f"# A\nedit {i}\n", encoding="utf-8")
        time.sleep(0.05)
    time.sleep(1.5)
    stop.set()
    watcher.join(5)
    assert len(calls) == 1

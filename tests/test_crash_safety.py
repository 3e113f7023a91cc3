"""Crash safety: a damaged index is detected and rebuilt, a killed ingest leaves the last good index,
and two ingests never write at once."""
from __future__ import annotations

import hashlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from ask import Asker
from ingest import Config, Encoder, IndexCorrupt, IngestBusy, ingest, read_index

from helpers import PRIMER, REPO, clean_env, fake_cli_command, write_notes

NOTES = {
    "caching.md": "# Caching\n\nA cache keeps hot data in memory.\n\n"
                  "## Eviction\n\nLRU evicts the least recently used entry.\n",
    "queues/kafka.md": "# Kafka\n\nKafka keeps an ordered log per partition.\n\n"
                       "## Consumer groups\n\nEach partition is read by one consumer of a group.\n",
}
REBUILD_HINT = "; run: python -m ingest --rebuild"

# `python -m ingest` itself, with the fake encoder (so it reaches the write at once) and a pause at
# one point of write_index, holding the lock: a SIGKILL then lands exactly there, every time.
PAUSING_CLI = """
import sys, time
sys.path[:0] = [{repo!r}, {tests!r}]
from helpers import HashModel
import ingest.build, ingest.store
from ingest import Encoder
from ingest.__main__ import main

point = sys.argv[1]

def pause(where):
    if where == point:
        print("paused", where, flush=True)
        time.sleep(600)

write_bytes, remove_other_generations = ingest.store._write_bytes, ingest.store._remove_other_generations

def _write_bytes(path, data):
    if path.name == "manifest.json.tmp":
        pause("units-written")
    write_bytes(path, data)
    pause(path.name.split("-")[0] + "-written")

def _remove_other_generations(index_dir, keep):
    pause("manifest-swapped")
    remove_other_generations(index_dir, keep)

ingest.store._write_bytes = _write_bytes
ingest.store._remove_other_generations = _remove_other_generations
ingest.build.load_exported_encoder = lambda name: Encoder("fake-hash-64", HashModel(), 64)
sys.exit(main(sys.argv[2:]))
"""
BEFORE_SWAP = ["passages-written", "vectors-written", "units-written", "manifest.json.tmp-written"]
AFTER_SWAP = "manifest-swapped"


@pytest.fixture
def small(tmp_path: Path, fake_encoder: Encoder) -> Config:
    """Two notes with a good index built by the fake encoder."""
    config = Config(notes_dir=write_notes(tmp_path / "notes", NOTES), index_dir=tmp_path / "index")
    ingest(config, fake_encoder)
    return config


def _stray_files(index_dir: Path) -> list[str]:
    """Files in the index folder other than the manifest, the files it names and the lock."""
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    expected = {*manifest["files"].values(), "manifest.json", ".ingest.lock"}
    assert expected - {".ingest.lock"} <= set(os.listdir(index_dir))
    return sorted(set(os.listdir(index_dir)) - expected)


def _assert_answers(config: Config, encoder: Encoder) -> None:
    answer = Asker.load(config, encoder).ask("Which entry does LRU evict?")
    assert not answer.abstained
    assert answer.sources[0].passage.text == "LRU evicts the least recently used entry."


# --- damage -------------------------------------------------------------------------------------

def _data_file(index_dir: Path, kind: str) -> Path:
    return index_dir / json.loads((index_dir / "manifest.json").read_text())["files"][kind]


def _truncate_vectors(index_dir: Path) -> str:
    path = _data_file(index_dir, "vectors")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return re.escape(f"{path} does not match its checksum (truncated or edited?){REBUILD_HINT}")


def _break_passages_line(index_dir: Path) -> str:
    path = _data_file(index_dir, "passages")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text('{"id": "3f2a9c' + "".join(lines[1:]), encoding="utf-8")
    return re.escape(f"{path} does not match its checksum (truncated or edited?){REBUILD_HINT}")


def _break_passages_with_matching_checksum(index_dir: Path) -> str:
    """As if a writer bug produced bad JSON and checksummed it: the parse must still fail cleanly."""
    path = _data_file(index_dir, "passages")
    path.write_text('{"id": "3f2a9c\n', encoding="utf-8")
    manifest_path = index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["checksums"][path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    return re.escape(f"index in {index_dir} is damaged (JSONDecodeError: ") + ".*" + re.escape(f"){REBUILD_HINT}")


def _delete_units(index_dir: Path) -> str:
    path = _data_file(index_dir, "units")
    path.unlink()
    return re.escape(f"index in {index_dir} is damaged (FileNotFoundError: ") + ".*" + re.escape(f"){REBUILD_HINT}")


def _manifest_not_json(index_dir: Path) -> str:
    path = index_dir / "manifest.json"
    path.write_text("not json {", encoding="utf-8")
    return re.escape(f"{path} is unreadable (Expecting value: line 1 column 1 (char 0)){REBUILD_HINT}")


def _manifest_other_format(index_dir: Path) -> str:
    path = index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({**manifest, "format": "notes-qa-index/0"}), encoding="utf-8")
    return re.escape(f"{path} has format 'notes-qa-index/0', this version reads 'notes-qa-index/1'{REBUILD_HINT}")


DAMAGE: dict[str, Callable[[Path], str]] = {
    "truncated_faiss_file": _truncate_vectors,
    "broken_passages_jsonl": _break_passages_line,
    "bad_json_behind_a_matching_checksum": _break_passages_with_matching_checksum,
    "missing_units_file": _delete_units,
    "manifest_that_is_not_json": _manifest_not_json,
    "manifest_of_another_format": _manifest_other_format,
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_index_is_detected_and_the_next_ingest_rebuilds_it(small: Config, fake_encoder: Encoder,
                                                                     damage: Callable[[Path], str]):
    """A damaged file must surface as one clear IndexCorrupt naming the next step, never as a wrong
    answer, and the next ingest must rebuild instead of reusing damaged vectors."""
    message = damage(small.index_dir)
    with pytest.raises(IndexCorrupt, match=f"^{message}$"):
        read_index(small.index_dir)

    report = ingest(small, fake_encoder)

    assert re.fullmatch(f"{message.removesuffix(re.escape(REBUILD_HINT))}: rebuilding from the notes", report.reason)
    assert (report.wrote, report.embedded, report.reused) == (True, 4, 0)
    assert [p.doc for p in read_index(small.index_dir).passages] == ["caching.md"] * 2 + ["queues/kafka.md"] * 2
    assert _stray_files(small.index_dir) == []
    _assert_answers(small, fake_encoder)


# --- SIGKILL ------------------------------------------------------------------------------------

def _start_pausing_cli(config: Config, point: str, *args: str) -> subprocess.Popen:
    code = PAUSING_CLI.format(repo=str(REPO), tests=str(REPO / "tests"))
    return subprocess.Popen([sys.executable, "-c", code, point, "--notes", str(config.notes_dir),
                             "--index", str(config.index_dir), *args],
                            cwd=REPO, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_pause(process: subprocess.Popen, point: str) -> None:
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    if line != f"paused {point}\n":
        process.kill()
        pytest.fail(f"the ingest did not pause at {point}: {line!r}, stderr: {process.communicate()[1][-2000:]}")


def _kill_at(config: Config, point: str, *args: str) -> None:
    process = _start_pausing_cli(config, point, *args)
    _wait_for_pause(process, point)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


@pytest.mark.parametrize("point", [*BEFORE_SWAP, AFTER_SWAP])
def test_sigkill_while_writing_leaves_a_complete_index(small: Config, fake_encoder: Encoder, point: str):
    """Killed before the manifest swap, readers keep the last good generation; after it, the new one,
    complete: never a mix. The lock dies with the process, so the next ingest runs at once."""
    good = read_index(small.index_dir)

    _kill_at(small, point, "--rebuild")

    data = read_index(small.index_dir)
    if point == AFTER_SWAP:
        assert data.manifest.generation != good.manifest.generation
    else:
        assert data.manifest.generation == good.manifest.generation
        assert len([n for n in os.listdir(small.index_dir) if n.startswith("passages-")]) == 2  # the kill hit mid-write
    assert [(p.id, p.lines) for p in data.passages] == [(p.id, p.lines) for p in good.passages]
    _assert_answers(small, fake_encoder)
    report = ingest(small.with_(lock_timeout=0), fake_encoder)
    assert (report.wrote, report.passages) == (False, 4)
    assert read_index(small.index_dir).manifest.generation == data.manifest.generation


@pytest.mark.parametrize("change, point", [
    *[("--rebuild", p) for p in BEFORE_SWAP],
    ("--rebuild", AFTER_SWAP),
    *[("edit", p) for p in BEFORE_SWAP],
    ("edit", AFTER_SWAP),
])
def test_next_ingest_after_a_killed_write_leaves_no_stray_generation_files(small: Config, fake_encoder: Encoder,
                                                                            change: str, point: str):
    """Half-written generations are dead weight (a primer-sized one is ~6 MB): the next ingest must
    remove them, whether or not it has anything to write itself."""
    if change == "edit":
        (small.notes_dir / "caching.md").write_text(NOTES["caching.md"] + "\nTTLs bound staleness.\n",
                                                     encoding="utf-8")
    _kill_at(small, point, *([change] if change.startswith("--") else []))
    assert _stray_files(small.index_dir) != []

    ingest(small, fake_encoder)

    assert _stray_files(small.index_dir) == []


@pytest.fixture
def primer(tmp_path: Path, fake_encoder: Encoder) -> Config:
    """A copy of the primer corpus with a good (fake-encoder) index: a real-model rebuild of it
    takes minutes, so any kill within seconds lands mid-ingest."""
    notes = tmp_path / "primer"
    shutil.copytree(PRIMER, notes)
    config = Config(notes_dir=notes, index_dir=tmp_path / "index")
    ingest(config, fake_encoder)
    return config


def _wait_for_output(process: subprocess.Popen, text: str, timeout: float) -> None:
    """Read the process's stderr (tqdm's progress) until text appears."""
    seen, deadline = b"", time.monotonic() + timeout
    while text.encode() not in seen:
        assert time.monotonic() < deadline and process.poll() is None, f"no {text!r} in {seen[-500:]!r}"
        if select.select([process.stderr], [], [], 1)[0]:
            seen += os.read(process.stderr.fileno(), 65536)


@pytest.mark.parametrize("kill_after", [0.5, 2.0, "first batch embedded"])
def test_sigkill_of_the_real_cli_rebuild_keeps_the_last_good_index(primer: Config, fake_encoder: Encoder,
                                                                     kill_after: float | str):
    """The real `python -m ingest --rebuild` killed while starting, loading the model or embedding:
    readers still get the last good generation and the next ingest finishes cleanly."""
    good = read_index(primer.index_dir).manifest
    process = subprocess.Popen(
        [sys.executable, "-m", "ingest", "--notes", str(primer.notes_dir), "--index", str(primer.index_dir),
         "--rebuild"], cwd=REPO, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if isinstance(kill_after, str):
            _wait_for_output(process, " 64/", timeout=120)  # the bar has counted one batch of 64 texts
        else:
            time.sleep(kill_after)
        assert process.poll() is None, f"the rebuild ended before the kill ({kill_after})"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL

    data = read_index(primer.index_dir)
    assert (data.manifest.generation, data.manifest.checksums) == (good.generation, good.checksums)
    answer = Asker.load(primer, fake_encoder).ask("How does the query cache evict results?")
    assert answer.hits
    report = ingest(primer.with_(lock_timeout=0), fake_encoder)
    assert (report.wrote, report.passages) == (False, good.passage_count)
    assert _stray_files(primer.index_dir) == []


def test_sigkill_of_the_cli_as_its_new_generation_appears_keeps_a_readable_index(
        tmp_path: Path, fake_encoder: Encoder):
    """No pause hooks: poll for the new passages file and kill the CLI (its own code, the fake
    encoder: the kill must land in the write, not in the model's loading) right then. The index read
    afterwards is the old generation or the complete new one."""
    config = Config(notes_dir=write_notes(tmp_path / "notes", NOTES), index_dir=tmp_path / "index")
    ingest(config, fake_encoder)
    good, files = read_index(config.index_dir).manifest, set(os.listdir(config.index_dir))
    process = subprocess.Popen(  # a rebuild: every file of a new generation is written
        fake_cli_command("ingest", "--rebuild", "--notes", str(config.notes_dir), "--index", str(config.index_dir)),
        cwd=REPO, env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120

    def writing() -> bool:
        return any(n.startswith("passages-") and n not in files for n in os.listdir(config.index_dir))

    while not writing():
        exited = process.poll() is not None
        assert (not exited or writing()) and time.monotonic() < deadline, "the CLI never started writing"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    data = read_index(config.index_dir)
    if data.manifest.generation == good.generation:
        _assert_answers(config, fake_encoder)
    else:  # the kill came after the swap: then the new index must be whole
        _assert_answers(config, fake_encoder)
    (config.notes_dir / "caching.md").write_text(NOTES["caching.md"] + "\nTTLs bound staleness.\n",
                                                 encoding="utf-8")
    assert ingest(config, fake_encoder).wrote
    assert _stray_files(config.index_dir) == []


# --- two ingests at once --------------------------------------------------------------------------

BUSY = "another ingest is writing {}; try again when it finishes"


def test_ingest_while_another_holds_the_lock_raises_ingest_busy(small: Config, fake_encoder: Encoder):
    """Two writers would each swap in a manifest missing the other's notes: the second must refuse."""
    before = sorted((p.name, p.stat().st_mtime_ns) for p in small.index_dir.iterdir())
    (small.notes_dir / "caching.md").write_text("# Caching\n\nChanged.\n", encoding="utf-8")
    with FileLock(str(small.index_dir / ".ingest.lock")):
        with pytest.raises(IngestBusy, match=f"^{re.escape(BUSY.format(small.index_dir))}$"):
            ingest(small.with_(lock_timeout=0), fake_encoder)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in small.index_dir.iterdir()) == before


def test_ingest_with_a_lock_timeout_waits_for_the_other_to_finish(small: Config, fake_encoder: Encoder):
    """--wait N means wait, not fail: the second ingest runs once the first releases the lock."""
    (small.notes_dir / "caching.md").write_text("# Caching\n\nChanged.\n", encoding="utf-8")
    lock = FileLock(str(small.index_dir / ".ingest.lock"), thread_local=False)  # released by the timer thread
    lock.acquire()
    threading.Timer(0.5, lock.release).start()
    started = time.perf_counter()
    report = ingest(small.with_(lock_timeout=30), fake_encoder)
    assert report.wrote and time.perf_counter() - started >= 0.4


def test_ingest_while_a_cli_ingest_is_writing_raises_ingest_busy(small: Config, fake_encoder: Encoder):
    """The lock is held across processes, for the whole write."""
    (small.notes_dir / "caching.md").write_text("# Caching\n\nChanged.\n", encoding="utf-8")
    process = _start_pausing_cli(small, "vectors-written", "--rebuild")
    try:
        _wait_for_pause(process, "vectors-written")
        with pytest.raises(IngestBusy, match=f"^{re.escape(BUSY.format(small.index_dir))}$"):
            ingest(small.with_(lock_timeout=0), fake_encoder)
    finally:
        process.kill()
        process.wait(timeout=30)


def test_cli_with_wait_0_exits_2_and_says_another_ingest_is_running(small: Config):
    """Scripts need a distinct exit code and a sentence a person understands."""
    with FileLock(str(small.index_dir / ".ingest.lock")):
        run = subprocess.run([sys.executable, "-m", "ingest", "--notes", str(small.notes_dir),
                              "--index", str(small.index_dir), "--wait", "0"],
                             cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.splitlines()[-1] == "error: " + BUSY.format(small.index_dir)

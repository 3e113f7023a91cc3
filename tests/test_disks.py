"""A read-only or full disk under the index: the last good index keeps serving, a failed write says what
failed and what to do, and nothing partial is left. Real mounts, made in a user and mount namespace
(`unshare`), so the CLI, `python -m ask` and app.py meet a real EROFS or ENOSPC."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from ingest import Config, ingest

from helpers import REPO, clean_env, fake_cli_command, fake_encoder, free_port, write_notes

NOTES = {"caching.md": "# Caching\n\nA cache keeps hot data in memory.\n\n## Eviction\n\n"
                       "LRU evicts the least recently used entry.\n"}


def _namespaces_work() -> bool:
    try:
        return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"],
                              capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = pytest.mark.skipif(not _namespaces_work(), reason="unshare --user --mount is not available here")


def _in_namespace(mount: str, command: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run command after the shell line `mount`, in a private mount namespace."""
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                           f'{mount} && exec "$@"', "sh", *command],
                          cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=timeout)


def _read_only(folder: Path) -> str:
    return f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}"


@pytest.fixture
def built(tmp_path: Path) -> Config:
    """Notes with a good index, built by the fake encoder, then one note edited: an ingest must write."""
    config = Config(notes_dir=write_notes(tmp_path / "notes", NOTES), index_dir=tmp_path / "index")
    ingest(config, fake_encoder())
    (config.notes_dir / "caching.md").write_text(NOTES["caching.md"] + "\n## New\n\nA new section.\n",
                                                  encoding="utf-8")
    return config


def test_on_a_read_only_index_the_cli_says_what_failed_and_ask_still_answers(built: Config):
    files = sorted(p.name for p in built.index_dir.iterdir())
    args = ["--notes", str(built.notes_dir), "--index", str(built.index_dir), "--model", "fake-hash-64"]

    run = _in_namespace(_read_only(built.index_dir), fake_cli_command("ingest", *args))
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        f"error: could not write the index in {built.index_dir} (Read-only file system); the last good index "
        "is unchanged; the folder is read-only here: set QA_INDEX_DIR (or --index) to a writable folder")

    run = _in_namespace(_read_only(built.index_dir), fake_cli_command("ask", "LRU evicts entry", *args))
    assert run.returncode == 0, run.stderr
    assert "LRU evicts the least recently used entry. [1]" in run.stdout
    assert "serving the index as it was last built" in run.stderr
    assert sorted(p.name for p in built.index_dir.iterdir()) == files


def test_an_up_to_date_index_on_a_read_only_mount_is_served_without_a_word(tmp_path: Path):
    config = Config(notes_dir=write_notes(tmp_path / "notes", NOTES), index_dir=tmp_path / "index")
    ingest(config, fake_encoder())
    args = ["--notes", str(config.notes_dir), "--index", str(config.index_dir), "--model", "fake-hash-64"]
    run = _in_namespace(_read_only(config.index_dir), fake_cli_command("ingest", *args))
    assert (run.returncode, run.stdout) == (0, "1 note, 2 passages: index is up to date with the notes\n"), run.stderr


FULL_DISK = """
mount -t tmpfs -o size="$SIZE"k tmpfs "$SMALL" && cp -a "$INDEX"/. "$SMALL"/ || exit 99
"$PYTHON" -c "$INGEST" --notes "$NOTES" --index "$SMALL" --model fake-hash-64
echo "exit=$?"
ls -A "$SMALL"
echo "--"
"$PYTHON" -c "$ASK" "LRU evicts entry" --notes "$NOTES" --index "$SMALL"
"""


def test_a_full_disk_leaves_the_last_good_index_whole_and_nothing_partial(built: Config, tmp_path: Path):
    small = tmp_path / "small-disk"
    small.mkdir()
    pages = sum(-(-p.stat().st_size // 4096) for p in built.index_dir.iterdir())  # room for the index, little more
    python, _, ingest_code = fake_cli_command("ingest")
    env = clean_env(SIZE=str((pages + 2) * 4), SMALL=str(small), INDEX=str(built.index_dir),
                    NOTES=str(built.notes_dir), PYTHON=python, INGEST=ingest_code, ASK=fake_cli_command("ask")[2])
    run = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", FULL_DISK],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert "exit=2" in run.stdout, run.stdout + run.stderr
    assert "(No space left on device); the last good index is unchanged; free some disk space, then ingest " \
           "again" in run.stderr
    listing = run.stdout.split("exit=2\n")[1].split("--\n")[0].split()
    assert sorted(listing) == sorted(p.name for p in built.index_dir.iterdir())  # nothing half-written
    assert "LRU evicts the least recently used entry. [1]" in run.stdout  # the last good index answers


def test_the_app_on_a_read_only_repository_builds_its_index_in_a_cache_folder_and_says_so(tmp_path: Path):
    notes = write_notes(tmp_path / "notes", NOTES)
    index = tmp_path / "index"
    index.mkdir()
    port = free_port()
    env = clean_env(QA_NOTES_DIR=str(notes), QA_INDEX_DIR=str(index), XDG_CACHE_HOME=str(tmp_path / "cache"),
                    GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port))
    process = subprocess.Popen(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                                f'{_read_only(index)} && exec "$@"', "sh", *fake_cli_command("app.py")],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        client = _client(port, process)
        result = client.predict("LRU evicts entry", api_name="/ask")
        assert "LRU evicts the least recently used entry." in result["answer"]
        startup = json.dumps(httpx.get(f"http://127.0.0.1:{port}/config", timeout=30).json())
        assert "the index folder cannot be written, so the index was built in a cache folder instead" in startup
        assert str(tmp_path) not in startup  # no server path reaches a visitor
        message = client.predict(api_name="/reingest")
        assert "index is up to date" in message
        assert not any(index.iterdir())
        assert [p.name for p in (tmp_path / "cache" / "ask-my-notes").iterdir()][0].startswith("index-")
    finally:
        process.kill()
        output = process.communicate(timeout=30)[0]
    assert "Traceback" not in output, output


def _client(port: int, process: subprocess.Popen) -> Client:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.communicate()[0])
        try:
            return Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False, download_files=False)
        except Exception:  # not listening yet
            time.sleep(0.5)
    raise RuntimeError("the app did not start")

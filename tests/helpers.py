"""What the tests share besides fixtures: paths, notes on disk, the fake encoder, the CLI and the app
in subprocesses."""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ingest import Encoder

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BUNDLED_NOTES = REPO / "notes"
CORPORA = SHARED / "corpora"
PRIMER = CORPORA / "system-design-primer"
EVAL_DEV = SHARED / "eval" / "dev"
QUESTIONS = REPO / "bench" / "questions"
CALIBRATION = REPO / "bench" / "calibration"


def write_notes(folder: Path, notes: dict[str, str]) -> Path:
    """Write {relative path: text} under folder; returns folder."""
    for doc, text in notes.items():
        (folder / doc).parent.mkdir(parents=True, exist_ok=True)
        (folder / doc).write_text(text, encoding="utf-8")
    return folder


class HashModel:
    """Deterministic bag-of-words vectors: same encode() shape as sentence-transformers, no meaning."""

    def encode(self, texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, **kwargs):
        out = np.zeros((len(texts), 64), np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out


def fake_encoder() -> Encoder:
    return Encoder(name="fake-hash-64", model=HashModel(), dim=64)


# `python -m <module>` with the fake encoder patched in wherever the code loads one: the CLI's own
# behaviour, without a second of model loading.
FAKE_MAIN = """
import runpy, sys
sys.path[:0] = [{repo!r}, {tests!r}]
import helpers, ingest.build, ask.asker, ask.chat
ingest.build.load_exported_encoder = lambda name: helpers.fake_encoder()
for module in (ask.asker, ask.chat):
    module.load_exported_encoder = lambda name: helpers.fake_encoder()
sys.argv = [{name!r}, *sys.argv[1:]]
{run}
"""


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess: no QA_* from the caller, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    return {**env, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", **extra}


def fake_cli_command(module: str, *args: str) -> list[str]:
    """python -m module args (or app.py, for module "app.py"), with the fake encoder."""
    run = (f"runpy.run_path({module!r}, run_name='__main__')" if module.endswith(".py")
           else f"runpy.run_module({module!r}, run_name='__main__')")
    code = FAKE_MAIN.format(repo=str(REPO), tests=str(REPO / "tests"), name=module, run=run)
    return [sys.executable, "-c", code, *args]


def run_fake_cli(module: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """python -m module args, with the fake encoder, to completion."""
    return subprocess.run(fake_cli_command(module, *args), cwd=REPO, env=clean_env(), capture_output=True,
                          text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_notes(target: Path) -> Path:
    shutil.copytree(BUNDLED_NOTES, target)
    return target


@contextmanager
def running_app(notes_dir: Path, index_dir: Path, timeout: float = 120, fake: bool = False,
                **env: str) -> Iterator[str]:
    """app.py in a subprocess (with the real model unless fake); yields its URL once its port answers."""
    port = free_port()
    env = clean_env(QA_NOTES_DIR=str(notes_dir), QA_INDEX_DIR=str(index_dir), GRADIO_SERVER_NAME="127.0.0.1",
                    GRADIO_SERVER_PORT=str(port), **env)
    command = fake_cli_command("app.py") if fake else [sys.executable, "app.py"]
    log = (index_dir.parent / f"app-{port}.log").open("w+")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log, timeout)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for_port(port: int, process: subprocess.Popen, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"app.py exited with {process.returncode}:\n{log.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    log.seek(0)
    raise RuntimeError(f"app.py did not answer on port {port} within {timeout:.0f} s:\n{log.read()}")

"""Start app.py as a real subprocess on a free loopback port, for the app and browser tests."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUNDLED_NOTES = REPO / "notes"  # as in conftest.py


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_notes(target: Path) -> Path:
    shutil.copytree(BUNDLED_NOTES, target)
    return target


@contextmanager
def running_app(notes_dir: Path, index_dir: Path, timeout: float = 120) -> Iterator[str]:
    """Yield the app's URL once its port answers; stop the process afterwards."""
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "QA_NOTES_DIR": str(notes_dir), "QA_INDEX_DIR": str(index_dir),
           "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port)}
    log = (index_dir.parent / f"app-{port}.log").open("w+")
    process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
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
            time.sleep(0.5)
    log.seek(0)
    raise RuntimeError(f"app.py did not answer on port {port} within {timeout:.0f} s:\n{log.read()}")

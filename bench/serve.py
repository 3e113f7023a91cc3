"""The app over HTTP, against a trivial echo app of the same Gradio version, in one run:
python -m bench.serve [--notes DIR] [--users 20] [--per-user 300] [--sequential 100]

1. Cold start: the bare `import gradio, sentence_transformers, faiss`, against app.py from its start
   to the page served and the first answer given (the index is already on disk).
2. One visitor: /ask, question after question, against /echo of the echo app; medians.
3. Load: `--users` visitors at once, each asking `--per-user` questions through /ask; errors, p50, p95.
Both apps run as subprocesses on loopback, answered through gradio_client as a visitor's script would.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from gradio_client import Client

from .folders import REPO, folders

ECHO_APP = """
import os, gradio as gr
def echo(text: str) -> dict:
    return {"answer": text}
with gr.Blocks() as demo:
    gr.api(echo, api_name="echo")
demo.queue(default_concurrency_limit=2).launch(server_name="127.0.0.1", server_port=int(os.environ["PORT"]))
"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    return {**env, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", **extra}


def _wait_for_page(port: int, process: subprocess.Popen, timeout: float = 300) -> float:
    import httpx
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return time.perf_counter()
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError("the app did not serve its page")


def bare_imports() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gradio, sentence_transformers, faiss"], check=True, env=_env())
    return time.perf_counter() - started


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory now (VmRSS) or at its peak (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app(notes: Path, index: Path, cache: Path) -> tuple[subprocess.Popen, int, float, float]:
    """app.py started; its port, seconds to the page served, and to the first answer."""
    port = _port()
    env = _env(QA_NOTES_DIR=str(notes), QA_INDEX_DIR=str(index), GRADIO_SERVER_PORT=str(port),
               QA_QUESTIONS_PER_MINUTE="100000", XDG_CACHE_HOME=str(cache))
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    page = _wait_for_page(port, process) - started
    Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False).predict("kafka", api_name="/ask")
    return process, port, page, time.perf_counter() - started


def sequential(url: str, api: str, questions: list[str]) -> list[float]:
    client = Client(url, verbose=False, analytics_enabled=False)
    client.predict(questions[0], api_name=api)
    times = []
    for q in questions:
        started = time.perf_counter()
        client.predict(q, api_name=api)
        times.append((time.perf_counter() - started) * 1000)
    return times


def load(url: str, questions: list[str], users: int, per_user: int) -> tuple[list[float], int]:
    times, errors, lock = [], [0], threading.Lock()

    def visitor(offset: int) -> None:
        client = Client(url, verbose=False, analytics_enabled=False)
        for i in range(per_user):
            started = time.perf_counter()
            try:
                client.predict(questions[(offset + i) % len(questions)], api_name="/ask")
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    times.append(elapsed)
            except Exception:  # any failure counts; the count is the result
                with lock:
                    errors[0] += 1

    threads = [threading.Thread(target=visitor, args=(u * 7,)) for u in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default="system-design-primer")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--per-user", type=int, default=300)
    parser.add_argument("--sequential", type=int, default=100)
    args = parser.parse_args(argv)
    folder = folders()[args.folder]
    questions = [q["question"] for q in folder.questions("tune")]
    with tempfile.TemporaryDirectory() as scratch:
        index, cache = Path(scratch) / "index", Path(scratch) / "cache"
        # a first start, as on a Space without persistent storage: the model exported, the index built
        process, _, _, first_start = start_app(folder.notes, index, cache)
        first_start_mb = rss_mb(process.pid)
        process.terminate()
        process.wait()
        imports = statistics.median(bare_imports() for _ in range(3))
        process, port, page, first = start_app(folder.notes, index, cache)  # finds both on disk
        serving_mb = rss_mb(process.pid)
        echo_port = _port()
        echo = subprocess.Popen([sys.executable, "-c", ECHO_APP], env=_env(PORT=str(echo_port)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for_page(echo_port, echo)
            asked = questions[:args.sequential]
            ours, trivial = [], []
            for _ in range(2):  # interleaved rounds: noise falls on both
                trivial += sequential(f"http://127.0.0.1:{echo_port}/", "/echo", asked)
                ours += sequential(f"http://127.0.0.1:{port}/", "/ask", asked)
            started = time.perf_counter()
            loaded, errors = load(f"http://127.0.0.1:{port}/", questions, args.users, args.per_user)
            wall = time.perf_counter() - started
            peak_mb = rss_mb(process.pid, "VmHWM")
        finally:
            for p in (process, echo):
                p.terminate()
                p.wait()
    print(f"Cold start ({args.folder}, index on disk): bare imports {imports:.1f} s; app.py page served at "
          f"{page:.1f} s, first answer at {first:.1f} s: {first - imports:+.1f} s over the imports\n")
    print(f"app.py's memory: {serving_mb:.0f} MB serving after the first answer, {peak_mb:.0f} MB at its peak "
          "(after the load below)\n")
    print(f"A first start (nothing on disk: the model exported and the index built, as on a Space without "
          f"persistent storage): first answer at {first_start:.1f} s, {first_start_mb:.0f} MB serving after it\n")
    print("| endpoint | p50 ms | p95 ms |\n|---|---|---|")
    for name, times in (("echo (trivial Gradio app)", trivial), ("/ask", ours)):
        print(f"| {name} | {statistics.median(times):.1f} | {np.percentile(times, 95):.1f} |")
    print(f"\n/ask p50 is {statistics.median(ours) - statistics.median(trivial):+.1f} ms over the echo's.\n")
    total = len(loaded) + errors
    print(f"Load: {args.users} visitors at once x {args.per_user} questions = {total} answers in {wall:.0f} s "
          f"({total / wall:.0f}/s), {errors} errors, p50 {statistics.median(loaded):.0f} ms, "
          f"p95 {np.percentile(loaded, 95):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

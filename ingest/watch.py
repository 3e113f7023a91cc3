"""Re-ingest when a note is saved, after a quiet moment (editors write files in bursts)."""
from __future__ import annotations

import threading
from collections.abc import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .config import Config
from .notes import NOTE_SUFFIXES


class _Debouncer(FileSystemEventHandler):
    def __init__(self, delay: float, action: Callable[[], None]):
        self.delay, self.action = delay, action
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
        if event.is_directory or not any(p.lower().endswith(NOTE_SUFFIXES) for p in paths):
            return
        with self._lock:
            if self._timer:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self.action)
            self._timer.daemon = True
            self._timer.start()


def watch(config: Config, on_change: Callable[[], None], delay: float = 1.0,
          stop: threading.Event | None = None) -> None:
    """Call on_change once per burst of note edits, until stop is set (or Ctrl-C)."""
    observer = Observer()
    observer.schedule(_Debouncer(delay, on_change), str(config.notes_dir), recursive=True)
    observer.start()
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join()

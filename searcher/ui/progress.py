"""A progress line on stderr for long index updates: articles/s and ETA; silent unless
stderr is a terminal."""
from __future__ import annotations

import sys
import time


class ProgressLine:
    """Call with (done, total); redraws at most ten times a second, then :meth:`close`."""

    def __init__(self, label: str = "indexing", stream=None, min_total: int = 20):
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label = label
        self.min_total = min_total
        self.start = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.min_total:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0
        width = 24
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done:,}/{total:,} articles "
                          f"{rate:,.0f}/s ETA {int(eta) // 60}:{int(eta) % 60:02d} ")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False

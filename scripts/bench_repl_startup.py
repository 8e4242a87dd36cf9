"""REPL start-up: time from launching `searcher` in a terminal to its first prompt.

    python scripts/bench_repl_startup.py [--runs 7] [--index DIR --corpus DIR]

Runs `python -m searcher` in a pseudo-terminal (so it takes the interactive path) on the seed
index, waits for the `search>` prompt, sends Ctrl-D; prints the median beside a bare
`python -c pass` and `from pyvi import ViTokenizer` in the same run. Target: <= 0.5 s.
"""
from __future__ import annotations

import argparse
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared_data import PROJECT, median


def to_prompt(cmd: list[str], env: dict, marker: bytes = b"search>", timeout: float = 20) -> float:
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(cmd[0], cmd, env)
    start = time.perf_counter()
    seen = b""
    try:
        while marker not in seen:
            if time.perf_counter() - start > timeout:
                os.kill(pid, 9)
                raise SystemExit(f"no prompt within {timeout} s; got {seen[-300:]!r}")
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
        elapsed = time.perf_counter() - start
        os.write(fd, b"\x04")
    finally:
        os.waitpid(pid, 0)
        os.close(fd)
    return elapsed


def wall(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--index")
    ap.add_argument("--corpus", default=str(PROJECT / "seeds"))
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "XDG_DATA_HOME": tempfile.mkdtemp(), "TERM": "xterm"}
    index = args.index
    if not index:
        index = str(Path(tempfile.mkdtemp()) / "index")
        subprocess.run([sys.executable, "-m", "searcher", "--corpus", args.corpus, "--index", index,
                        "index"], env=env, check=True, capture_output=True)
    cmd = [sys.executable, "-m", "searcher", "--corpus", args.corpus, "--index", index]
    to_prompt(cmd, env)  # warm the file cache
    ours = median([to_prompt(cmd, env) for _ in range(args.runs)])
    bare = median([wall([sys.executable, "-c", "pass"], env) for _ in range(args.runs)])
    pyvi = median([wall([sys.executable, "-c", "from pyvi import ViTokenizer"], env) for _ in range(args.runs)])
    print(f"start to first prompt (median of {args.runs}): {ours * 1000:.0f} ms (target <= 500 ms)")
    print(f"  beside: `python -c pass` {bare * 1000:.0f} ms, `from pyvi import ViTokenizer` {pyvi * 1000:.0f} ms")


if __name__ == "__main__":
    main()

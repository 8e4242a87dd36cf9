"""Fuzzed queries through `searcher search` (one-shot and batch) and the REPL loop.

    python scripts/fuzz_queries.py [--n 10000] [--oneshot 200] [--index DIR --corpus DIR]

Draws queries from the hypothesis strategies in tests/fuzzing.py (random Unicode, operators,
quotes, filters, NUL, 2,000-10,000-character strings) and counts tracebacks and failures;
prints the slowest answers and the time of a 10,000-character query (target: 0 tracebacks,
a 10,000-character query within 2 s).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared_data import PROJECT, median

sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))


def draw(n: int, seed: int = 0) -> list[str]:
    from hypothesis import HealthCheck, given, seed as hseed, settings

    from fuzzing import queries

    out: list[str] = []

    @hseed(seed)
    @settings(max_examples=n, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(queries)
    def collect(q):
        out.append(q)

    collect()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--oneshot", type=int, default=200, help="also run this many as one-shot processes")
    ap.add_argument("--corpus", default=str(PROJECT / "seeds"))
    ap.add_argument("--index")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    index = args.index or str(Path(tempfile.mkdtemp()) / "index")
    base = [sys.executable, "-m", "searcher", "--corpus", args.corpus, "--index", index]
    if not args.index:
        subprocess.run(base + ["index"], env=env, check=True, capture_output=True)

    qs = draw(args.n)
    # Batch mode reads lines: newlines inside a query would split it, so they become spaces.
    lines = [q.replace("\r", " ").replace("\n", " ") for q in qs]
    t = time.perf_counter()
    proc = subprocess.run(base + ["search", "-", "--json"], input="\n".join(lines) + "\n",
                          env=env, capture_output=True, text=True)
    batch_s = time.perf_counter() - t
    answers = [json.loads(l) for l in proc.stdout.splitlines()]
    batch_tb = proc.stderr.count("Traceback")
    print(f"batch `searcher search -`: {len(lines):,} queries, {len(answers):,} answers (one a line), exit "
          f"{proc.returncode}, {batch_tb} tracebacks, {batch_s:.1f} s; slowest "
          f"{max((a['took_ms'] for a in answers), default=0):.0f} ms")

    oneshot_tb = oneshot_bad = 0
    ran = 0
    for q in qs[:args.oneshot]:
        if not q.strip() or "\x00" in q:  # argv cannot carry NUL; batch and REPL cover it
            continue
        ran += 1
        p = subprocess.run(base + ["search", "--json", "--", q], env=env, capture_output=True, text=True)
        oneshot_tb += "Traceback" in p.stderr
        oneshot_bad += p.returncode not in (0, 1)
    print(f"one-shot `searcher search`: {ran} queries, {oneshot_tb} tracebacks, "
          f"{oneshot_bad} exits other than 0/1")

    from searcher.ui.session import Settings
    from searcher.ui.repl import Repl
    from searcher.search import SearchEngine

    out = io.StringIO()
    repl = Repl(Settings.of(Path(args.corpus), Path(index)), SearchEngine(Path(index)), out=out, colour=True)
    repl_tb, times = 0, []
    for q in qs:
        t = time.perf_counter()
        try:
            repl.handle(q)
            repl.handle(":more")
        except Exception:  # anything escaping the REPL loop would be a traceback for the user
            repl_tb += 1
        times.append(time.perf_counter() - t)
        out.seek(0)
        out.truncate()
    print(f"REPL loop: {len(qs):,} lines (+ :more each), {repl_tb} exceptions escaped, "
          f"median {median(times) * 1000:.1f} ms, slowest {max(times) * 1000:.0f} ms")

    long_q = " ".join(["công an tỉnh Nghệ An hội nghị phong trào toàn dân"] * 300)[:10_000]
    t = time.perf_counter()
    p = subprocess.run(base + ["search", "--json", long_q], env=env, capture_output=True, text=True)
    print(f"10,000-character query, one-shot: {time.perf_counter() - t:.2f} s wall, exit {p.returncode}, "
          f"{json.loads(p.stdout)['took_ms']:.0f} ms in search (target <= 2 s)")
    total = batch_tb + oneshot_tb + repl_tb
    print(f"tracebacks in all: {total} (target 0)")


if __name__ == "__main__":
    main()

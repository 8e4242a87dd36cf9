"""Index build benchmark on VNTC, beside pure pyvi segmentation of the same text.

    python scripts/bench_index.py [--vntc PATH] [--articles 10000] [--full] [--skip-pyvi] [--repeat N]

For N articles (default 10,000; --full: all 84,132): `searcher index --rebuild` as a
subprocess (wall time, chars/s, articles/s, peak RSS of its whole process tree, index size
over corpus size), alternating with `pyvi.ViTokenizer.tokenize` over the same paragraphs in 2
processes (medians of --repeat runs), then pyvi in 1 process once, then the time of
`searcher index` after adding one article.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from shared_data import PROJECT, vntc_dir, vntc_files

PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * PAGE
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_measured(cmd: list[str], env: dict) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time and peak tree RSS of a command."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            done.wait(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    done.set()
    th.join()
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return wall, peak[0], subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def paragraphs_of(files: list[Path]) -> list[str]:
    out = []
    for f in files:
        for line in f.read_text(encoding="utf-8", errors="replace").split("\n"):
            if line.strip():
                out.append(line)
    return out


def _pyvi_chunk(paragraphs: list[str]) -> int:
    from pyvi import ViTokenizer

    for p in paragraphs:
        ViTokenizer.tokenize(p)
    return len(paragraphs)


def pyvi_seconds(paragraphs: list[str], procs: int) -> float:
    if procs == 1:
        _pyvi_chunk(paragraphs[:10])
        t = time.perf_counter()
        _pyvi_chunk(paragraphs)
        return time.perf_counter() - t
    chunks = [paragraphs[i:i + 500] for i in range(0, len(paragraphs), 500)]
    with mp.get_context("fork").Pool(procs) as pool:
        pool.map(_pyvi_chunk, [paragraphs[:10]] * procs)  # load the model in each worker
        t = time.perf_counter()
        for _ in pool.imap_unordered(_pyvi_chunk, chunks):
            pass
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vntc", help="VNTC folder or vntc.tar.xz (default ../shared/corpus/vntc.tar.xz)")
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--full", action="store_true", help="all 84,132 articles")
    ap.add_argument("--skip-pyvi", action="store_true", help="skip the pyvi baselines")
    ap.add_argument("--keep", help="keep the corpus and index in this folder")
    ap.add_argument("--repeat", type=int, help="runs of the build and of 2-process pyvi, "
                    "alternating; medians reported (default 3, 1 with --full)")
    args = ap.parse_args()

    root = vntc_dir(args.vntc)
    files = vntc_files(args.vntc, None if args.full else args.articles)
    work = Path(args.keep or tempfile.mkdtemp(prefix="searcher-bench-"))
    corpus, index = work / "corpus", work / "index"
    shutil.rmtree(work, ignore_errors=True)
    for f in files:  # symlinks: the corpus is the VNTC files themselves
        target = corpus / f.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(f)
    corpus_bytes = sum(f.stat().st_size for f in files)
    paragraphs = paragraphs_of(files)
    chars = sum(map(len, paragraphs))
    print(f"corpus: {len(files):,} VNTC articles, {len(paragraphs):,} paragraphs, "
          f"{chars:,} characters, {corpus_bytes / 1e6:,.1f} MB")

    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    searcher = [sys.executable, "-m", "searcher", "--corpus", str(corpus), "--index", str(index)]
    repeat = args.repeat or (1 if args.full else 3)
    builds, pyvi2, peak = [], [], 0
    for _ in range(repeat):  # alternating, so both see the same machine
        wall, run_peak, res = run_measured(searcher + ["index", "--rebuild"], env)
        builds.append(wall)
        peak = max(peak, run_peak)
        if not args.skip_pyvi:
            pyvi2.append(pyvi_seconds(paragraphs, 2))
    index_bytes = sum(p.stat().st_size for p in index.iterdir() if p.is_file())
    print(f"searcher index: {res.stdout.strip()}")
    if repeat > 1:
        print("runs (s): build " + " ".join(f"{t:.1f}" for t in builds)
              + ("; pyvi x2 " + " ".join(f"{t:.1f}" for t in pyvi2) if pyvi2 else ""))

    rows = [("searcher index --rebuild", statistics.median(builds))]
    if not args.skip_pyvi:
        rows.append(("pyvi tokenize, 1 process", pyvi_seconds(paragraphs, 1)))
        rows.append(("pyvi tokenize, 2 processes", statistics.median(pyvi2)))
    label = f"median of {repeat}" if repeat > 1 else ""
    print(f"\n{'build ' + label:<30}{'seconds':>9}{'chars/s':>12}{'articles/s':>12}{'vs pyvi x2':>12}")
    base = rows[-1][1] if not args.skip_pyvi else None
    for name, secs in rows:
        ratio = f"{base / secs:>12.2f}" if base else f"{'':>12}"
        print(f"{name:<30}{secs:>9.1f}{chars / secs:>12,.0f}{len(files) / secs:>12,.0f}{ratio}")
    print("(target: searcher >= 0.60 of pyvi with 2 processes)")
    print(f"\npeak RSS of the build (all processes): {peak / 2**20:,.0f} MiB (target <= 1024 MiB)")
    print(f"index size: {index_bytes / 1e6:,.1f} MB = {index_bytes / corpus_bytes:.2f}x the corpus "
          f"(target <= 3x)")

    # One more article, then an incremental update.
    new = corpus / "added" / "one-more.txt"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text(" date 2024-06\nMột bài báo mới về Công an tỉnh Nghệ An\n"
                   "Nội dung của bài báo mới thêm vào kho.\nThùy Dương\n", encoding="utf-8")
    times = []
    for i in range(3):
        new.write_text(new.read_text(encoding="utf-8") + f"Đoạn thêm {i}.\n", encoding="utf-8")
        t, _, res = run_measured(searcher + ["index"], env)
        times.append(t)
    times.sort()
    print(f"add 1 article to the {len(files):,}-article index (`searcher index`, median of 3): "
          f"{times[1]:.2f} s (target <= 2 s); last: {res.stdout.strip()}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

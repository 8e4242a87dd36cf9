"""Analyzer throughput and query-path import time, each beside pyvi in the same run.

    python scripts/bench_analyzer.py [--vntc PATH] [--chars 2000000] [--repeat 3]

Throughput: the text of VNTC articles (paragraph by paragraph) through our full index
analysis (syllables and compounds, exact and folded: the four index fields) and through
`pyvi.ViTokenizer.tokenize` alone. Import: cold `python -c` runs of the query-path analyzer
(import and analyze one query) next to `from pyvi import ViTokenizer`.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time

from shared_data import PROJECT, median, vntc_files

sys.path.insert(0, str(PROJECT))


def load_paragraphs(path: str | None, max_chars: int) -> list[str]:
    paragraphs, total = [], 0
    for f in vntc_files(path):
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if line:
                paragraphs.append(line)
                total += len(line)
        if total >= max_chars:
            break
    return paragraphs


def ours(paragraphs: list[str]) -> None:
    from searcher.analysis import syllable_analyzer, word_analyzer

    analyzers = [syllable_analyzer(), syllable_analyzer(True), word_analyzer(), word_analyzer(True)]
    for p in paragraphs:
        for a in analyzers:
            for _ in a(p, positions=True, chars=True):
                pass


def pyvi_alone(paragraphs: list[str]) -> None:
    from pyvi import ViTokenizer

    for p in paragraphs:
        ViTokenizer.tokenize(p)


def cold(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT)
        times.append(time.perf_counter() - t)
    return median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vntc", help="VNTC folder or vntc.tar.xz (default ../shared/corpus/vntc.tar.xz)")
    ap.add_argument("--chars", type=int, default=2_000_000, help="characters of text to analyze")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    paragraphs = load_paragraphs(args.vntc, args.chars)
    chars = sum(map(len, paragraphs))
    print(f"text: {len(paragraphs):,} paragraphs, {chars:,} characters of VNTC")
    # Warm both (model loading is not throughput), then alternate runs.
    ours(paragraphs[:50]); pyvi_alone(paragraphs[:50])
    t_ours, t_pyvi = [], []
    for _ in range(args.repeat):
        for fn, acc in ((ours, t_ours), (pyvi_alone, t_pyvi)):
            t = time.perf_counter(); fn(paragraphs); acc.append(time.perf_counter() - t)
    r_ours, r_pyvi = chars / median(t_ours), chars / median(t_pyvi)
    print(f"{'throughput':<28}{'ours':>14}{'pyvi alone':>14}{'ratio':>8}")
    print(f"{'chars/s (median of ' + str(args.repeat) + ')':<28}{r_ours:>14,.0f}{r_pyvi:>14,.0f}{r_ours / r_pyvi:>8.2f}  (target >= 0.80)")

    q = "from searcher.analysis import analyze; analyze('Công an tỉnh Nghệ An')"
    t_q = cold(q, args.repeat + 2)
    t_i = cold("import searcher.analysis", args.repeat + 2)
    t_p = cold("from pyvi import ViTokenizer", args.repeat + 2)
    t_0 = cold("pass", args.repeat + 2)
    print(f"{'cold start, median':<28}{'ours':>14}{'pyvi import':>14}{'ratio':>8}")
    print(f"{'import analyzer (ms)':<28}{(t_i - t_0) * 1000:>14.0f}{(t_p - t_0) * 1000:>14.0f}{(t_i - t_0) / (t_p - t_0):>8.2f}  (target <= 150 ms)")
    print(f"{'import + analyze query (ms)':<28}{(t_q - t_0) * 1000:>14.0f}{(t_p - t_0) * 1000:>14.0f}{(t_q - t_0) / (t_p - t_0):>8.2f}")
    print(f"(interpreter start-up, {t_0 * 1000:.0f} ms, is subtracted from every figure)")


if __name__ == "__main__":
    main()

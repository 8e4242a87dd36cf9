"""Word-segmentation precision, recall and F1 on UD-VTB, ours beside pyvi's own `tokenize`.

    python scripts/eval_segmentation.py [--ud PATH] [--split test]

Every system's words are turned into character spans of the raw sentence, and a word counts
as correct when its span is exactly a gold word's span (the usual word-level measure).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from shared_data import PROJECT, SHARED, die

sys.path.insert(0, str(PROJECT))


def spans_of(raw: str, words: list[list[str]]) -> set[tuple[int, int]]:
    """Character spans of words given as lists of their syllables, found left to right."""
    out, cursor = set(), 0
    for parts in words:
        start = None
        for part in parts:
            at = raw.find(part, cursor)
            if at < 0:
                break
            start = at if start is None else start
            cursor = at + len(part)
        if start is not None:
            out.add((start, cursor))
    return out


def gold_words(seg: str) -> list[list[str]]:
    return [tok.split("_") for tok in seg.split()]


def pyvi_words(raw: str) -> list[list[str]]:
    from pyvi import ViTokenizer

    return [tok.split("_") for tok in ViTokenizer.tokenize(raw).split()]


def our_words(raw: str) -> list[list[str]]:
    from searcher.analysis import split_units, word_spans

    compounds = {(w.start, w.end) for w in word_spans(raw) if len(w.syllables) > 1}
    covered = [(s, e) for s, e in compounds]
    words = [(s, e) for s, e in compounds]
    for u in split_units(raw):
        if not any(s <= u.start and u.end <= e for s, e in covered):
            words.append((u.start, u.end))
    return [raw[s:e].split() for s, e in sorted(words)]


def score(pred: set, gold: set) -> tuple[int, int, int]:
    return len(pred & gold), len(pred), len(gold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ud", default=str(SHARED / "eval" / "ud-vtb"), help="UD-VTB folder")
    ap.add_argument("--split", default="test")
    args = ap.parse_args()
    raw_path = Path(args.ud) / f"{args.split}.raw.txt"
    seg_path = Path(args.ud) / f"{args.split}.seg.txt"
    if not raw_path.is_file() or not seg_path.is_file():
        die(f"{raw_path} / {seg_path} missing: put the shared data beside the project or pass --ud")
    raws = raw_path.read_text(encoding="utf-8").splitlines()
    segs = seg_path.read_text(encoding="utf-8").splitlines()
    if len(raws) != len(segs):
        die("raw and seg files differ in line count")
    systems = {"ours": our_words, "pyvi tokenize": pyvi_words}
    totals = {name: [0, 0, 0] for name in systems}
    times = {name: 0.0 for name in systems}
    for raw, seg in zip(raws, segs):
        gold = spans_of(raw, gold_words(seg))
        for name, fn in systems.items():
            t = time.perf_counter()
            words = fn(raw)
            times[name] += time.perf_counter() - t
            for i, v in enumerate(score(spans_of(raw, words), gold)):
                totals[name][i] += v
    print(f"UD-VTB {args.split}: {len(raws):,} sentences")
    print(f"{'system':<16}{'precision':>10}{'recall':>10}{'F1':>10}{'seconds':>10}")
    for name, (ok, npred, ngold) in totals.items():
        p, r = ok / max(npred, 1), ok / max(ngold, 1)
        f1 = 2 * p * r / max(p + r, 1e-9)
        print(f"{name:<16}{p:>10.4f}{r:>10.4f}{f1:>10.4f}{times[name]:>10.2f}")


if __name__ == "__main__":
    main()

"""Other spellings, quickly: MRR@10 of the VietNews titles holding an abbreviation of the
table (or its expansion) or an i/y syllable, as written and swapped, on one split.

    python scripts/eval_variants.py [--split eval|tune] [--sets abbreviations,iy] [--paragraphs]
                                    [--shared PATH]

The same sets and swaps as scripts/eval_relevance.py (which runs every set, with latency),
in a minute instead of half an hour: for tuning the variants' constants on the tune split.
Prints each set's MRR@10 as written and swapped, the loss, and the titles whose rank moved.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from shared_data import SHARED, die

import eval_relevance as ev

SWAPS = {"abbreviations": ev.swap_abbreviations, "iy": ev.swap_i_y}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["eval", "tune"], default="eval")
    ap.add_argument("--sets", default=",".join(SWAPS), help="sets: " + ", ".join(SWAPS))
    ap.add_argument("--paragraphs", action="store_true", help="paragraph hits, not article hits")
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder")
    args = ap.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    if not sets or any(s not in SWAPS for s in sets):
        die(f"--sets takes {', '.join(SWAPS)}")
    _, queries, _, index = ev.prepared_vietnews(Path(args.shared), 500, args.split)
    engine = ev.SearchEngine(index)

    def rank(text: str, article: str) -> int | None:
        hits = engine.search(text, limit=10, articles=not args.paragraphs, suggest=False).hits
        found = [h.article for h in hits]
        return found.index(article) + 1 if article in found else None

    for name in sets:
        swap = SWAPS[name]
        pairs = [(q["title"], swap(q["title"]), q["article"]) for q in queries if swap(q["title"])]
        written = swapped = 0.0
        moved = []
        for title, other, article in pairs:
            a, b = rank(title, article), rank(other, article)
            written += 1 / a if a else 0.0
            swapped += 1 / b if b else 0.0
            if a != b:
                moved.append(f"    {a or '-'} -> {b or '-'}  {other}")
        n = max(len(pairs), 1)
        print(f"{name} ({args.split} split, {len(pairs)} titles, "
              f"{'paragraph' if args.paragraphs else 'article'} hits): MRR@10 as written "
              f"{written / n:.4f}, swapped {swapped / n:.4f}, loss {(written - swapped) / n:.4f}")
        print("\n".join(moved))


if __name__ == "__main__":
    main()

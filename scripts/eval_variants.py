"""Other spellings, quickly: MRR@10 of the VietNews titles holding an abbreviation of the
table (or its expansion) or an i/y syllable, as written and swapped, and of the titles with
one typo (`typos`, as scripts/eval_relevance.py makes them) on one split; and of
every query in each form (`--sets titles,nodia,abstracts`), to check that a change for
them leaves the rest as it was.

    python scripts/eval_variants.py [--split eval|tune] [--sets abbreviations,iy,typos] [--paragraphs]
                                    [--list-suggestions] [--shared PATH]

The same sets and swaps as scripts/eval_relevance.py (which runs every set, with latency),
in a minute instead of half an hour: for tuning the variants' constants on the tune split.
Prints each set's MRR@10 as written and swapped, the loss, the titles whose rank moved,
and how many suggestions the swapped titles get and how many of those give the title back
(`--list-suggestions`: the others); for a query form, how many suggestions its queries get
and how many of those are the title (with its marks).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from shared_data import QUERY_FORMS, SHARED, die, query_sets

import eval_relevance as ev

SWAPS = {  # a query's title written another way (None: it has nothing to swap)
    "abbreviations": lambda q: ev.swap_abbreviations(q["title"]),
    "iy": lambda q: ev.swap_i_y(q["title"]),
    "typos": lambda q: ev.one_typo(q["title"], q["qid"]),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["eval", "tune"], default="eval")
    ap.add_argument("--sets", default=",".join(SWAPS), help="sets: " + ", ".join([*SWAPS, *QUERY_FORMS]))
    ap.add_argument("--paragraphs", action="store_true", help="paragraph hits, not article hits")
    ap.add_argument("--list-suggestions", action="store_true",
                    help="list the suggestions that do not give the title back")
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder")
    args = ap.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    if not sets or any(s not in SWAPS and s not in QUERY_FORMS for s in sets):
        die(f"--sets takes {', '.join([*SWAPS, *QUERY_FORMS])}")
    _, queries, _, index = ev.prepared_vietnews(Path(args.shared), 500, args.split)
    engine = ev.SearchEngine(index)

    def answer(text: str, article: str, suggest: bool = False) -> tuple[int | None, str | None]:
        """The article's rank in the top 10 for ``text``, and the suggestion (if asked)."""
        result = engine.search(text, limit=10, articles=not args.paragraphs, suggest=suggest)
        found = [h.article for h in result.hits]
        return (found.index(article) + 1 if article in found else None), result.suggestion

    def rank(text: str, article: str) -> int | None:
        return answer(text, article)[0]

    hits = "paragraph" if args.paragraphs else "article"
    forms = query_sets(queries)
    for name in (s for s in sets if s in QUERY_FORMS):
        texts = forms[name]
        answers = [answer(text, q["article"], suggest=True) for text, q in zip(texts, queries)]
        found = [r for r, _ in answers]
        mrr = sum(1 / r for r in found if r) / max(len(found), 1)
        back = sum(o is not None and o.casefold() == q["title"].casefold()
                   for (_, o), q in zip(answers, queries))
        print(f"{name} ({args.split} split, {len(found)} queries, {hits} hits): MRR@10 {mrr:.4f}, "
              f"{sum(o is not None for _, o in answers)} suggestions offered, {back} give the title")
        if args.list_suggestions:
            print("\n".join(f"    {text}  ->  {o}" for text, (_, o) in zip(texts, answers) if o))
    for name in (s for s in sets if s in SWAPS):
        swap = SWAPS[name]
        pairs = [(q["title"], swap(q), q["article"]) for q in queries if swap(q)]
        written = swapped = 0.0
        moved, offered = [], []
        for title, other, article in pairs:
            a = rank(title, article)
            b, suggestion = answer(other, article, suggest=True)
            offered.append(suggestion)
            written += 1 / a if a else 0.0
            swapped += 1 / b if b else 0.0
            if a != b:
                moved.append(f"    {a or '-'} -> {b or '-'}  {other}")
        n = max(len(pairs), 1)
        print(f"{name} ({args.split} split, {len(pairs)} titles, "
              f"{hits} hits): MRR@10 as written "
              f"{written / n:.4f}, swapped {swapped / n:.4f}, loss {(written - swapped) / n:.4f}")
        print("\n".join(moved))
        # What `did you mean` offers: for a typo, the title back; for another spelling
        # (i/y, abbreviations), which is no mistake, best nothing.
        right = sum(o is not None and o.casefold() == t.casefold()
                    for o, (t, _, _) in zip(offered, pairs))
        print(f"  suggestions: {sum(o is not None for o in offered)} offered, {right} "
              f"give the title back")
        if args.list_suggestions:
            print("\n".join(f"    {other}  ->  {o}" for o, (t, other, _) in zip(offered, pairs)
                            if o is not None and o.casefold() != t.casefold()))

if __name__ == "__main__":
    main()

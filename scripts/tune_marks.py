"""Tune how a query with marks left out in haste is read, on the VietNews tune sample.

    python scripts/tune_marks.py [--split tune] [--shares 0.01,0.03,0.1,0.2]
                                 [--prefer 0.1,0.25] [--shared PATH]

For each pair of constants (searcher.search.query.CAREFUL_SHARE, the share below which an
unmarked syllable makes a marked query hasty, and PREFER_WEIGHT, the unmarked spelling's
preference in a hasty query), prints MRR@10 of the sample's fully marked titles and of the
same titles with 40% of their syllables unmarked (eval_relevance.strip_some), with article
and with paragraph hits, and how many fully marked titles are judged hasty.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared_data import PROJECT, SHARED

sys.path.insert(0, str(PROJECT))

import searcher.search.features as features  # noqa: E402
import searcher.search.query as query  # noqa: E402
import searcher.search.scoring as scoring  # noqa: E402
from eval_relevance import Ours, OursParagraphs, evaluate, prepared_vietnews, strip_some  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(SHARED))
    ap.add_argument("--split", choices=["eval", "tune"], default="tune")
    ap.add_argument("--shares", default="0.01,0.03,0.1,0.2")
    ap.add_argument("--prefer", default="0.25")
    args = ap.parse_args()
    _, queries, corpus, index = prepared_vietnews(Path(args.shared), 500, args.split)
    ours = Ours(corpus, index, False)
    paragraphs = OursParagraphs(ours)
    full = [(q["title"], {q["article"]}) for q in queries]
    part = [(strip_some(q["title"], q["qid"]), {q["article"]}) for q in queries]
    print(f"VietNews {args.split} sample, {len(queries)} titles; MRR@10 fully marked / 40% unmarked")
    for share in map(float, args.shares.split(",")):
        for prefer in map(float, args.prefer.split(",")):
            query.CAREFUL_SHARE = share
            scoring.PREFER_WEIGHT = features.PREFER_WEIGHT = prefer
            hasty = sum(any(t.prefer for t in ours.engine.prepare_query(text).positive_terms())
                        for text, _ in full)
            a_full, a_part, p_full, p_part = (evaluate(system, qs)["mrr10"]
                                              for system in (ours, paragraphs) for qs in (full, part))
            print(f"  share {share:<5} prefer {prefer:<5} articles {a_full:.4f} / {a_part:.4f} "
                  f"(-{a_full - a_part:.4f})  paragraphs {p_full:.4f} / {p_part:.4f} "
                  f"(-{p_full - p_part:.4f})  fully marked judged hasty: {hasty}", flush=True)


if __name__ == "__main__":
    main()

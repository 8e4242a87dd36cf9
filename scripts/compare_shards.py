"""Does a sharded index answer exactly as a single index of the same corpus?

    python scripts/compare_shards.py [--shards 4] [--articles 3000] [--queries 1500]
                                     [--forms titles,nodia,abstracts,names,phrases] [--cluster]
                                     [--fresh] [--shared PATH]

Builds (once, cached in the temp folder beside scripts/eval_relevance.py's) a single index
and an N-shard index of the VietNews eval sample, runs every query of each form through
both, in both result modes (paragraphs, --articles), and the short queries
scripts/eval_names.py judges (`names`, `phrases`, with marks and without), and compares
the answers: each hit's
article, paragraph, score (to 1e-6) and shown paragraphs, the total and whether it is
exact, the suggestion and the facets. Prints the count of queries answered differently per
form and mode, and the first differences. With `--cluster`, the shards are also searched
on Dask actors (a `distributed.LocalCluster` of 2 worker processes started here) and
compared the same way. Exit status 1 when any differs.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from contextlib import ExitStack
from pathlib import Path

from shared_data import QUERY_FORMS as FORMS, SHARED, die

SHORT = ("names", "phrases")  # short queries (scripts/eval_names.py), with marks and without

import eval_relevance as ev
from searcher.index import IndexStore, update_layout
from searcher.search import SearchEngine

def answer(engine: SearchEngine, text: str, articles: bool) -> tuple:
    """What a user or a script sees of one search, scores to 1e-6."""
    r = engine.search(text, limit=10, articles=articles, facets=True)
    hits = tuple((h.article, h.paragraph, round(h.score, 6),
                  tuple(m.paragraph for m in h.matches or ()), h.more, h.snippet) for h in r.hits)
    facets = tuple((k, tuple(v.items())) for k, v in sorted((r.facets or {}).items()))
    return hits, r.total, r.total_exact, r.suggestion, facets


def compare(one: SearchEngine, name: str, many: SearchEngine, texts: dict[str, list[str]],
            show: int) -> int:
    """Queries answered differently by ``many`` than by ``one``, printed per form and mode."""
    different = 0
    for form, queries in texts.items():
        for articles in (False, True):
            diffs = []
            for text in queries:
                a, b = answer(one, text, articles), answer(many, text, articles)
                if a != b:
                    diffs.append((text, a, b))
            mode = "articles" if articles else "paragraphs"
            print(f"{name:10} {form:10} {mode:10} {len(queries) - len(diffs):5} identical, "
                  f"{len(diffs)} different")
            for text, a, b in diffs[:show]:
                print(f"    {text[:80]}")
                for field, x, y in zip(("hits", "total", "exact", "suggestion", "facets"), a, b):
                    if x != y and field == "hits":
                        i = next(i for i, (h, g) in enumerate(zip(x + ((),), y + ((),))) if h != g)
                        print(f"      hit {i + 1}: single {x[i][:3] if i < len(x) else None}, "
                              f"{name} {y[i][:3] if i < len(y) else None}")
                    elif x != y:
                        print(f"      {field}: single {x}, {name} {y}")
            different += len(diffs)
    return different


def sharded_index(corpus: Path, index: Path, shards: int, fresh: bool) -> None:
    if fresh:
        shutil.rmtree(index, ignore_errors=True)
    update_layout(corpus, IndexStore(index), shards=shards)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--queries", type=int, default=1500)
    ap.add_argument("--forms", default=",".join((*FORMS, *SHORT)), help="forms: " + ", ".join((*FORMS, *SHORT)))
    ap.add_argument("--fresh", action="store_true", help="build both indexes again")
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder")
    ap.add_argument("--cluster", action="store_true", help="also search the shards on Dask actors")
    ap.add_argument("--show", type=int, default=3, help="differences printed per form and mode")
    args = ap.parse_args()
    forms = [f for f in args.forms.split(",") if f]
    if not forms or any(f not in FORMS and f not in SHORT for f in forms):
        die(f"--forms takes {', '.join([*FORMS, *SHORT])}")
    _, queries, corpus, single = ev.prepared_vietnews(Path(args.shared), args.queries, "eval",
                                                      args.articles, args.fresh)
    sharded = single.with_name(f"{single.name}-{args.shards}-shards")
    sharded_index(corpus, sharded, args.shards, args.fresh)
    with ExitStack() as stack:
        one = stack.enter_context(SearchEngine(single))
        others = {f"{args.shards} shards": stack.enter_context(SearchEngine(sharded))}
        if args.cluster:
            from distributed import LocalCluster

            from searcher.search.remote import cluster_parts

            c = stack.enter_context(LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                 dashboard_address=None, silence_logs=50))
            others["cluster"] = stack.enter_context(
                SearchEngine(sharded, parts=cluster_parts(c.scheduler_address)))
        print(f"{len(queries)} queries, {one.articles} articles; the single index against "
              + ", ".join(others))
        texts = {f: [FORMS[f](q) for q in queries] for f in forms if f in FORMS}
        if any(f in SHORT for f in forms):
            from eval_names import NameSet, corpus_paragraphs

            paragraphs = corpus_paragraphs(corpus)
            for f in (f for f in forms if f in SHORT):
                surfaces = [s for s, _ in NameSet(paragraphs, f == "phrases").names]
                texts[f] = surfaces + [ev.strip_diacritics(s) for s in surfaces]
        different = sum(compare(one, name, many, texts, args.show)
                        for name, many in others.items())
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()

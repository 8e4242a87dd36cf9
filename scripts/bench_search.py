"""Query latency of the working tree beside a committed version, in one process.

    python scripts/bench_search.py [--against REF] [--sets titles,nodia,abstracts,abbreviations,iy]
                                   [--rounds 3] [--cold | --first] [--paragraphs] [--suggest]
                                   [--shared PATH]

Both versions of the `searcher` package are loaded side by side (the committed one from
`git archive REF`, HEAD by default) and open the same index: the VietNews eval sample that
scripts/eval_relevance.py builds (built here if missing). A version reading another index
schema opens its own index of the same sample, built by that version beside it. Every query is answered by both,
alternating which goes first, `--rounds` times, so that the machine's drifting speed hits
both alike. Printed per query set: median and p95 of each version, the ratio of medians and
the median of the per-query ratios, and how many queries' answers differ (the total,
and the top 10's articles, or with `--paragraphs` their paragraphs, with their scores
to 1e-6), and how many queries' totals each version gives as an estimate.
`abbreviations` and `iy` are the titles holding a table abbreviation (or its expansion) or
an i/y syllable, with them swapped, as scripts/eval_relevance.py measures them; `names`
and `phrases` the short queries scripts/eval_names.py judges (not run by default).
`--cold` forgets each engine's session caches before every query (a session's first query);
`--first` only before each round of a set, as scripts/eval_relevance.py times its sets (a
session's first queries: each finds in the caches what the queries before it left).
`--facets` has the working tree count facets too, as `searcher search --json` does.
`--suggest` has both make suggestions, as `searcher search` does (answers then differ in
their suggestion too).
"""
from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from shared_data import PROJECT, QUERY_FORMS, SHARED, die, median, percentile, query_sets

# Beside the query forms, the titles holding an abbreviation of the table (or its
# expansion) or an i/y syllable, swapped (see scripts/eval_relevance.py), and short queries:
# the names and lowercase phrases scripts/eval_names.py judges, typed with their marks.
SWAPPED = ("abbreviations", "iy")
SHORT = ("names", "phrases")
SETS = (*QUERY_FORMS, *SWAPPED, *SHORT)


def load_committed(ref: str, folder: Path):
    """The `searcher.search` module (or package) of commit ``ref``, loaded under its own name and then
    moved out of the way, so that the working tree's package can be imported next."""
    archive = folder / "searcher.tar"
    with archive.open("wb") as out:
        if subprocess.run(["git", "-C", str(PROJECT), "archive", ref, "searcher"], stdout=out,
                          stderr=subprocess.DEVNULL).returncode:
            die(f"git cannot export the package at {ref!r}")
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    if any(name == "searcher" or name.startswith("searcher.") for name in sys.modules):
        die("load the committed version before anything imports searcher")
    sys.path.insert(0, str(folder))
    try:
        search = importlib.import_module("searcher.search")
        try:  # the package split by layer, or the flat one before it
            schema = importlib.import_module("searcher.index").SCHEMA_VERSION
        except (ImportError, AttributeError):
            schema = importlib.import_module("searcher.store").SCHEMA_VERSION
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == "searcher" or n.startswith("searcher.")]:
            del sys.modules[name]
    return search, schema


def build_committed_index(folder: Path, corpus: Path, index: Path) -> None:
    """Bring the committed version's own index of ``corpus`` up to date, in a process of
    its own (its worker processes then load the same version)."""
    code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "from searcher.index import IndexStore, update_index; "
            "update_index(Path(sys.argv[2]), IndexStore(Path(sys.argv[3])))")
    print(f"the committed version's index: {index}", flush=True)
    if subprocess.run([sys.executable, "-c", code, str(folder), str(corpus), str(index)]).returncode:
        die("the committed version could not build its index")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--against", default="HEAD", help="the committed version to compare with")
    ap.add_argument("--sets", default=",".join((*QUERY_FORMS, *SWAPPED)),
                    help="query sets: " + ", ".join(SETS))
    ap.add_argument("--rounds", type=int, default=3, help="times each query is answered by each")
    ap.add_argument("--cold", action="store_true", help="forget session caches before every query")
    ap.add_argument("--first", action="store_true",
                    help="forget session caches before each round of a set only")
    ap.add_argument("--paragraphs", action="store_true", help="rank paragraphs, not articles")
    ap.add_argument("--facets", action="store_true",
                    help="the working tree also counts facets (as `search --json` does)")
    ap.add_argument("--suggest", action="store_true",
                    help="both make suggestions (as `searcher search` does)")
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder")
    args = ap.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    if not sets or any(s not in SETS for s in sets):
        die(f"--sets takes {', '.join(SETS)}")

    with tempfile.TemporaryDirectory() as tmp:
        old_search, old_schema = load_committed(args.against, Path(tmp))
        import eval_relevance as ev  # imports the working tree's package
        from searcher.search import SearchEngine
        from searcher.index import SCHEMA_VERSION

        _, queries, corpus, index = ev.prepared_vietnews(Path(args.shared), 500)
        old_index = index
        if old_schema != SCHEMA_VERSION:  # each reads its own index of the same corpus
            old_index = index.with_name(f"{index.name}-schema{old_schema}")
            build_committed_index(Path(tmp), corpus, old_index)
        engines = {args.against: old_search.SearchEngine(old_index), "working tree": SearchEngine(index)}
        texts = query_sets(queries)
        for name, swap in zip(SWAPPED, (ev.swap_abbreviations, ev.swap_i_y)):
            texts[name] = [t for t in map(swap, texts["titles"]) if t]
        if any(name in SHORT for name in sets):
            from eval_names import NameSet, corpus_paragraphs

            paragraphs = corpus_paragraphs(corpus)
            for name, lowercase in zip(SHORT, (False, True)):
                if name in sets:
                    texts[name] = [surface for surface, _ in NameSet(paragraphs, lowercase).names]
        mode = "paragraphs" if args.paragraphs else "--articles"
        print(f"VietNews eval sample: 3,000 articles, {len(queries)} queries a set (swapped "
              f"sets: the titles that have one), {mode}, "
              f"{args.rounds} rounds{', caches forgotten before each query' if args.cold else ''}")
        print_header(args.against, "tree")
        for name in sets:
            run_set(name, texts[name], engines, args.rounds, args.cold, not args.paragraphs,
                    {"working tree": {"facets": True}} if args.facets else {}, args.suggest,
                    args.first)


def print_header(old: str, new: str) -> None:
    """The column names of :func:`run_set`'s rows, ``old`` and ``new`` the engines' labels."""
    print(f"  {'set':<11}{old + ' median':>18}{'p95':>8}{new + ' median':>14}{'p95':>8}"
          f"{'ratio':>8}{'per-query':>11}{'differ':>8}{'estimated':>11}")


def run_set(name: str, texts: list[str], engines: dict, rounds: int, cold: bool, articles: bool,
            extra: dict[str, dict], suggest: bool = False, first: bool = False) -> None:
    labels = list(engines)
    times = {label: [[] for _ in texts] for label in labels}
    answers = {label: [] for label in labels}
    estimated = dict.fromkeys(labels, 0)  # queries whose total is an estimate

    def keep(label: str, r) -> None:
        answers[label].append((r.total, [(h.article, h.paragraph, round(h.score, 6)) for h in r.hits],
                               r.suggestion))
        estimated[label] += not r.total_exact

    for label in labels if not first else ():  # warm both alike, and keep the answers
        engine = engines[label]
        engine.clear_caches()
        for text in texts:
            keep(label, engine.search(text, limit=10, articles=articles, suggest=suggest,
                                      **extra.get(label, {})))
    for round_ in range(rounds):
        if first:
            for engine in engines.values():
                engine.clear_caches()
        for i, text in enumerate(texts):
            order = labels if (i + round_) % 2 == 0 else labels[::-1]
            for label in order:
                engine = engines[label]
                if cold:
                    engine.clear_caches()
                t = time.perf_counter()
                r = engine.search(text, limit=10, articles=articles, suggest=suggest, **extra.get(label, {}))
                times[label][i].append((time.perf_counter() - t) * 1000)
                if first and round_ == 0:
                    keep(label, r)
    per_query = {label: [median(ts) for ts in times[label]] for label in labels}
    old, new = (per_query[label] for label in labels)
    ratios = [b / a for a, b in zip(old, new) if a > 0]
    differ = sum(a != b for a, b in zip(*answers.values()))
    print(f"  {name:<11}{median(old):>18.1f}{percentile(old, 0.95):>8.1f}{median(new):>14.1f}"
          f"{percentile(new, 0.95):>8.1f}{median(new) / median(old):>8.2f}{median(ratios):>11.2f}"
          f"{differ:>8}{' -> '.join(map(str, estimated.values())):>11}")


if __name__ == "__main__":
    main()

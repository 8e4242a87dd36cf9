"""Compound segments read in place through their map (searcher's `MappedCompoundStorage`)
beside Whoosh's own storage, which copies each part of a mapped segment into memory.

    python scripts/bench_mapping.py [--index PATH] [--sets titles,nodia,abstracts]
                                    [--queries 500] [--rounds 3] [--opens 5] [--shared PATH]

The index is the VietNews eval sample of 3,000 articles that scripts/eval_relevance.py
builds (built here if missing), or `--index` (any searcher index, such as the 4-shard
whole VNTC that `scripts/bench_cluster.py --memory` leaves). Two measurements:

* open and memory, in fresh processes (`--opens` of each way, alternating): the time to
  open the engine, then peak resident memory after importing, after opening and after
  answering the titles once in each result mode. Medians.
* latency, in this process: one engine opened while Whoosh's storage was in place, one
  with the mapping; every query answered by both in turn, alternating which goes first,
  `--rounds` times, in both result modes, as scripts/bench_search.py times two versions
  (its columns: medians, p95, ratios, how many queries' top 10 differ).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from shared_data import QUERY_FORMS, SHARED, die, median, query_sets

SETS = tuple(QUERY_FORMS)
WAYS = ("whoosh", "mapped")


def use(way: str) -> None:
    """Open compound segments from now on Whoosh's way or mapped (both patch one global)."""
    from whoosh.codec import base
    from whoosh.filedb.compound import CompoundStorage

    from searcher.index.whoosh.mapped import MappedCompoundStorage

    base.CompoundStorage = CompoundStorage if way == "whoosh" else MappedCompoundStorage


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(way: str, index: Path, texts: list[str]) -> None:
    """One fresh process's open and memory, printed as JSON."""
    from searcher.search import SearchEngine

    use(way)
    imported = peak_mib()
    t0 = time.perf_counter()
    engine = SearchEngine(index)
    opened_ms = (time.perf_counter() - t0) * 1000
    opened = peak_mib()
    for text in texts:
        for articles in (False, True):
            engine.search(text, limit=10, articles=articles, suggest=False)
    print(json.dumps({"open_ms": opened_ms, "imported": imported, "opened": opened,
                      "searched": peak_mib()}))


def bench_open(index: Path, titles: list[str], opens: int) -> None:
    runs: dict[str, list[dict]] = {way: [] for way in WAYS}
    for i in range(opens):
        for way in (WAYS if i % 2 == 0 else WAYS[::-1]):
            done = subprocess.run([sys.executable, __file__, "--child", way, "--index", str(index)],
                                  input="\n".join(titles), capture_output=True, text=True)
            if done.returncode:
                die(f"the {way} process failed: {done.stderr.strip().splitlines()[-1:]}")
            runs[way].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"open and memory, {opens} fresh processes each, medians "
          f"({len(titles)} titles answered in both modes):")
    print(f"  {'way':8}{'open ms':>10}{'MiB imported':>15}{'MiB opened':>13}{'MiB searched':>15}")
    for way in WAYS:
        cells = [median([r[k] for r in runs[way]]) for k in ("open_ms", "imported", "opened", "searched")]
        print(f"  {way:8}{cells[0]:>10.1f}{cells[1]:>15.0f}{cells[2]:>13.0f}{cells[3]:>15.0f}")


def bench_latency(index: Path, sets: dict[str, list[str]], rounds: int) -> None:
    from bench_search import print_header, run_set
    from searcher.search import SearchEngine

    engines = {}
    for way in WAYS:
        use(way)
        engines[way] = SearchEngine(index)
    for articles in (False, True):
        print(f"latency, {'--articles' if articles else 'paragraphs'}, ms, {rounds} rounds "
              f"(medians and p95 of each query's median):")
        print_header(*WAYS)
        for name, texts in sets.items():
            run_set(name, texts, engines, rounds, False, articles, {})
    for engine in engines.values():
        engine.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", help="the index to open (default: the VietNews eval sample's)")
    ap.add_argument("--sets", default=",".join(SETS), help="query sets: " + ", ".join(SETS))
    ap.add_argument("--queries", type=int, default=500, help="queries a set")
    ap.add_argument("--rounds", type=int, default=3, help="times each query is answered by each")
    ap.add_argument("--opens", type=int, default=5, help="fresh processes of each way")
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder")
    ap.add_argument("--child", choices=WAYS, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, Path(args.index), [t for t in sys.stdin.read().splitlines() if t])
        return
    sets = [s for s in args.sets.split(",") if s]
    if not sets or any(s not in SETS for s in sets):
        die(f"--sets takes {', '.join(SETS)}")

    import eval_relevance as ev
    from searcher.index import IndexStore

    _, queries, _, sample = ev.prepared_vietnews(Path(args.shared), args.queries)
    index = Path(args.index) if args.index else sample
    if not IndexStore(index).exists():
        die(f"no searcher index at {index}")
    texts = query_sets(queries)
    print(f"index: {index}; {len(queries)} VietNews eval queries a set")
    bench_open(index, texts["titles"], args.opens)
    bench_latency(index, {s: texts[s] for s in sets}, args.rounds)


if __name__ == "__main__":
    main()

"""Building and searching a sharded index on a Dask cluster: throughput, latency, memory.

    python scripts/bench_cluster.py [--build 10000 [--repeat R]] [--latency 3000 [--warm]]
                                    [--memory [--reuse]] [--shards 4] [--queries 500]
                                    [--shared PATH]

Every cluster is a `distributed.LocalCluster` of worker processes (one thread each) on
loopback, started here. Three measurements, each skipped with its option at 0:

* build (`--build N`): N VNTC articles (the fixed shuffle of scripts/shared_data.py) built
  from scratch as `--shards` shards on a cluster of 1 worker, then of 2, `--repeat` times
  (alternating which goes first); articles a second, and the ratio of the medians. Beside
  them, the same build without a cluster (local worker processes).
* latency (`--latency N`): the VietNews eval sample of N articles (scripts/eval_relevance.py
  builds and caches it), the first `--queries` titles, unmarked titles and abstracts, in
  both result modes, answered by the single index, by `--shards` shards in this process and
  by the shards on Dask actors (2 workers), each query by all three in turn, alternating
  which goes first. Median and p95 per engine. Each query is new to every engine, unless
  `--warm`: then every engine answers the set once before it is timed (a session that has
  seen the queries, as scripts/bench_search.py measures).
* memory (`--memory`): the whole VNTC built as `--shards` shards on 2 workers; each
  worker's peak resident memory after the build, and, on a fresh cluster, after its actors
  opened the shards and answered the latency queries' titles (resident memory counts the
  pages of the memory-mapped segments a worker read; beside it, the worker's own memory).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from shared_data import SHARED, die, median, percentile, query_sets, vntc_dir, vntc_files

import eval_relevance as ev
from searcher.index import IndexStore, update_layout
from searcher.search import SearchEngine

WORK = Path(tempfile.gettempdir()) / "searcher-bench-cluster"


def cluster(workers: int):
    try:
        from distributed import LocalCluster
    except ImportError:
        die("this needs Dask: pip install -e '.[cluster]'")
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=50)


def vntc_corpus(path: str, n: int | None, folder: Path) -> Path:
    """The first ``n`` articles of VNTC's fixed shuffle (all with None), linked into
    ``folder`` with their topic folders."""
    if folder.is_dir():
        return folder
    root = vntc_dir(path)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for f in vntc_files(path, n):
        target = partial / f.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(f)
    partial.rename(folder)
    return folder


def build_on(workers: int | None, corpus: Path, index: Path,
             shards: int) -> tuple[float, list[int], list[float]]:
    """Seconds to build ``corpus`` from scratch as ``shards`` shards on a cluster of
    ``workers`` (None: in this process, with local worker processes), each worker's peak
    resident memory in MiB, and the CPU seconds each worker process spent (with its start:
    beside the wall time, it tells a slow run from a run kept waiting)."""
    from searcher.index.cluster import on_cluster

    shutil.rmtree(index, ignore_errors=True)
    if workers is None:
        t0 = time.perf_counter()
        update_layout(corpus, IndexStore(index), shards=shards)
        return time.perf_counter() - t0, [], []
    with cluster(workers) as c:
        with on_cluster(c.scheduler_address) as run:
            t0 = time.perf_counter()
            update_layout(corpus, IndexStore(index), shards=shards, run=run)
            took = time.perf_counter() - t0
        return took, peaks(c), on_workers(c, lambda: sum(os.times()[:2]))


def on_workers(c, work) -> list:
    """``work()`` run in each worker of the cluster ``c``, the results in worker order."""
    from distributed import Client

    with Client(c.scheduler_address, set_as_default=False) as client:
        got = client.run(work)
    return [v for _, v in sorted(got.items())]


def peaks(c) -> list[int]:
    """Each worker's peak resident memory, MiB."""
    return [kib // 1024 for kib in on_workers(c, lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)]


def resident_now() -> tuple[int, int]:
    """This process's resident memory now, MiB: its own (anonymous) and that of files it
    maps (the index's segments: pages the system's file cache holds once for every process
    and can drop). Linux only."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return tuple(int(fields[k].split()[0]) // 1024 for k in ("RssAnon", "RssFile"))


def bench_build(args) -> None:
    corpus = vntc_corpus(args.shared_vntc, args.build, WORK / f"vntc-{args.build}")
    n = sum(1 for _ in corpus.rglob("*.txt"))
    print(f"build: {n:,} VNTC articles as {args.shards} shards, from scratch, "
          f"{args.repeat} round{'s' if args.repeat > 1 else ''}")
    local, _, _ = build_on(None, corpus, WORK / "build-local", args.shards)
    print(f"  {'no cluster (local processes)':32} {local:7.1f} s  {n / local:7.1f} articles/s")
    rates: dict[int, list[float]] = {1: [], 2: []}
    for r in range(args.repeat):
        # Alternate which goes first, so a drift of the machine's speed falls on both.
        for workers in (1, 2) if r % 2 == 0 else (2, 1):
            took, peak, cpu = build_on(workers, corpus, WORK / f"build-{workers}", args.shards)
            rates[workers].append(n / took)
            print(f"  {f'cluster, {workers} worker' + ('s' if workers > 1 else ''):32} {took:7.1f} s  "
                  f"{n / took:7.1f} articles/s  peak MiB per worker {peak}  "
                  f"CPU s per worker {[round(x) for x in cpu]}")
    ratios = [two / one for one, two in zip(rates[1], rates[2])]
    print(f"  median articles/s: 1 worker {median(rates[1]):.1f}, 2 workers {median(rates[2]):.1f}")
    print(f"  2 workers / 1 worker: median {median(rates[2]) / median(rates[1]):.2f}x; "
          f"each round {', '.join(f'{x:.2f}' for x in ratios)}")


def timed(engine: SearchEngine, text: str, articles: bool) -> float:
    t0 = time.perf_counter()
    engine.search(text, limit=10, articles=articles)
    return (time.perf_counter() - t0) * 1000


def bench_latency(args) -> list[str]:
    from searcher.search.remote import cluster_parts

    _, queries, corpus, single = ev.prepared_vietnews(Path(args.shared), args.queries, "eval",
                                                      args.latency, False)
    sharded = single.with_name(f"{single.name}-{args.shards}-shards")
    if not IndexStore(sharded).exists():
        update_layout(corpus, IndexStore(sharded), shards=args.shards)
    sets = query_sets(queries)
    print(f"latency: VietNews sample of {args.latency:,} articles, {len(queries)} queries a set"
          f"{', warm' if args.warm else ''}, ms (median / p95); cluster of 2 workers")
    names = ("single", f"{args.shards} shards", "cluster")
    print(f"  {'set':10} {'mode':10} " + "".join(f"{n:>18}" for n in names))
    with cluster(2) as c, SearchEngine(single) as one, SearchEngine(sharded) as here, \
            SearchEngine(sharded, parts=cluster_parts(c.scheduler_address)) as there:
        engines = (one, here, there)
        for e in engines:  # a first query opens what every query reads
            e.search("công an", articles=True)
        for name, texts in sets.items():
            for articles in (False, True):
                if args.warm:
                    for e in engines:
                        for text in texts:
                            timed(e, text, articles)
                times: list[list[float]] = [[], [], []]
                for i, text in enumerate(texts):
                    turn = [(k, engines[k]) for k in range(3)]
                    for k, e in (turn if i % 2 == 0 else turn[::-1]):
                        times[k].append(timed(e, text, articles))
                cells = "".join(f"{median(t):8.1f} / {percentile(t, 0.95):6.1f}" for t in times)
                print(f"  {name:10} {'articles' if articles else 'paragraphs':10} {cells}")
    return sets["titles"]


def bench_memory(args, titles: list[str]) -> None:
    from searcher.search.remote import cluster_parts

    corpus = vntc_corpus(args.shared_vntc, None, WORK / "vntc-all")
    n = sum(1 for _ in corpus.rglob("*.txt"))
    index = WORK / f"vntc-all-{args.shards}"
    print(f"memory: the whole VNTC ({n:,} articles) as {args.shards} shards on 2 workers")
    if args.reuse and IndexStore(index).exists():
        print("  build: skipped (--reuse)")
    else:
        took, peak = build_on(2, corpus, index, args.shards)
        print(f"  build {took:.0f} s ({n / took:.0f} articles/s); peak MiB per worker {peak}")
    with cluster(2) as c:
        with SearchEngine(index, parts=cluster_parts(c.scheduler_address)) as engine:
            times = [timed(engine, t, a) for t in titles or ["công an"] for a in (False, True)]
            held, own = peaks(c), on_workers(c, resident_now)
    print(f"  searching: {len(times)} queries, median {median(times):.1f} ms, p95 "
          f"{percentile(times, 0.95):.1f} ms; peak MiB per worker {held}; at the end, its own "
          f"and its mapped files' {own}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=int, default=10000, help="VNTC articles to build (0: skip)")
    ap.add_argument("--latency", type=int, default=3000, help="VietNews articles (0: skip)")
    ap.add_argument("--warm", action="store_true",
                    help="--latency: every engine answers each set once before it is timed")
    ap.add_argument("--memory", action="store_true", help="build and search the whole VNTC")
    ap.add_argument("--reuse", action="store_true",
                    help="--memory: search the index an earlier run built, without building it")
    ap.add_argument("--repeat", type=int, default=1,
                    help="--build: rounds of the 1-worker and 2-worker builds, alternating")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--queries", type=int, default=500, help="queries a set")
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder")
    args = ap.parse_args()
    args.shared_vntc = str(Path(args.shared) / "corpus" / "vntc.tar.xz")
    WORK.mkdir(exist_ok=True)
    titles: list[str] = []
    if args.build:
        bench_build(args)
    if args.latency:
        titles = bench_latency(args)
    if args.memory:
        if not titles:
            _, queries, _, _ = ev.prepared_vietnews(Path(args.shared), 200, "eval", 3000, False)
            titles = [q["title"] for q in queries]
        bench_memory(args, titles[:200])


if __name__ == "__main__":
    main()

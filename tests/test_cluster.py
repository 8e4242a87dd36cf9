"""Building a sharded index on a real Dask cluster on loopback (worker processes)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers import SEEDS, Searcher, big_corpus, run_repl, title_queries, vntc_sample
from searcher.index import IndexStore, update_layout
from searcher.search import SearchEngine
from searcher.search.remote import cluster_parts
from test_shards import answers

distributed = pytest.importorskip("distributed")
from searcher.index import cluster as cluster_module  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    """A scheduler and two worker processes (one thread each) on loopback."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as c:
        yield c


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("cluster") / "corpus"
    corpus.mkdir()
    big_corpus(corpus, 40)
    shutil.copytree(SEEDS, corpus / "seeds")
    return corpus


def test_a_build_on_the_cluster_answers_as_one_index(cluster, articles: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    s = Searcher(articles, index)
    result = s.run("--cluster", cluster.scheduler_address, "index", "--shards", "3")
    assert result.exit_code == 0, result.output
    assert "+45 added" in result.stdout
    update_layout(articles, IndexStore(tmp_path / "one"))
    with SearchEngine(index) as sharded, SearchEngine(tmp_path / "one") as one:
        assert sharded.shards == 3
        assert answers(sharded) == answers(one)
    # An update on the cluster touches the shards that changed only.
    before = IndexStore(index).manifest()["shards"]
    (articles / "seeds" / "000_18ff46b963d0eb4c.txt").write_text("Tiêu đề khác\nMột đoạn về cá ngừ đại dương.\n",
                                                                 encoding="utf-8")
    env = {**os.environ, "SEARCHER_CLUSTER": cluster.scheduler_address}  # the environment's setting
    done = subprocess.run([sys.executable, "-m", "searcher", "--corpus", str(articles), "--index",
                           str(index), "index"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "+0 added, 1 updated, 0 removed" in done.stdout
    after = IndexStore(index).manifest()["shards"]
    assert sum(a["generation"] != b["generation"] for a, b in zip(after, before)) == 1
    assert s.json('"cá ngừ đại dương"')["total"] == 1


def test_a_worker_killed_mid_build_is_replaced_and_the_build_completes(cluster, articles: Path,
                                                                       tmp_path: Path) -> None:
    from searcher.index.cluster import on_cluster

    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            busy = [w for w, tasks in client.processing().items() if tasks]
            if busy:
                pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                time.sleep(0.5)  # part-way through its shard
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    try:
        with on_cluster(cluster.scheduler_address) as run:
            report = update_layout(articles, IndexStore(tmp_path / "ix"), shards=4, run=run)
    finally:
        killer.join()
        client.close()
    assert killed, "no worker was busy to kill"
    assert report.articles == 45
    update_layout(articles, IndexStore(tmp_path / "one"))
    with SearchEngine(tmp_path / "ix") as sharded, SearchEngine(tmp_path / "one") as one:
        assert answers(sharded) == answers(one)
    cluster.wait_for_workers(2, timeout=60)  # the nanny restarted it


def test_a_failed_shard_fails_the_build_and_keeps_the_index(cluster, articles: Path,
                                                           tmp_path: Path) -> None:
    index = tmp_path / "ix"
    s = Searcher(articles, index)
    assert s.run("index", "--shards", "2").exit_code == 0
    manifest = (index / "SHARDS.json").read_text()
    expected = s.json("công an")
    (index / "shard-02-of-03").write_text("in the way\n")  # a shard that cannot be written
    result = s.run("--cluster", cluster.scheduler_address, "index", "--shards", "3")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "shard-02-of-03 failed on the cluster" in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert (index / "SHARDS.json").read_text() == manifest
    assert {**s.json("công an"), "took_ms": 0} == {**expected, "took_ms": 0}
    (index / "shard-02-of-03").unlink()
    result = s.run("--cluster", cluster.scheduler_address, "index", "--shards", "3")
    assert result.exit_code == 0, result.output
    assert IndexStore(index).manifest()["shards"][2]["folder"] == "shard-03-of-03"
    assert s.json("công an")["total"] == expected["total"]


def test_an_unreachable_scheduler_is_one_line_and_exit_2(corpus: Path, tmp_path: Path,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 2)  # the bound, shorter
    s = Searcher(corpus, tmp_path / "ix")
    t0 = time.monotonic()
    result = s.run("--cluster", "tcp://127.0.0.1:9", "index", "--shards", "2")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "cannot reach the Dask scheduler" in result.stderr
    assert time.monotonic() - t0 < 30
    assert not (tmp_path / "ix").exists()


def test_searching_never_loads_dask(seed_index) -> None:
    corpus, index = seed_index
    code = ("import sys; from searcher.ui.cli import main; sys.argv = ['searcher', '--index', "
            f"{str(index)!r}, 'search', 'công an']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "assert 'distributed' not in sys.modules and 'dask' not in sys.modules, 'dask loaded'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def vntc(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """A single index and a 4-shard one of 1,000 VNTC articles (125 from each of 8
    topics), and 90 queries: titles, typed with and without marks, and two-word ones."""
    root = tmp_path_factory.mktemp("vntc")
    corpus = vntc_sample(root / "corpus")
    if corpus is None:
        pytest.skip("../shared/corpus/vntc.tar.xz is missing")
    update_layout(corpus, IndexStore(root / "one"))
    update_layout(corpus, IndexStore(root / "four"), shards=4)
    return root / "one", root / "four", title_queries(corpus, 30)


def test_searches_through_the_cluster_answer_as_one_index(cluster, vntc) -> None:
    """Hits, scores, totals, facets and suggestions, in both result modes, by relevance and
    by date: the single index, its 4 shards in this process, and the shards on actors."""
    one, four, queries = vntc
    with SearchEngine(one) as single, SearchEngine(four) as here, \
            SearchEngine(four, parts=cluster_parts(cluster.scheduler_address)) as remote:
        assert here.shards == remote.shards == 4
        expected = answers(single, queries)
        assert answers(here, queries) == expected
        assert answers(remote, queries) == expected
        assert sum(1 for a in expected if a[7]) > len(expected) * 0.9  # most find something


def test_common_words_added_ahead_answer_as_their_own_step(vntc) -> None:
    """Parts a step costs messages to (as Dask actors are) add the common words to their
    best of stage one with their opening, or, when the text is checked, with that check;
    the answers are those of the step it saves."""
    from searcher.search import merge

    one, _, queries = vntc
    with SearchEngine(one) as near, \
            SearchEngine(one, parts=lambda e: merge.LocalParts([e.part], distant=True)) as far:
        opening, checked = [], []  # the queries that take either way (the rest reach neither)
        for text in queries:
            q = far.prepare_query(text)
            if q.units:
                [opened] = merge.start(far.parts, "probe", q, 10, True, "relevance")
                if opened.common:
                    (checked if opened.text else opening).append(text)
        assert len(opening) >= 5 and len(checked) >= 5, (len(opening), len(checked))
        assert answers(far, opening + checked) == answers(near, opening + checked)


def test_the_cli_searches_through_the_cluster(cluster, vntc) -> None:
    one, four, queries = vntc
    s = Searcher.without_corpus(four)
    for q in queries[:6]:
        here = s.json(q)
        result = s.run("--cluster", cluster.scheduler_address, "search", "--json", q)
        assert result.exit_code in (0, 1), result.output
        assert {**json.loads(result.stdout), "took_ms": 0} == {**here, "took_ms": 0}


def test_the_repl_searches_through_the_cluster(cluster, vntc, monkeypatch, tmp_path) -> None:
    one, four, queries = vntc
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    keys = f":paragraphs\r{queries[0]}\r\r:articles\r{queries[1]}\r:quit\r"
    shown = []
    for engine in (SearchEngine(one), SearchEngine(four, parts=cluster_parts(cluster.scheduler_address))):
        text, repl = run_repl((one.parent / "corpus", one), keys, engine)
        shown.append([(h.article, h.paragraph, round(h.score, 6), h.snippet)
                      for _, h in sorted(repl.state.hits.items())])
        assert "Traceback" not in text
    assert shown[0] and shown[0] == shown[1]


def test_a_worker_lost_while_searching_is_replaced(cluster, vntc) -> None:
    """SIGKILL the worker holding a shard's actor between queries: the next query opens
    the shard again on a live worker and answers as before."""
    one, four, queries = vntc
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    try:
        with SearchEngine(one) as single, \
                SearchEngine(four, parts=cluster_parts(cluster.scheduler_address)) as remote:
            expected = answers(single, queries[:10])
            assert answers(remote, queries[:10]) == expected
            holder = next(iter(client.has_what()))  # a worker holding actors
            pid = client.run(os.getpid, workers=[holder])[holder]
            os.kill(pid, signal.SIGKILL)
            assert answers(remote, queries[:10]) == expected
    finally:
        client.close()
    cluster.wait_for_workers(2, timeout=60)


def test_searching_with_an_unreachable_scheduler_is_one_line_and_exit_2(vntc, monkeypatch) -> None:
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 2)  # the bound, shorter
    one, four, _ = vntc
    s = Searcher.without_corpus(four)
    t0 = time.monotonic()
    result = s.run("--cluster", "tcp://127.0.0.1:9", "search", "công an")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "cannot reach the Dask scheduler" in result.stderr
    assert time.monotonic() - t0 < 30


def test_a_hung_worker_while_searching_is_one_error_in_bounded_time(vntc) -> None:
    """SIGSTOP a worker holding actors (it stays in the scheduler's list, answering
    nothing): the query waits one step's time, tries the shards again on the workers
    listed, and fails with one line once opening them has waited its time; never a hang."""
    from searcher.errors import SearcherError

    _, four, queries = vntc
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as hung, \
            distributed.Client(hung.scheduler_address, set_as_default=False) as client:
        engine = SearchEngine(four, parts=cluster_parts(hung.scheduler_address, step_seconds=2,
                                                        open_seconds=5))
        stopped = None
        try:
            assert engine.search(queries[0]).hits
            holder = next(iter(client.has_what()))
            stopped = client.run(os.getpid, workers=[holder])[holder]
            os.kill(stopped, signal.SIGSTOP)
            t0 = time.monotonic()
            with pytest.raises(SearcherError) as failed:
                engine.search(queries[1])
            took = time.monotonic() - t0
            assert took < 2 + 5 + 15, took
            message = str(failed.value)
            assert "\n" not in message and ("did not answer" in message or "could not open" in message)
        finally:
            if stopped:
                os.kill(stopped, signal.SIGCONT)
            engine.close()

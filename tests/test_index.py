"""The index lifecycle on real folders: incremental updates, bad files, locking, schema
versions, and crash safety (kill -9 part-way through a build)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import PROJECT, Searcher, big_corpus, search_answers
from searcher.index import POINTER, IndexStore

def texts(s: Searcher, *query: str) -> list[str]:
    return [h["text"] for h in s.json(*query, extra=("--limit", "50"))["hits"]]


def test_add_change_and_remove_articles(corpus, tmp_path):
    s = Searcher(corpus, tmp_path / "index")
    first = s.run("index")
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == first.stdout.strip().splitlines()[-1]
    assert "+5 added, 0 updated, 0 removed: 5 articles, 76 paragraphs in" in first.stdout
    assert texts(s, "Quỳnh Lưu") == []

    (corpus / "sub").mkdir()
    (corpus / "sub" / "new.txt").write_text(
        " date 2025-01\nNgư dân Quỳnh Lưu ra khơi\nHuyện Quỳnh Lưu có nhiều tàu cá.\nMinh Châu\n",
        encoding="utf-8")
    added = s.run("index")
    assert "+1 added, 0 updated, 0 removed: 6 articles, 79 paragraphs" in added.stdout
    data = s.json("Quỳnh", "Lưu")
    assert {h["article"] for h in data["hits"]} == {"sub/new"}
    assert data["hits"][0]["date"] == "2025-01"
    assert data["hits"][0]["title"] == "Ngư dân Quỳnh Lưu ra khơi"

    time.sleep(0.01)
    (corpus / "sub" / "new.txt").write_text("Ngư dân Diễn Châu ra khơi\nTàu cá đã về bến.\n",
                                            encoding="utf-8")
    changed = s.run("index")
    assert "+0 added, 1 updated, 0 removed: 6 articles, 78 paragraphs" in changed.stdout
    assert texts(s, "Quỳnh", "Lưu") == []
    assert texts(s, "Diễn Châu")[0] == "Ngư dân Diễn Châu ra khơi"

    (corpus / "004_13a519dd43a9bdc2.txt").unlink()
    removed = s.run("index")
    assert "+0 added, 0 updated, 1 removed: 5 articles" in removed.stdout
    assert not any("Gia Lai" in t for t in texts(s, "Gia", "Lai"))

    # Touched but unchanged: nothing is re-indexed.
    os.utime(corpus / "000_18ff46b963d0eb4c.txt")
    again = s.run("index")
    assert "+0 added, 0 updated, 0 removed: 5 articles" in again.stdout

    stats = json.loads(s.run("stats", "--json").stdout)
    assert stats["articles"] == 5 and stats["paragraphs"] == 78 - 14
    assert set(stats) == {"articles", "paragraphs", "terms", "index_bytes", "corpus", "index", "updated",
                          "shards"}
    assert stats["shards"] == 1
    assert stats["index_bytes"] > 0 and stats["terms"] > 100


def test_bad_files_are_warned_about_and_skipped(corpus, tmp_path):
    # Latin-1, and not Vietnamese in any of its legacy encodings either.
    (corpus / "latin1.txt").write_bytes("Ça coûte très cher à Paris".encode("latin-1"))
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.txt").write_text("\u00a0 \n\n  \n", encoding="utf-8")
    (corpus / "broken.txt").symlink_to(corpus / "does-not-exist")
    (corpus / "bom.txt").write_bytes("\ufeffBài có BOM về Quảng Trị\n".encode("utf-8"))
    (corpus / "utf16.txt").write_bytes("Bài UTF-16 về Kon Tum\n".encode("utf-16"))
    (corpus / "controls.txt").write_text("Tiêu đề\x1b]52;c;ZXZpbA==\x07 lạ\nNội dung\x1b[2J ở đây\n",
                                         encoding="utf-8")
    s = Searcher(corpus, tmp_path / "index")
    result = s.run("index")
    assert result.exit_code == 0
    for name in ("latin1.txt", "binary.txt", "empty.txt", "blank.txt", "broken.txt"):
        assert any(name in line and "skipped" in line for line in result.stderr.splitlines()), name
    assert "Traceback" not in result.output
    assert "+8 added" in result.stdout and "5 skipped" in result.stdout
    assert s.json("Quảng", "Trị")["hits"][0]["article"] == "bom"
    assert s.json("Kon", "Tum")["hits"][0]["article"] == "utf16"
    # Control sequences from an article never reach the terminal raw.
    human = s.run("search", "Nội dung")
    assert "\x1b" not in human.stdout and "\x07" not in human.stdout
    data = s.json("Nội", "dung")
    assert "\x1b[2J" in data["hits"][0]["text"]  # JSON keeps the text, escaped
    raw = s.run("search", "--json", "Nội dung").stdout
    assert "\x1b" not in raw and "\\u001b" in raw


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_skipped(corpus, tmp_path):
    secret = corpus / "secret.txt"
    secret.write_text("Bí mật\n", encoding="utf-8")
    secret.chmod(0)
    result = Searcher(corpus, tmp_path / "index").run("index")
    assert result.exit_code == 0 and "secret.txt" in result.stderr


def test_missing_corpus_and_corpus_that_is_a_file(tmp_path):
    s = Searcher(tmp_path / "nope", tmp_path / "index")
    result = s.run("index")
    assert result.exit_code == 2 and "corpus folder not found" in result.stderr
    f = tmp_path / "file.txt"
    f.write_text("x")
    result = Searcher(f, tmp_path / "index").run("index")
    assert result.exit_code == 2 and "not a folder" in result.stderr


def test_second_update_is_refused_while_one_runs(corpus, tmp_path):
    index = tmp_path / "index"
    s = Searcher(corpus, index)
    assert s.run("index").exit_code == 0
    with IndexStore(index).update_lock():
        result = s.run("index")
        assert result.exit_code == 2
        assert "being updated" in result.stderr
        # Searching is not blocked by the writer.
        assert s.run("search", "Nghệ An").exit_code == 0
    assert s.run("index").exit_code == 0


@pytest.mark.slow
def test_readers_opening_while_rebuilds_switch_the_index_never_fail(corpus, tmp_path):
    """A rebuild publishes a new index and deletes the old one's files, so a reader may
    have read the old pointer and find its files gone: it opens the new one instead."""
    from searcher.index import open_snapshot

    index = tmp_path / "index"
    s = Searcher(corpus, index)
    assert s.run("index").exit_code == 0
    cmd = [sys.executable, "-c",
           "import sys; from searcher.ui.cli import cli\n"
           "for _ in range(10):\n"
           "    try: cli(sys.argv[1:], standalone_mode=False)\n"
           "    except SystemExit: pass",
           "--corpus", str(corpus), "--index", str(index), "index", "--rebuild"]
    writer = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(PROJECT)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    opened, names = 0, set()
    try:
        while writer.poll() is None:
            snapshot = open_snapshot(IndexStore(index))
            assert snapshot.reader.doc_count() == 81  # 5 articles, 76 paragraphs
            snapshot.reader.close()
            names.add(json.loads((index / POINTER).read_text())["name"])
            opened += 1
    finally:
        writer.wait()
    assert writer.returncode == 0, writer.stderr.read()
    assert len(names) > 5 and opened > 100


def test_index_from_another_schema_version(corpus, tmp_path):
    index = tmp_path / "index"
    s = Searcher(corpus, index)
    assert s.run("index").exit_code == 0
    pointer = json.loads((index / POINTER).read_text())
    pointer["schema"] = 0
    (index / POINTER).write_text(json.dumps(pointer))
    result = s.run("search", "Nghệ An")
    assert result.exit_code == 2 and "searcher index --rebuild" in result.stderr
    assert "Traceback" not in result.output
    rebuilt = s.run("index")
    assert rebuilt.exit_code == 0 and "rebuilt from scratch" in rebuilt.stdout
    assert s.run("search", "Nghệ An").exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["update", "rebuild"])
def test_kill_9_part_way_leaves_the_previous_index_answering(corpus, tmp_path, mode):
    index = tmp_path / "index"
    assert Searcher(corpus, index).run("index").exit_code == 0
    before = search_answers(corpus, index)
    # Long enough that every kill below lands before the commit (600 articles took 1.7 s
    # after the build got faster, and a kill at 2.4 s then found the new index committed).
    big_corpus(corpus, 2000)
    cmd = [sys.executable, "-m", "searcher", "--corpus", str(corpus), "--index", str(index), "index"]
    if mode == "rebuild":
        cmd.append("--rebuild")
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    killed = 0
    for delay in (0.8, 1.6, 2.4):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the build and its worker processes
            killed += 1
        proc.wait()
        if proc.returncode == 0:
            break  # finished before the kill: the new index is complete
        assert search_answers(corpus, index) == before
    assert killed, "the build finished before any kill; make the corpus bigger"
    # The next update recovers on its own and sees everything.
    final = Searcher(corpus, index).run("index")
    assert final.exit_code == 0, final.output
    assert "2,005 articles" in final.stdout
    leftovers = [n for n in os.listdir(index) if n.startswith("main_") and
                 not n.startswith(json.loads((index / POINTER).read_text())["name"])]
    assert leftovers == []


@pytest.mark.parametrize("damage", ["truncate-segment", "garbage-toc", "delete-segment", "garbage-pointer"])
def test_damaged_index_says_rebuild_and_index_recovers(corpus, tmp_path, damage):
    index = tmp_path / "index"
    s = Searcher(corpus, index)
    assert s.run("index").exit_code == 0
    seg = next(index.glob("*.seg"))
    if damage == "truncate-segment":
        with open(seg, "r+b") as f:
            f.truncate(1000)
    elif damage == "garbage-toc":
        next(index.glob("*.toc")).write_bytes(b"garbage")
    elif damage == "delete-segment":
        seg.unlink()
    else:
        (index / POINTER).write_text("{bad")
    result = s.run("search", "Nghệ An")
    assert result.exit_code == 2
    assert "searcher index --rebuild" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    fixed = s.run("index")
    assert fixed.exit_code == 0, fixed.output
    assert "5 articles, 76 paragraphs" in fixed.stdout
    assert s.run("search", "Nghệ An").exit_code == 0


def _sketch_and_recount(index: Path):
    from searcher.index.bigrams import BYTES_PER_COUNTER, BigramCounts
    from searcher.index.indexer import count_bigrams

    store = IndexStore(index)
    ix = store.open()
    loaded = BigramCounts.load(store.bigrams_path(ix.indexname))
    assert loaded is not None
    counts, generation = loaded
    assert generation == ix.latest_generation()
    return counts, count_bigrams(ix, counts.size * BYTES_PER_COUNTER)  # the same size


def test_bigram_counts_follow_updates_and_count_articles(corpus, tmp_path):
    """The sketch after adds, changes and removals equals a count from scratch, and a
    bigram's count is the number of articles holding it (few bigrams: no collisions)."""
    from searcher.index.bigrams import BigramFrequencies

    s = Searcher(corpus, tmp_path / "index")
    assert s.run("index").exit_code == 0
    (corpus / "a.txt").write_text("Xe máy\nMột chiếc xe máy cũ. Xe máy mới.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Tin\nMáy xe và xe tải.\n", encoding="utf-8")
    assert s.run("index").exit_code == 0
    (corpus / "b.txt").write_text("Tin\nHai chiếc xe máy.\n", encoding="utf-8")
    (corpus / "001_4a8ed78d953e807b.txt").unlink()
    assert s.run("index").exit_code == 0
    incremental, recount = _sketch_and_recount(tmp_path / "index")
    assert incremental.articles == recount.articles == 6
    assert incremental.counters == recount.counters
    store = IndexStore(tmp_path / "index")
    df = BigramFrequencies(store.bigrams_path(store.open().indexname))
    try:
        assert df.df("xe", "may") == 2 and df.df("may", "xe") == 0 and df.df("nghe", "an") >= 1
    finally:
        df.close()


def test_missing_or_stale_bigram_counts_are_counted_again(corpus, tmp_path):
    index = tmp_path / "index"
    s = Searcher(corpus, index)
    assert s.run("index").exit_code == 0
    before = s.json("cong", "an", "nghe", "an", extra=("--articles",))
    store = IndexStore(index)
    path = store.bigrams_path(store.open().indexname)
    good = path.read_bytes()
    path.unlink()
    assert s.run("search", "cong", "an").exit_code == 0  # still answers, without the counts
    assert s.run("index").exit_code == 0
    assert path.read_bytes() == good
    path.write_bytes(good[:100])  # damaged
    assert s.run("index").exit_code == 0
    assert path.read_bytes() == good
    assert s.json("cong", "an", "nghe", "an", extra=("--articles",))["hits"] == before["hits"]

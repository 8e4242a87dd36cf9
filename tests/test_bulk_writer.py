"""The bulk index writer against Whoosh's own writer, and builds in worker processes against
builds in one process: real indexes on disk, real pyvi model, real subprocesses."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage

from helpers import PROJECT, SEEDS, Searcher, all_postings, big_corpus, search_answers
from searcher.analysis import index_terms
from searcher.index.article_writer import article_document, article_meta, paragraph_documents
from searcher.index.whoosh.bulk_writer import SegmentBuilder, commit_with_segments
from searcher.corpus import list_corpus, load
from searcher.index.indexer import update_index
from searcher.index.store import IndexStore, make_schema


def _documents(corpus: Path) -> list[tuple[dict, dict]]:
    docs = []
    for stat in sorted(list_corpus(corpus).files, key=lambda s: s.article):
        art = load(stat)
        paragraphs = [index_terms(t) for t in art.paragraphs]
        docs.append(article_document(art, article_meta(art), paragraphs))
        docs.extend(paragraph_documents(art, paragraphs))
    return docs


def _everything(index: Path) -> dict:
    """Every term's postings with their values and the term's statistics, every document's
    stored fields, field lengths and article column: by document number."""
    ix = IndexStore(index).open()
    out: dict = {}
    with ix.reader() as r:
        names = [n for n in ix.schema.names() if ix.schema[n].indexed]
        out["docs"] = [(d, f) for d, f in r.iter_docs()]
        out["lengths"] = [(d, n, r.doc_field_length(d, n)) for d, _ in out["docs"] for n in names]
        column = r.column_reader("article")
        out["column"] = [column[d] for d, _ in out["docs"]]
        for name in names:
            for term in r.field_terms(name):
                info = r.term_info(name, term)
                m = r.postings(name, term)
                items = []
                while m.is_active():
                    items.append((m.id(), m.weight(), m.value()))
                    m.next()
                out[name, term] = (items, info.weight(), info.doc_frequency(), info.min_length(),
                                   info.max_length(), info.max_weight(), info.min_id(),
                                   info.max_id())
    return out


def _posting_files(index: Path) -> dict[str, bytes]:
    """The bytes of the one segment's postings and term table (inside its compound file)."""
    [seg] = index.glob("*.seg")
    segid = seg.stem.rsplit("_", 1)[1]
    files = CompoundStorage(FileStorage(str(index)).open_file(seg.name), use_mmap=False)
    return {name.replace(segid, ""): files.open_file(name).read()
            for name in files.list() if name.endswith((".pst", ".trm"))}


@pytest.mark.slow
@pytest.mark.parametrize("spill", [None, 2000])
def test_bulk_writer_writes_what_whoosh_writes(corpus, tmp_path, spill):
    """Also with postings spilled to sorted runs on disk every 2,000 (merged back term by
    term)."""
    big_corpus(corpus, 150)  # common terms in more than one block of 128 postings
    docs = _documents(corpus)

    whoosh_store = IndexStore(tmp_path / "whoosh")
    ix = whoosh_store.create("main_0001")
    writer = ix.writer(limitmb=1)  # spills sorted runs to disk (searcher.index.whoosh.compact)
    for fields, _ in docs:
        writer.add_document(**fields)
    writer.commit()
    whoosh_store.publish("main_0001")

    bulk_store = IndexStore(tmp_path / "bulk")
    ix = bulk_store.create("main_0001")
    builder = (SegmentBuilder(ix.storage, ix.indexname, ix.schema) if spill is None else
               SegmentBuilder(ix.storage, ix.indexname, ix.schema, spill_postings=spill))
    for fields, terms in docs:
        builder.add_document(fields, terms)
    runs = builder.runs_spilled
    assert runs == 0 if spill is None else runs > 50
    writer = ix.writer()
    commit_with_segments(writer, [builder.finish()], merge=False)
    bulk_store.publish("main_0001")

    expected, got = _everything(tmp_path / "whoosh"), _everything(tmp_path / "bulk")
    assert len(expected) > 2000
    common = max((v for k, v in expected.items() if k[0] == "syl"), key=lambda v: len(v[0]))
    assert len(common[0]) > 3 * 128
    assert got == expected
    assert _posting_files(tmp_path / "bulk") == _posting_files(tmp_path / "whoosh")
    assert not [p for p in (tmp_path / "bulk").iterdir() if ".run" in p.name]


def _analyzed(field: str, text: str) -> Counter:
    return Counter(t.text for t in make_schema()[field].analyzer(text))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĐƠ0189_-./:|"
                                              " \u00a0\u0300\u0301\u0303\u0309\u0323"
                                              "àáạảãèéẹòóọùúụìíịỳýỵ")), max_size=60))
def test_index_terms_are_what_the_field_analyzers_give(text):
    terms = index_terms(text)
    assert terms.exact == _analyzed("syl", text)
    assert terms.folded == _analyzed("sylf", text)
    assert terms.words == _analyzed("wordf", text)
    assert terms.pairs == _analyzed("pairf", text)


def test_index_terms_on_the_seed_paragraphs():
    paragraphs = [line for f in SEEDS.glob("*.txt")
                  for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(paragraphs) > 20
    for text in paragraphs:
        terms = index_terms(text)
        assert (terms.exact, terms.folded, terms.words, terms.pairs) == (
            _analyzed("syl", text), _analyzed("sylf", text), _analyzed("wordf", text),
            _analyzed("pairf", text))


@pytest.mark.slow
def test_worker_processes_build_what_one_process_builds(corpus, tmp_path):
    big_corpus(corpus, 300)
    one = update_index(corpus, IndexStore(tmp_path / "one"), procs=1)
    two = update_index(corpus, IndexStore(tmp_path / "two"), procs=2)
    assert one.summary().split(" in ")[0] == two.summary().split(" in ")[0]
    assert all_postings(tmp_path / "one") == all_postings(tmp_path / "two")
    assert ((tmp_path / "one" / "main_0001.bigrams").read_bytes()[8:]
            == (tmp_path / "two" / "main_0001.bigrams").read_bytes()[8:])
    assert search_answers(corpus, tmp_path / "one") == search_answers(corpus, tmp_path / "two")
    ix = IndexStore(tmp_path / "two").open()
    assert len(ix._segments()) >= 2  # one per worker


@pytest.mark.slow
def test_worker_processes_update_an_index(corpus, tmp_path):
    """A parallel update replaces changed articles, refreshes touched ones, removes gone ones."""
    big_corpus(corpus, 300)
    index = tmp_path / "index"
    update_index(corpus, IndexStore(index), procs=2)
    changed = sorted(corpus.glob("bulk1/*.txt"))
    for f in changed:
        f.write_text(f.read_text(encoding="utf-8") + "Đoạn mới về zzqcanhcut\n", encoding="utf-8")
    for f in sorted(corpus.glob("bulk2/*.txt")):
        os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    for f in sorted(corpus.glob("bulk0/*.txt")):
        f.unlink()
    report = update_index(corpus, IndexStore(index), procs=2)
    assert (report.added, report.updated, report.removed) == (0, len(changed), 100)
    fresh = update_index(corpus, IndexStore(tmp_path / "fresh"), procs=1)
    assert report.articles == fresh.articles and report.paragraphs == fresh.paragraphs
    live = {term: docs for term, docs in all_postings(index).items() if docs}  # not deleted ones
    assert live == all_postings(tmp_path / "fresh")
    assert Searcher(corpus, index).json("zzqcanhcut")["total"] == len(changed)


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _update_with_workers(corpus: Path, index: Path) -> tuple[list, subprocess.Popen, list[int]]:
    """Index the seeds, add 1,500 articles and start `searcher index` on them: the answers
    before, the running update (in its own session) and its worker processes."""
    assert Searcher(corpus, index).run("index").exit_code == 0
    before = search_answers(corpus, index)
    big_corpus(corpus, 1500)
    cmd = [sys.executable, "-m", "searcher", "--corpus", str(corpus), "--index", str(index), "index"]
    proc = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(PROJECT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert workers, "no worker process appeared"
    time.sleep(0.3)  # part-way through
    return before, proc, workers


@pytest.mark.slow
def test_a_worker_killed_fails_the_build_and_keeps_the_index(corpus, tmp_path):
    index = tmp_path / "index"
    before, proc, workers = _update_with_workers(corpus, index)
    os.kill(workers[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert err.strip().splitlines() == ["searcher: an indexing process ended unexpectedly (exit code -9)"]
    assert search_answers(corpus, index) == before
    final = Searcher(corpus, index).run("index")
    assert final.exit_code == 0 and "1,505 articles" in final.stdout


@pytest.mark.slow
def test_ctrl_c_stops_the_workers_and_keeps_the_index(corpus, tmp_path):
    index = tmp_path / "index"
    before, proc, workers = _update_with_workers(corpus, index)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err
    time.sleep(0.5)
    assert all(not Path(f"/proc/{w}").exists() or "zombie" in Path(f"/proc/{w}/status").read_text()
               for w in workers)
    assert search_answers(corpus, index) == before


@pytest.mark.slow
def test_workers_stop_when_the_update_is_killed(corpus, tmp_path):
    """kill -9 of the update alone (not its process group): its workers notice and exit
    rather than index on for nobody."""
    index = tmp_path / "index"
    before, proc, workers = _update_with_workers(corpus, index)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()
                and "zombie" not in Path(f"/proc/{w}/status").read_text()]
    assert search_answers(corpus, index) == before
    assert Searcher(corpus, index).run("index").exit_code == 0
    assert not [p for p in index.iterdir() if ".run" in p.name]


def test_mapped_segment_parts_read_as_whoosh_reads_them(seed_index):
    """Every part of every compound segment, read in place through the map, gives the bytes
    Whoosh's own copying storage gives, by every way Whoosh reads a part; and the parts
    handed out are views of the map, not copies."""
    import mmap

    from searcher.index.whoosh.mapped import MappedCompoundStorage, MappedFile

    _, index = seed_index
    folder = FileStorage(str(index))
    segments = sorted(index.glob("*.seg"))
    assert segments
    for seg in segments:
        copied = CompoundStorage(folder.open_file(seg.name), use_mmap=True)
        mapped = MappedCompoundStorage(folder.open_file(seg.name), use_mmap=True)
        assert copied.list() == mapped.list()
        for name in mapped.list():
            old, new = copied.open_file(name), mapped.open_file(name)
            assert isinstance(new, MappedFile) and isinstance(new.file.buf.obj, mmap.mmap)
            whole = old.read()
            assert new.read() == whole and new.read() == b"" and new.tell() == len(whole)
            size = len(whole)
            for pos in sorted({0, 1, size // 3, size // 2, max(0, size - 5)}):
                for f in (old, new):
                    f.seek(pos)
                assert new.read(7) == old.read(7) and new.tell() == old.tell()
                assert new.readline() == old.readline() and new.tell() == old.tell()
                assert new.get(pos, 9) == old.get(pos, 9)
                assert new.subset(pos, 11).read() == old.subset(pos, 11).read()
            new.seek(-3, os.SEEK_END)
            old.seek(-3, os.SEEK_END)
            assert new.read() == old.read()
            if size >= 8:
                assert new.get_array(0, "i", 2) == old.get_array(0, "i", 2)
            old.close()
            new.close()
        copied.close()
        mapped.close()

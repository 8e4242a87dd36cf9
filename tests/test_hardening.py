"""Hostile input: fuzzed queries through the CLI and the REPL loop, control sequences from
articles, read-only index folders."""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import time

import pytest
from hypothesis import HealthCheck, given, settings

from helpers import Searcher
from fuzzing import queries
from searcher.ui.session import Settings
from searcher.ui.repl import Repl
from searcher.search import SearchEngine


@pytest.mark.slow
@given(queries)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fuzzed_queries_through_the_cli(seeds, query):
    # A lone `-` is batch mode (queries from stdin), tested in test_search.
    result = seeds.run("search", "--json", "--", query) if query.strip() and query != "-" else None
    if result is None:
        return
    assert result.exit_code in (0, 1), (query, result.output)
    data = json.loads(result.stdout)
    for h in data["hits"]:
        for s, e in h["highlights"]:
            assert 0 <= s < e <= len(h["text"])


@pytest.fixture(scope="module")
def repl(seed_index):
    corpus_dir, index_dir = seed_index
    out = io.StringIO()
    r = Repl(Settings.of(corpus_dir, index_dir), SearchEngine(index_dir), out=out, colour=True)
    yield r, out
    r.engine.close()


@pytest.mark.slow
@given(queries)
@settings(max_examples=150, deadline=None)
def test_fuzzed_lines_through_the_repl(repl, query):
    session, out = repl
    out.seek(0)
    out.truncate()
    assert session.handle(query) in (True, False)
    assert "Traceback" not in out.getvalue()
    session.handle(":more")


def test_a_10000_character_query_answers_quickly(seeds):
    query = " ".join(["công an tỉnh Nghệ An hội nghị phong trào"] * 250)[:10_000]
    t = time.perf_counter()
    result = seeds.run("search", "--json", query)
    assert result.exit_code == 0
    assert time.perf_counter() - t < 10  # generous here; scripts/fuzz_queries.py measures


def test_control_sequences_never_reach_the_terminal(corpus, tmp_path):
    evil = "Tiêu đề \x1b]52;c;ZXZpbA==\x07 xoá \x1b[2J màn hình\x08\x08 và \x9b31m C1\n" \
           "Đoạn văn \x1b[31mđỏ\x1b[0m về Quảng Ninh\x07\n"
    (corpus / "evil\x1b[1m.txt").write_text(evil, encoding="utf-8")
    (corpus / "bad\x1b]0;x\x07.txt").write_bytes(b"\xff\xfe\xfa bad")
    s = Searcher(corpus, tmp_path / "index")
    built = s.run("index")
    assert built.exit_code == 0
    for stream in (built.stdout, built.stderr):
        assert not any(c in stream for c in "\x1b\x07\x08\x9b")
    assert "\\x1b" in built.stderr  # the file name is shown, escaped
    for args in (("search", "Quảng Ninh"), ("search", "xoá màn hình", "--articles")):
        out = s.run(*args)
        assert out.exit_code == 0
        assert not any(c in out.stdout for c in "\x1b\x07\x08\x9b"), args
    raw = s.run("search", "--json", "Quảng Ninh").stdout
    assert not any(c in raw for c in "\x1b\x07\x08\x9b")
    assert json.loads(raw)["hits"][0]["text"].startswith("Đoạn văn \x1b[31m")


def test_repl_open_escapes_article_text(corpus, tmp_path):
    (corpus / "evil.txt").write_text("Tiêu đề \x1b]52;c;ZXZpbA==\x07\nNội dung \x1b[2J Quảng Ninh\n",
                                     encoding="utf-8")
    index = tmp_path / "index"
    assert Searcher(corpus, index).run("index").exit_code == 0
    out = io.StringIO()
    r = Repl(Settings.of(corpus, index), SearchEngine(index), out=out, colour=True)
    r.handle("Quảng Ninh")
    r.handle(":open 1")
    r.engine.close()
    text = re.sub(r"\x1b]8;;(?:file://[^\x1b\x07]*)?\x1b\\", "", out.getvalue())  # our hyperlinks
    assert "Quảng Ninh" in text
    assert "\x1b]" not in text and "\x1b[2J" not in text and "\x07" not in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_index_folder(corpus, tmp_path):
    index = tmp_path / "index"
    s = Searcher(corpus, index)
    assert s.run("index").exit_code == 0
    (corpus / "new.txt").write_text("Bài mới\n", encoding="utf-8")
    index.chmod(0o500)
    try:
        result = s.run("index")
        assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
        assert s.run("search", "Nghệ An").exit_code == 0
    finally:
        index.chmod(0o700)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1.6 MB tmpfs (root only): room for the seed index, not for much more."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1600k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mnt
    if subprocess.run(["umount", str(mnt)], capture_output=True).returncode:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)  # files still open: detach


@pytest.mark.slow
def test_full_disk_fails_cleanly_and_keeps_the_index(corpus, tiny_disk):
    s = Searcher(corpus, tiny_disk / "index")
    assert s.run("index").exit_code == 0
    before = s.json("Nghệ", "An")
    text = (corpus / "000_18ff46b963d0eb4c.txt").read_text(encoding="utf-8")
    for i in range(150):
        (corpus / f"more{i}.txt").write_text(text + f"\nthêm {i}\n", encoding="utf-8")
    full = s.run("index")
    assert full.exit_code == 2 and "No space left on device" in full.stderr
    assert len(full.stderr.strip().splitlines()) == 1
    assert s.json("Nghệ", "An")["hits"] == before["hits"]
    for i in range(150):
        (corpus / f"more{i}.txt").unlink()
    again = s.run("index")  # the failed writer's files are cleaned up: room again
    assert again.exit_code == 0, again.output

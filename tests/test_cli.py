"""The command line's edges, through the real CLI (CliRunner) and real subprocesses: one index
per corpus, options, pipes, signals, colour, the pager, the config file, messages."""
from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import PROJECT, Searcher, big_corpus, run_repl, search_answers
from searcher.ui.config import Settings
from searcher.ui.terminal import use_colour

ENV = {**os.environ, "PYTHONPATH": str(PROJECT)}


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# -- one index, one corpus ------------------------------------------------------------------

def test_an_index_answers_only_for_its_own_corpus(corpus, tmp_path, monkeypatch):
    other = tmp_path / "news"
    other.mkdir()
    (other / "a.txt").write_text("Tin Thanh Hoá\nMưa lớn ở Thanh Hóa.\n", encoding="utf-8")
    index = tmp_path / "index"
    assert Searcher(corpus, index).run("index").exit_code == 0
    wrong = Searcher(other, index)
    for args in (("search", "Thanh Hoá"), ("index",)):
        result = wrong.run(*args)
        assert result.exit_code == 2, args
        line = one_line(result)
        assert str(corpus) in line and str(other) in line and "--index" in line
    assert Searcher(corpus, index).run("search", "Nghệ An").exit_code == 0, "the index is untouched"
    # Without --corpus, the index's own corpus is used, wherever the command runs from.
    monkeypatch.chdir(tmp_path)
    result = Searcher.without_corpus(index).run("index")
    assert result.exit_code == 0 and "5 articles" in result.stdout
    stats = json.loads(Searcher.without_corpus(index).run("stats", "--json").stdout)
    assert stats["corpus"] == str(corpus.resolve())
    # --rebuild replaces it with the other corpus, which stats then reports.
    rebuilt = wrong.run("index", "--rebuild")
    assert rebuilt.exit_code == 0 and "1 article," in rebuilt.stdout
    assert json.loads(wrong.run("stats", "--json").stdout)["corpus"] == str(other.resolve())
    assert wrong.json("Thanh", "Hoá")["hits"][0]["article"] == "a"


def test_index_paths_that_are_not_index_folders_say_so(corpus, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    for args in (("search", "an ninh"), ("index",), ("index", "--rebuild")):
        result = Searcher(corpus, a_file).run(*args)
        assert result.exit_code == 2 and "is a file, not an index folder" in one_line(result), args
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.doc").write_text("keep me")
    for args in (("search", "an ninh"), ("index",)):
        result = Searcher(corpus, folder).run(*args)
        assert result.exit_code == 2 and "is not an index folder" in one_line(result), args
    assert (folder / "letter.doc").read_text() == "keep me"


# -- options ---------------------------------------------------------------------------------

def test_unknown_options_are_usage_errors_with_a_hint(seeds):
    result = seeds.run("search", "--limt", "1", "Thanh", "Hoá")
    assert result.exit_code == 2
    line = one_line(result)
    assert "--limt" in line and "after `--`" in line
    assert seeds.run("search", "--article", "X").exit_code == 2
    assert seeds.run("stats", "--jsn").exit_code == 2 and "--jsn" in one_line(seeds.run("stats", "--jsn"))
    assert seeds.run("search").exit_code == 2, "a query is needed"
    # After `--`, it is a query word.
    assert seeds.run("search", "--json", "--", "--limt").exit_code == 1


@pytest.mark.parametrize("command", [(), ("search",), ("index",), ("stats",), ("analyze",),
                                     ("repl",), ("config",)])
def test_minus_h_is_help_everywhere(seeds, command):
    result = seeds.run(*command, "-h")
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_single_dash_words_still_exclude(seeds):
    everything = {h["article"] for h in seeds.json("an", "ninh", extra=("--limit", "100"))["hits"]}
    assert any("Nghệ" in h["text"] for h in seeds.json("an", "ninh", extra=("--limit", "100"))["hits"])
    for query in (("an", "ninh", "-Nghệ"), ("--", "-Nghệ", "an", "ninh")):
        hits = seeds.json(*query, extra=("--limit", "100"))["hits"]
        assert hits and not any("nghệ" in h["text"].lower() for h in hits), query
        assert {h["article"] for h in hits} <= everything


# -- pipes and signals -----------------------------------------------------------------------

def _searcher(seed_index, *args) -> list[str]:
    corpus, index = seed_index
    return [sys.executable, "-m", "searcher", "--corpus", str(corpus), "--index", str(index), *args]


@pytest.mark.slow
@pytest.mark.parametrize("batch", [False, True])
def test_a_closed_stdout_ends_quietly(seed_index, batch):
    args = ["search", "-"] if batch else ["search", "an", "ninh"]
    proc = subprocess.Popen(_searcher(seed_index, *args), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=PROJECT)
    proc.stdout.close()  # as `| head` does once it has read enough
    _, err = proc.communicate(("an ninh\n" * 200).encode() if batch else b"", timeout=120)
    assert err.decode() == "" and proc.returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupting_a_rebuild_exits_130_or_143_and_keeps_the_index(corpus, tmp_path, sig, code):
    index = tmp_path / "index"
    assert Searcher(corpus, index).run("index").exit_code == 0
    before = search_answers(corpus, index)
    big_corpus(corpus, 1500)
    cmd = [sys.executable, "-m", "searcher", "--corpus", str(corpus), "--index", str(index),
           "index", "--rebuild"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    time.sleep(2.0)
    assert proc.poll() is None, "the rebuild should still be running"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code and err.strip() == "searcher: interrupted", err
    assert search_answers(corpus, index) == before


# -- colour and the pager ----------------------------------------------------------------------

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_follows_the_setting_and_no_color(monkeypatch, seeds):
    monkeypatch.setenv("NO_COLOR", "")
    assert use_colour("auto", Terminal()), "an empty NO_COLOR does not turn colour off"
    assert not use_colour("auto", io.StringIO()), "a pipe gets no colour by default"
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour("auto", Terminal())
    assert use_colour("always", io.StringIO()) and not use_colour("never", Terminal())
    assert not use_colour("always", Terminal(), json_output=True)
    coloured = seeds.run("--color", "always", "search", "Nghệ", "An")
    assert coloured.exit_code == 0 and "\x1b[" in coloured.stdout
    plain = seeds.run("--color", "never", "search", "Nghệ", "An")
    assert "\x1b[" not in plain.stdout
    assert seeds.run("--color", "sometimes", "search", "x").exit_code == 2


def _recording_pager(tmp_path: Path) -> Path:
    """A program called `less` that records its environment's LESS and what it is given."""
    folder = tmp_path / "bin"
    folder.mkdir()
    less = folder / "less"
    less.write_text(f'#!/bin/sh\necho "$LESS" > {tmp_path}/less-env\ncat > {tmp_path}/paged\n')
    less.chmod(less.stat().st_mode | stat.S_IEXEC)
    return less


def test_the_pager_gets_less_r_and_the_colours(tmp_path, monkeypatch):
    from searcher.ui.pager import page

    less = _recording_pager(tmp_path)
    monkeypatch.setenv("LESS", "-X")
    page("\x1b[1mNghệ An\x1b[0m", colour=True, pager=str(less))
    assert (tmp_path / "less-env").read_text().split() == ["-X", "-R"]
    assert "\x1b[1mNghệ An" in (tmp_path / "paged").read_text()
    page("\x1b[1mNghệ An\x1b[0m", colour=False, pager=f"{less} -S")
    assert (tmp_path / "paged").read_text().strip() == "Nghệ An", "plain text when colour is off"
    monkeypatch.setenv("PAGER", f"{less} -S")
    assert Settings.resolve().pager == f"{less} -S"


# -- the REPL --------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["exit", "quit", "\\q", "EXIT"])
def test_exit_words_leave_the_repl(seed_index, word):
    text, repl = run_repl(seed_index, f"{word}\rNghệ An\r")
    assert repl.state.query is None, f"{word} left before the search"


def test_a_suggestion_runs_with_s(seed_index):
    text, repl = run_repl(seed_index, "chay than nhan tao\r:s\r:quit\r")
    assert "did you mean: chạy thận nhân tạo" in text
    assert repl.state.query == "chạy thận nhân tạo"
    text, _ = run_repl(seed_index, ":s\r:quit\r")
    assert "error: no suggestion to run" in text


# -- the config file ---------------------------------------------------------------------------

def write_config(tmp_path: Path, monkeypatch, text: str) -> Path:
    path = tmp_path / "config" / "searcher" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return path


def test_config_file_settings_and_their_precedence(seed_index, tmp_path, monkeypatch):
    corpus, index = seed_index
    write_config(tmp_path, monkeypatch, f'# mine\nlimit = 3\nmode = "paragraphs"\n'
                                        f'index = "{index}"\ncorpus = "{corpus}"\n')
    s = Searcher.without_corpus(tmp_path / "elsewhere")
    s.args = []  # nothing on the command line: the config file's corpus and index
    data = s.json("an", "ninh")
    assert len(data["hits"]) == 3 and all("matches" not in h for h in data["hits"]), "paragraphs"
    assert len(s.json("an", "ninh", extra=("--limit", "4", "--articles"))["hits"]) == 4
    monkeypatch.setenv("SEARCHER_INDEX", str(tmp_path / "from-env"))
    shown = json.loads(s.run("config", "--json").stdout)
    sources = {k: v["source"] for k, v in shown["settings"].items()}
    assert sources == {"corpus": "config file", "index": "environment", "limit": "config file",
                       "mode": "config file", "sort": "default", "color": "default",
                       "pager": "default", "history": "default", "cluster": "default"}
    assert shown["settings"]["index"]["value"] == str(tmp_path / "from-env")
    human = s.run("--index", str(index), "config").stdout
    assert "command line" in human and "config file" in human and "limit    3" in human


@pytest.mark.parametrize("text, says", [
    ("limit = 3\nmode = \n", "line 2"),
    ("limit = 0\n", "line 1: limit must be a whole number from 1 to 1000"),
    ('\n\ncolour = "never"\n', "line 3: unknown setting 'colour'"),
    ('mode = "wide"\n', "mode must be articles or paragraphs"),
])
def test_a_bad_config_file_is_one_line_naming_file_and_line(seeds, tmp_path, monkeypatch, text, says):
    path = write_config(tmp_path, monkeypatch, text)
    for args in (("search", "an ninh"), ("config",), ("stats",)):
        result = seeds.run(*args)
        assert result.exit_code == 2
        line = one_line(result)
        assert str(path) in line and says in line, line


def test_save_keeps_repl_settings_in_the_config_file(seed_index, tmp_path, monkeypatch):
    path = write_config(tmp_path, monkeypatch, '# my settings\ncolor = "never"\nlimit = 7\n')
    text, _ = run_repl(seed_index, ":limit 1\r:paragraphs\r:save\r:quit\r")
    assert "1 hit per page" in text and "saved" in text
    assert path.read_text().splitlines() == ["# my settings", 'color = "never"', "limit = 1",
                                             'mode = "paragraphs"', 'sort = "relevance"']
    text, repl = run_repl(seed_index, ":limit 2\r:quit\r")  # not saved: this session only
    assert (repl.state.limit, repl.state.articles) == (2, False)
    assert "limit = 1" in path.read_text()


# -- messages ----------------------------------------------------------------------------------

def test_counts_and_paths_read_right(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Searcher(Path("corpus"), Path("idx"))
    result = s.run("search", "--limit", "1", '"Quỳnh Lưu"')
    assert "no index at ./idx; building it from ./corpus" in result.stderr
    (corpus / "x.txt").write_text("Tin Quỳnh Lưu\nMột bài.\n", encoding="utf-8")
    s.run("index")
    human = s.run("search", '"Quỳnh Lưu"').stdout
    assert "1 of 1 article ·" in human
    assert "1 of 1 paragraph ·" in s.run("search", "--paragraphs", '"Quỳnh Lưu"').stdout


def test_unreadable_files_are_reported_once_per_version(corpus, tmp_path):
    (corpus / "latin1.txt").write_bytes("Ça coûte très cher à Paris".encode("latin-1"))
    (corpus / "notes.md").write_text("# not an article")
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8")
    (corpus / "UPPER.TXT").write_text("Bài viết hoa Kon Tum\nNội dung.\n", encoding="utf-8")
    s = Searcher(corpus, tmp_path / "index")
    first = s.run("index")
    assert first.exit_code == 0 and "latin1.txt" in first.stderr
    assert "6 articles" in first.stdout and "ignored 2 files that are not .txt" in first.stdout
    assert s.json("Kon", "Tum")["hits"][0]["article"] == "UPPER"
    again = s.run("index")
    assert "latin1.txt" not in again.stderr
    assert "1 file still skipped (--verbose lists it)" in again.stdout
    verbose = s.run("index", "--verbose")
    assert "still skipped" in verbose.stderr and "latin1.txt" in verbose.stderr
    assert "notes.md" in verbose.stderr
    time.sleep(0.01)
    (corpus / "latin1.txt").write_bytes("Ça coûte cher à Lyon".encode("latin-1"))  # a new version
    assert "latin1.txt" in s.run("index").stderr


def test_a_folder_without_articles_says_so(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# x")
    result = Searcher(corpus, tmp_path / "index").run("index")
    assert result.exit_code == 0
    assert "no articles in" in result.stderr and "ignored 1 file that is not .txt" in result.stdout

"""The real REPL through prompt_toolkit's pipe input, and the completer with Documents."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from helpers import run_repl
from searcher.ui.completion import SearchCompleter, Vocabulary
from searcher.ui.repl import Repl
from searcher.search import SearchEngine

PROJECT = Path(__file__).resolve().parent.parent


def run_session(seed_index, keys: str, monkeypatch, tmp_path) -> tuple[str, Repl]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return run_repl(seed_index, keys)


def test_query_more_open_and_ctrl_d(seed_index, monkeypatch, tmp_path):
    text, repl = run_session(seed_index, ":paragraphs\rcông an\r:limit 3\rhội nghị\r\r:open 2\r\x04",
                             monkeypatch, tmp_path)
    assert "Lễ ký kết giữa Công an tỉnh Nghệ An" in text
    assert "1–10 of" in text and "3 hits per page" in text
    assert "4–6 of" in text, "Enter on an empty line shows the next page"
    hit2 = repl.state.hits[2]
    assert f"▶ {hit2.text}" in text, ":open shows the whole article, the hit marked"
    history = (tmp_path / "xdg" / "searcher" / "history").read_text(encoding="utf-8")
    assert "+công an" in history and "+hội nghị" in history


def test_errors_are_one_line_and_the_repl_goes_on(seed_index, monkeypatch, tmp_path):
    text, _ = run_session(seed_index, ":open 5\r:limit x\r:nope\r\"unbalanced\r:paragraphs\rGia Lai\r:quit\r",
                          monkeypatch, tmp_path)
    assert "error: :open takes the number of a hit shown" in text
    assert "error: :limit takes a number" in text
    assert "error: unknown command :nope" in text
    assert "one hit per paragraph: on" in text
    assert "Gia Lai" in text and "Traceback" not in text


def test_ctrl_c_clears_the_line(seed_index, monkeypatch, tmp_path):
    text, repl = run_session(seed_index, "xyz\x03Nghệ An\r\x04", monkeypatch, tmp_path)
    assert repl.state.query == "Nghệ An"


@pytest.mark.slow
def test_scripted_repl_reads_stdin(seed_index):
    corpus_dir, index_dir = seed_index
    proc = subprocess.run([sys.executable, "-m", "searcher", "--corpus", str(corpus_dir),
                           "--index", str(index_dir)], input="Thùy Dương\n:more\n:stats\n:quit\nGia Lai\n",
                          capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Thuỳ Dương" in proc.stdout and "5 articles, 76 paragraphs" in proc.stdout
    assert "Gia Lai" not in proc.stdout, ":quit ends the session"


@pytest.fixture(scope="module")
def completer(seed_index):
    engine = SearchEngine(seed_index[1])
    vocab = Vocabulary(engine.lexicon)
    vocab.load()
    yield SearchCompleter(vocab)
    engine.close()


def complete(completer, text: str) -> list[str]:
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]


def test_completion_ignores_diacritics_and_offers_compounds(completer):
    assert "nghệ an" in complete(completer, "nghe a")
    got = complete(completer, "ngh")
    assert {"nghị", "nghệ"} <= set(got) and got.index("nghị") < got.index("nghệ")
    assert "công an" in complete(completer, "Cong a")
    assert "thuỳ dương" in complete(completer, "thuy d")


def test_completion_of_commands_and_filters(completer):
    assert complete(completer, ":o") == [":open"]
    assert "date:" in complete(completer, "an ninh da")
    assert complete(completer, "") == []


def test_help_dispatch_and_completion_read_one_command_table(seed_index, monkeypatch, tmp_path):
    from searcher.ui.commands import COMMANDS

    text, repl = run_session(seed_index, ":limit 4\r:help\r:h\r:q\rnot searched\r", monkeypatch, tmp_path)
    assert len(COMMANDS.commands) >= 8
    for cmd in COMMANDS.commands:
        assert f"  {cmd.usage()}" in text and cmd.help in text, cmd.name
    assert "hits per page, for this session (now 4)" in text and text.count("Commands:") == 2
    assert repl.state.query is None, ":q (an alias of :quit) ended the session"
    engine = SearchEngine(seed_index[1])
    try:
        names = [c.text for c in SearchCompleter(Vocabulary(engine.lexicon)).get_completions(
            Document(":"), CompleteEvent())]
    finally:
        engine.close()
    assert names == [c.name for c in COMMANDS.commands]

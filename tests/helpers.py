"""Helpers the tests share: the bundled seeds, the real CLI driven against one index, and
corpora and answers to compare indexes by."""
from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from searcher.index import IndexStore
from searcher.search import SearchEngine
from searcher.ui.cli import cli
from searcher.ui.config import Settings
from searcher.ui.repl import Repl

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"


class Searcher:
    """Drives the real CLI against one corpus and index."""

    def __init__(self, corpus_dir: Path, index_dir: Path):
        self.args = ["--corpus", str(corpus_dir), "--index", str(index_dir)]
        self.runner = CliRunner()

    @classmethod
    def without_corpus(cls, index_dir: Path) -> "Searcher":
        """The CLI given only ``--index``: the corpus is the index's own (or the default)."""
        s = cls(Path(), index_dir)
        s.args = ["--index", str(index_dir)]
        return s

    def run(self, *args: str, input: str | None = None):
        return self.runner.invoke(cli, [*self.args, *args], input=input)

    def json_of(self, *command: str) -> dict:
        """The JSON output of a command other than search (`stats`, `abbreviations`...)."""
        result = self.run(*command, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def json(self, *query: str, extra: tuple[str, ...] = ()) -> dict:
        result = self.run("search", "--json", *extra, *query)
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)


def indexed(corpus: Path) -> Searcher:
    """The CLI over ``corpus``, its index built (in a folder beside it)."""
    s = Searcher(corpus, corpus.parent / "index")
    assert s.run("index").exit_code == 0
    return s


def write_article(folder: Path, name: str, paragraphs: list[str]) -> None:
    """An article file of ``paragraphs`` (the first its title) named ``name``.txt."""
    (folder / f"{name}.txt").write_text("\n".join(paragraphs) + "\n", encoding="utf-8")


def big_corpus(folder: Path, copies: int) -> None:
    """Many distinct articles made from the seeds (each copy gets its own word)."""
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(copies):
        src = seeds[i % len(seeds)]
        text = src.read_text(encoding="utf-8")
        (folder / f"bulk{i // 100}").mkdir(exist_ok=True)
        (folder / f"bulk{i // 100}" / f"copy{i}.txt").write_text(
            text + f"\nMã số bài viết số{i}\n", encoding="utf-8")


QUERIES = ["cong an nghe an", "Thùy Dương", "Gia Lai", '"phong trào toàn dân"', "hoạt động"]


def search_answers(corpus: Path, index: Path) -> list:
    """Totals and hits of a few queries through the CLI: what two indexes must agree on."""
    s = Searcher(corpus, index)
    out = []
    for q in QUERIES:
        data = s.json(q, extra=("--limit", "20"))
        out.append((data["total"], [(h["article"], h["paragraph"], h["text"], h["highlights"])
                                    for h in data["hits"]]))
    return out


def all_postings(index: Path) -> dict:
    """Every term's postings (document text, weight, field length), by field and term."""
    ix = IndexStore(index).open()
    with ix.reader() as r:
        texts = {d: (f.get("para"), f.get("text"), repr(f.get("meta"))) for d, f in r.iter_docs()}
        out = {}
        for fieldname in ("syl", "sylf", "wordf", "pairf", "asyl", "asylf"):
            for term in r.field_terms(fieldname):
                m = r.postings(fieldname, term)
                items = []
                while m.is_active():
                    items.append((texts[m.id()], m.weight(), r.doc_field_length(m.id(), fieldname)))
                    m.next()
                out[fieldname, term] = sorted(items, key=repr)
    return out


def run_repl(seed_index: tuple[Path, Path], keys: str,
             engine: SearchEngine | None = None) -> tuple[str, Repl]:
    """The real REPL on an index (or ``engine``), typed ``keys`` through prompt_toolkit's
    pipe input, with the settings in force for that corpus and index: what it printed, and
    the session."""
    corpus, index = seed_index
    out = io.StringIO()
    repl = Repl(Settings.resolve({"corpus": corpus, "index": index}), engine or SearchEngine(index),
                out=out, colour=False)
    with create_pipe_input() as inp:
        inp.send_text(keys)
        with create_app_session(input=inp, output=DummyOutput()):
            repl.run_interactive(input=inp, output=DummyOutput())
    repl.engine.close()
    return out.getvalue(), repl


SHARED = PROJECT.parent / "shared"


def vntc_sample(folder: Path, per_topic: int = 125, topics: int = 8) -> Path | None:
    """``per_topic`` VNTC articles from each of its first ``topics`` topic folders, copied
    out of the shared archive into ``folder`` (None when ../shared does not hold it)."""
    import tarfile

    archive = SHARED / "corpus" / "vntc.tar.xz"
    if not archive.is_file():
        return None
    taken: dict[str, int] = {}
    with tarfile.open(archive, "r|xz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) != 3 or not parts[2].endswith(".txt"):
                continue
            topic = parts[1]
            if taken.get(topic, 0) >= per_topic or (topic not in taken and len(taken) >= topics):
                if len(taken) >= topics and min(taken.values()) >= per_topic:
                    break
                continue
            taken[topic] = taken.get(topic, 0) + 1
            (folder / topic).mkdir(parents=True, exist_ok=True)
            (folder / topic / parts[2]).write_bytes(tar.extractfile(member).read())
    return folder


def title_queries(corpus: Path, count: int) -> list[str]:
    """Queries from ``count`` articles spread over ``corpus``: each title as written, without
    its marks, and its first two words."""
    import unicodedata

    from searcher.corpus import decode

    def unmarked(text: str) -> str:
        text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        return "".join(c for c in text if not unicodedata.combining(c))

    files = sorted(corpus.rglob("*.txt"))
    out: list[str] = []
    for path in files[::max(1, len(files) // count)][:count]:
        lines = [line.strip() for line in decode(path.read_bytes()).splitlines() if line.strip()]
        title = next((line for line in lines if not line.startswith("date ")), "")
        if title:
            out += [title, unmarked(title), " ".join(title.split()[:2])]
    return out

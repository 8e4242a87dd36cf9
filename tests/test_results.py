"""The result page on the real seed index: one entry per article with its other matching
paragraphs, file paths and lines, snippets that hold the best match, counts that the pages
reach, and output shaped by the terminal's width."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from helpers import Searcher
from searcher.analysis import fold_surface, syllable_surfaces
from searcher.search import SearchEngine
from searcher.search.snippets import best_match
from searcher.ui.output import Layout, display_width

QUERIES = ["cong an nghe an", "Thanh Hoá", "hội nghị", "an ninh trật tự", "Công an tỉnh Nghệ An",
           '"phong trào toàn dân"', "Thùy Dương", "ANTQ", "chạy thận nhân tạo", "Gia Lai",
           "date:2023..2024 công an", "xe máy bị thương trên quốc lộ hôm qua"]


def all_hits(seeds: Searcher, *modes: str):
    for mode in modes:
        for q in QUERIES:
            for h in seeds.json(q, extra=("--limit", "100", mode))["hits"]:
                yield q, h


def test_one_entry_per_article_with_its_other_matches(seeds):
    for q in QUERIES:
        data = seeds.json(q, extra=("--limit", "100"))
        articles = [h["article"] for h in data["hits"]]
        assert len(articles) == len(set(articles)), q
        for h in data["hits"]:
            assert len(h["matches"]) <= 2 and h["more"] >= 0
            shown = [h["paragraph"]] + [m["paragraph"] for m in h["matches"]]
            assert len(shown) == len(set(shown))
            assert all(m["highlights"] for m in h["matches"]), "other matches hold query words"
    some = seeds.json("công", "an", extra=("--limit", "1"))["hits"][0]
    assert some["more"] > 0 and len(some["matches"]) == 2


def test_path_and_line_point_at_the_paragraph(seeds):
    for q, h in all_hits(seeds, "--articles", "--paragraphs"):
        for item in [h, *h.get("matches", [])]:
            path = Path(h["path"])
            assert path.is_absolute() and path.is_file()
            line = path.read_text(encoding="utf-8").split("\n")[item["line"] - 1]
            assert item["text"] in line, (q, item["paragraph"], item["line"])
            if item["paragraph"] == 0 and line.lstrip().startswith("date"):
                assert item["line"] == 1, "the date header shares line 1 with the title"


def test_every_snippet_holds_its_best_match(seeds):
    checked = 0
    for q, h in all_hits(seeds, "--articles", "--paragraphs"):
        for item in [h, *h.get("matches", [])]:
            best = best_match(item["text"], item["highlights"])
            if best is None:
                continue
            checked += 1
            assert item["text"][best[0]:best[1]] in item["snippet"], (q, item["snippet"])
    assert checked > 100


def _folded_paragraphs(corpus: Path):
    """Every paragraph of the corpus as folded syllables, read from the files."""
    for path in sorted(corpus.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[0] = re.sub(r"^\s*date\s+\d{4}-\d{2}(-\d{2})?\s*", "", lines[0])
        for line in lines:
            if line.strip():
                yield path.stem, [fold_surface(s) for s in syllable_surfaces(unicodedata.normalize("NFC", line))]


@pytest.mark.parametrize("phrase", ["Thanh Hóa", "Nghệ An", "an ninh", "công an tỉnh", "hội nghị"])
def test_totals_of_phrases_are_what_the_files_hold(seed_index, seeds, phrase):
    corpus, _ = seed_index
    want = [fold_surface(s) for s in phrase.split()]
    n = len(want)
    holding = [(a, any(words[i:i + n] == want for i in range(len(words) - n + 1)))
               for a, words in _folded_paragraphs(corpus)]
    paragraphs = sum(1 for _, held in holding if held)
    articles = len({a for a, held in holding if held})
    quoted = f'"{phrase}"'
    assert seeds.json(quoted, extra=("--paragraphs",))["total"] == paragraphs
    assert seeds.json(quoted)["total"] == articles


def test_pages_reach_every_match_and_no_further(seeds):
    for mode, unit in (("--articles", "article"), ("--paragraphs", "paragraph")):
        total = seeds.json("hội", "nghị", extra=(mode,))["total"]
        seen = []
        last = -(-total // 2)
        for page in range(1, last + 1):
            hits = seeds.json("hội", "nghị", extra=(mode, "--limit", "2", "--page", str(page)))["hits"]
            assert hits, (mode, page)
            seen += [(h["article"], h["paragraph"]) for h in hits]
        assert len(seen) == len(set(seen)) == total
        after = seeds.run("search", "hội", "nghị", mode, "--limit", "2", "--page", str(last + 1))
        assert after.exit_code == 1
        assert f"no more results ({total} {unit}s match)" in after.stdout


def test_a_short_query_matches_what_holds_every_word(seeds):
    """`Gia Lai` counts the articles holding both words, not those holding either."""
    data = seeds.json("Gia", "Lai", extra=("--limit", "100"))
    assert data["total"] == len(data["hits"]) >= 1
    for h in data["hits"]:
        words = {fold_surface(w) for w in syllable_surfaces(Path(h["path"]).read_text(encoding="utf-8"))}
        assert {"gia", "lai"} <= words


@pytest.mark.parametrize("width", [60, 80, 200])
def test_output_fits_the_width_and_never_breaks_a_word(seed_index, width):
    _, index = seed_index
    with SearchEngine(index) as engine:
        for articles in (True, False):
            for q in QUERIES:
                result = engine.search(q, limit=10, articles=articles)
                layout = Layout(colour=False, width=width)
                for hit in result.hits:
                    drawn = layout.hit(hit).split("\n")
                    too_long = [line for line in drawn if display_width(line) > width]
                    assert all(len(line.split()) == 1 for line in too_long), (q, width, too_long)
                    words = set(hit.snippet.split())
                    for m in hit.matches or []:
                        words |= set(m.snippet.split())
                    body = [w for line in drawn[2:] for w in line.split()]
                    broken = [w for w in body if w not in words and not re.fullmatch(r"\d+:|\+\d+|more|paragraphs?", w)]
                    assert broken == [], (q, width, broken)


def test_hyperlinks_on_a_terminal_only(seeds):
    coloured = seeds.run("--color", "always", "search", "Nghệ", "An").stdout
    assert "\x1b]8;;file://" in coloured
    assert "\x1b]8;;" not in seeds.run("--color", "always", "search", "--no-hyperlinks", "Nghệ", "An").stdout
    assert "\x1b]8;;" not in seeds.run("search", "Nghệ", "An").stdout
    data = json.loads(seeds.run("search", "--json", "Nghệ", "An").stdout)
    assert data["hits"] and "\x1b" not in json.dumps(data)


@pytest.fixture(scope="module")
def foldered(tmp_path_factory):
    """The seeds in folders (`2024/phap-luat`, `the-thao`, the top), indexed."""
    from helpers import SEEDS

    root = tmp_path_factory.mktemp("folders")
    corpus = root / "corpus"
    places = {"000": "2024/phap-luat", "001": "2024/the-thao", "002": "the-thao", "003": ".", "004": "."}
    for path in sorted(SEEDS.glob("*.txt")):
        folder = corpus / places[path.name[:3]]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    s = Searcher(corpus, root / "index")
    assert s.run("index").exit_code == 0
    return s


def test_in_folder_keeps_or_leaves_out_articles_under_it(foldered):
    everything = {h["article"] for h in foldered.json("công", "an", extra=("--limit", "50"))["hits"]}
    assert len(everything) == 5
    under = {h["article"] for h in foldered.json("công an in:2024", extra=("--limit", "50"))["hits"]}
    assert under == {a for a in everything if a.startswith("2024/")} and len(under) == 2
    sport = {h["article"] for h in foldered.json("công an in:the-thao in:2024/the-thao",
                                                  extra=("--limit", "50"))["hits"]}
    assert sport == {a for a in everything if "the-thao/" in a}
    rest = {h["article"] for h in foldered.json("công an -in:2024", extra=("--limit", "50"))["hits"]}
    assert rest == everything - under
    assert foldered.json("công an in:nowhere")["hits"] == []


def test_facets_count_the_matching_articles_and_sum_to_total(foldered, seeds):
    for s in (foldered, seeds):
        for q in ["công an", "hội nghị", '"Nghệ An"', "an ninh trật tự", "Thùy Dương"]:
            for mode in ("--articles", "--paragraphs"):
                data = s.json(q, extra=(mode, "--limit", "100"))
                facets = data["facets"]
                articles = {h["article"] for h in data["hits"]}
                if mode == "--articles":
                    assert sum(facets["year"].values()) == sum(facets["folder"].values()) == data["total"]
                assert sum(facets["folder"].values()) == len(articles), (q, mode)
    facets = foldered.json("công", "an")["facets"]
    assert facets["folder"] == {".": 2, "2024": 2, "the-thao": 1}
    assert facets["year"] == {"2023": 1, "2024": 1, "undated": 3}


def test_sort_by_date_newest_or_oldest_undated_last(seeds):
    for order, newest_first in (("newest", True), ("oldest", False)):
        for mode in ("--articles", "--paragraphs"):
            hits = seeds.json("công", "an", extra=("--sort", order, "--limit", "100", mode))["hits"]
            dates = [h["date"] for h in hits]
            dated = [d for d in dates if d]
            assert dated == sorted(dated, reverse=newest_first), (order, mode)
            assert dates == dated + [None] * (len(dates) - len(dated)), "undated last"
    relevance = seeds.json("công", "an", extra=("--limit", "100"))
    newest = seeds.json("công", "an", extra=("--limit", "100", "--sort", "newest"))
    assert relevance["total"] == newest["total"]
    assert {h["article"] for h in relevance["hits"]} == {h["article"] for h in newest["hits"]}


def test_repl_sort_facets_and_folder_completion(foldered, tmp_path):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from helpers import run_repl
    from searcher.ui.completion import SearchCompleter, Vocabulary

    corpus, index = Path(foldered.args[1]), Path(foldered.args[3])
    text, repl = run_repl((corpus, index), ":sort newest\rcông an\r:facets\r:quit\r")
    assert repl.state.sort == "newest" and "by year" in text and "by folder" in text
    assert re.search(r"2024\s+█+ 2", text) and "undated" in text
    engine = SearchEngine(index)
    try:
        vocab = Vocabulary(engine.lexicon)
        vocab.load()
        got = [c.text for c in SearchCompleter(vocab).get_completions(Document("an ninh in:20"), CompleteEvent())]
        assert got == ["in:2024", "in:2024/phap-luat", "in:2024/the-thao"]
        got = [c.text for c in SearchCompleter(vocab).get_completions(Document("-in:the"), CompleteEvent())]
        assert got == ["-in:the-thao"]
    finally:
        engine.close()

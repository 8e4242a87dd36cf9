"""Names and short phrases: the query's words as one run first, diacritics as typed, the
most frequent spelling first for a query without marks, marks left out in haste.

Each test builds a real index of a small corpus written for it: more paragraphs holding the
words apart than stage two re-ranks, so the paragraphs holding the run are found only if
stage one looks for them, and files named so that, without it, the scattered ones win ties.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from searcher.analysis import fold_term, normalize_term, syllable_surfaces
from searcher.index import IndexStore, update_index
from searcher.search import SearchEngine
from searcher.search.paragraphs import CANDIDATES

from helpers import Searcher, indexed, write_article

APART = 2 * CANDIDATES  # paragraphs holding the words apart


@pytest.fixture(scope="module")
def names(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("names")
    corpus = root / "corpus"
    corpus.mkdir()
    # Few paragraphs hold the names; they come first, so without looking for the run
    # stage one would keep the later, scattered ones on ties.
    # (Segmented without the compound `phạm_công`, which would lift them anyway.)
    write_article(corpus, "a-pham-cong", [
        "Ông Phạm Công nói rằng dự án chậm tiến độ",
        "Anh Phạm Công Minh làm việc tại phường",
        "Sau đó ông Phạm Công nói rằng sẽ khắc phục",
    ])
    write_article(corpus, "b-thanh-hoa", [
        "Bão đổ bộ vào Thanh Hóa chiều qua",
        "Nông dân ấp Thanh Hòa thu hoạch lúa",
        "Nhà văn hóa Thanh Niên mở cửa",
        "Tỉnh Thanh Hoá có thêm khu công nghiệp",
        "Ủy ban tỉnh Thanh Hóa họp báo",
    ])
    write_article(corpus, "c-thi-xuan", [
        "Chị Bùi Thị Xuân bán hàng ở chợ",
        "Bà Nguyễn Thị Xuân nhận giải thưởng",
        "Bà Trần Thị Xuân là giáo viên",
        "Cuộc thi Xuân yêu thương khai mạc",
        "Khi thì mưa, khi thì nắng, mùa Xuân năm nay lạ",
    ])
    for i in range(APART // 20):
        write_article(corpus, f"z-apart-{i:03d}", [
            f"Đoàn {i} kiểm tra việc vi phạm của xe tải, sau đó công an lập biên bản số {j}"
            f" về hóa chất, đường Thanh Niên"
            for j in range(20)])
    index = root / "index"
    update_index(corpus, IndexStore(index))
    return corpus, index


def _holds(text: str, words: str, folded: bool = False) -> bool:
    terms = [normalize_term(s) for s in syllable_surfaces(text)]
    query = [normalize_term(s) for s in syllable_surfaces(words)]
    if folded:
        terms, query = [fold_term(t) for t in terms], [fold_term(t) for t in query]
    n = len(query)
    return any(terms[i:i + n] == query for i in range(len(terms) - n + 1))


def _paragraphs(corpus: Path) -> list[str]:
    return [line for f in sorted(corpus.glob("*.txt"))
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_name_held_by_few_paragraphs_comes_before_its_words_apart(names):
    corpus, index = names
    with SearchEngine(index) as engine:
        r = engine.search("Phạm Công", limit=5)
        assert sorted(h.text for h in r.hits[:3]) == sorted(
            p for p in _paragraphs(corpus) if _holds(p, "Phạm Công"))
        assert not _holds(r.hits[3].text, "Phạm Công", folded=True)
        # What matches is what holds both words, together or apart: the total says so.
        both = [p for p in _paragraphs(corpus)
                if all(_holds(p, w, folded=True) for w in ("phạm", "công"))]
        assert len(both) > APART and r.total == len(both) and r.total_exact
        articles = engine.search("Phạm Công", limit=3, articles=True)
        assert articles.hits[0].article == "a-pham-cong" and _holds(articles.hits[0].text, "Phạm Công")


def test_the_spelling_typed_comes_first_then_other_marks_then_the_words_apart(names):
    corpus, index = names
    with SearchEngine(index) as engine:
        texts = [h.text for h in engine.search("Thanh Hoá", limit=6).hits]
    assert [_holds(t, "Thanh Hóa") for t in texts[:3]] == [True, True, True]
    assert _holds(texts[3], "Thanh Hòa")
    assert not _holds(texts[4], "Thanh Hoa", folded=True)  # `hóa ... Thanh Niên`


def test_a_query_without_marks_prefers_the_most_frequent_spelling_of_its_run(names):
    corpus, index = names
    with SearchEngine(index) as engine:
        r = engine.search("thi xuan", limit=6)
        texts = [h.text for h in r.hits]
        assert [_holds(t, "Thị Xuân") for t in texts[:3]] == [True, True, True]
        assert _holds(texts[3], "thi Xuân")  # the run, in its rarer spelling
        assert not _holds(texts[4], "thi xuan", folded=True)
        assert r.suggestion == "thị xuân"


def test_marks_left_out_in_haste_match_any_marks(names):
    """`Ủy ban tinh Thanh hoa`: `tinh` cannot be spelled without marks in
    this corpus, so the query was typed in haste and `hoa` matches `Hóa`; a query marked
    with care keeps an unmarked syllable to itself."""
    _, index = names
    with SearchEngine(index) as engine:
        hasty = engine.prepare_query("Ủy ban tinh Thanh hoa")
        assert [t.prefer for t in hasty.positive_terms() if not t.marked] == [True] * 4
        careful = engine.prepare_query("Cuộc thi Xuân")
        assert [(t.term, t.strict) for t in careful.positive_terms() if not t.marked] == [("thi", True)]
        assert _holds(engine.search("Ủy ban tinh Thanh hoa", limit=1).hits[0].text, "Ủy ban tỉnh Thanh Hóa")
        assert _holds(engine.search("Cuộc thi Xuân", limit=1).hits[0].text, "Cuộc thi Xuân")


@pytest.mark.parametrize("query", ["Hồ", "Bình", "của và các", "thanh", "a " * 50,
                                   " ".join(["Phạm Công Thanh Hóa Thị Xuân công an"] * 7)])
def test_odd_short_and_long_queries_answer(names, query):
    corpus, index = names
    result = Searcher(corpus, index).run("search", "--json", query)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def apart_in_articles(tmp_path_factory) -> Searcher:
    """More articles holding `giá` and `vàng` in different paragraphs than stage two scores
    as wholes, named so that they win stage one's ties, and one article writing `giá vàng`."""
    from searcher.search.articles import ARTICLE_CANDIDATES

    corpus = tmp_path_factory.mktemp("apart-articles") / "corpus"
    corpus.mkdir()
    write_article(corpus, "a-run", ["Thị trường", "Giá vàng hôm nay tăng nhẹ"])
    for i in range(ARTICLE_CANDIDATES + 5):
        write_article(corpus, f"b-{i:03d}", [f"Thể thao {i}", f"Đội tuyển giành huy chương vàng số {i}",
                                            f"Vé được bán với giá rẻ, đợt {i}"])
    return indexed(corpus)


def test_an_article_holding_a_lowercase_run_comes_first(apart_in_articles):
    """Stage one finds no lowercase run in the index, and every article holds both words:
    the one holding them in one paragraph reaches stage two, which puts its run first."""
    for query in ("giá vàng", "gia vang"):
        hits = apart_in_articles.json(query)["hits"]
        assert [h["article"] for h in hits[:1]] == ["a-run"], query

"""Search on the real seed index through the real CLI: ranking, diacritics, query language,
highlights, JSON, exit codes."""
from __future__ import annotations

import json
import shutil

import pytest

from searcher.analysis import fold_term, normalize_term
from searcher.index import IndexStore, update_index
from searcher.search import SearchEngine
from searcher.search.query import parse_query

from helpers import Searcher, indexed, write_article

HIT_KEYS = {"rank", "score", "article", "paragraph", "title", "date", "text", "highlights", "snippet",
            "path", "line"}
ARTICLE_KEYS = HIT_KEYS | {"matches", "more"}


def hits(data: dict) -> list[tuple[str, int]]:
    return [(h["article"], h["paragraph"]) for h in data["hits"]]


def folded_words(text: str) -> str:
    return " ".join(fold_term(normalize_term(w)) for w in text.split())


def test_json_follows_the_contract(seeds):
    data = seeds.json("cong", "an", "nghe", "an")
    assert set(data) == {"query", "total", "page", "took_ms", "suggestion", "hits", "facets",
                         "interpreted", "typed_as"}
    assert data["interpreted"] is None and data["typed_as"] is None
    assert data["query"] == "cong an nghe an" and data["page"] == 1 and data["total"] >= len(data["hits"])
    assert data["hits"], "the seeds mention Công an tỉnh Nghệ An"
    for rank, h in enumerate(data["hits"], 1):
        assert set(h) == ARTICLE_KEYS and h["rank"] == rank, "one hit per article by default"
        assert h["date"] is None or len(h["date"]) >= 7
    top = data["hits"][0]
    assert top["text"] == "Lễ ký kết giữa Công an tỉnh Nghệ An và Hội Cựu CAND tỉnh Nghệ An."
    assert top["highlights"] == [[15, 22], [28, 35], [57, 64]]


def test_highlights_cover_whole_matched_words_in_order(seeds):
    for query in ("cong an nghe an", "Thanh Hoá", "hoạt động", '"phong trào toàn dân"', "COVID ANTQ"):
        for h in seeds.json(query)["hits"]:
            spans = h["highlights"]
            assert spans == sorted(spans)
            for (s1, e1), (s2, _) in zip(spans, spans[1:]):
                assert e1 <= s2
            words = set(folded_words(query.replace('"', "")).split())
            for s, e in spans:
                piece = h["text"][s:e]
                assert piece == piece.strip() and piece
                assert s == 0 or not h["text"][s - 1].isalnum()
                assert e == len(h["text"]) or not h["text"][e].isalnum()
                assert set(folded_words(piece).split()) <= words


def test_text_is_the_paragraph_exactly_as_in_the_file(seeds, seed_index):
    corpus_dir, _ = seed_index
    data = seeds.json("Quang cảnh hội nghị")
    top = data["hits"][0]
    lines = [l for l in (corpus_dir / f"{top['article']}.txt").read_text(encoding="utf-8").split("\n") if l.strip()]
    assert top["text"] == lines[top["paragraph"]]


def test_exact_diacritics_rank_above_folded_matches(seeds):
    data = seeds.json("Gia", "Lai")
    assert "Gia Lai" in data["hits"][0]["text"]
    texts = [h["text"] for h in data["hits"]]
    assert any("giá lại" in t.lower() for t in texts[1:]), "folded matches still found, lower"


def test_query_without_diacritics_matches_folded_forms(seeds):
    data = seeds.json("thanh", "hoa")
    assert any("Thanh Hóa" in h["text"] for h in data["hits"][:3])


def test_old_and_new_tone_placement_are_one_word(seeds):
    data = seeds.json("Thùy", "Dương")
    top2 = {h["text"] for h in data["hits"][:2]}
    assert top2 == {"Thùy Dương", "Thuỳ Dương"}
    assert {h["text"] for h in seeds.json("Thuỳ Dương")["hits"][:2]} == top2


def test_misplaced_tone_mark_is_found(seeds):
    data = seeds.json("hoạt", "động")
    assert any("họat động" in h["text"] for h in data["hits"])
    hit = next(h for h in data["hits"] if "họat động" in h["text"])
    assert any(hit["text"][s:e] == "họat động" for s, e in hit["highlights"])


def test_adjacent_words_outrank_scattered_ones(seeds):
    data = seeds.json("an", "ninh")
    assert "an ninh" in data["hits"][0]["text"].lower()
    ranks = {(h["article"], h["paragraph"]): h["rank"] for h in data["hits"]}
    adjacent = [r for h, r in zip(data["hits"], ranks.values()) if "an ninh" in h["text"].lower()]
    # `Công an ... Ninh Bình` (the first article's opening paragraph) comes after every `an ninh`.
    scattered = ranks.get(("000_18ff46b963d0eb4c", 0))
    assert scattered is None or scattered > max(adjacent)


def test_phrase_requires_adjacency(seeds):
    data = seeds.json('"phong trào toàn dân"')
    assert data["hits"]
    for h in data["hits"]:
        assert "phong trào toàn dân" in h["text"].lower()


def test_excluded_word_and_phrase(seeds):
    for h in seeds.json("hội", "nghị", "-Nghệ")["hits"]:
        assert "nghệ" not in h["text"].lower()
    for h in seeds.json("hội", "nghị", '-"Công an"')["hits"]:
        assert "công an" not in h["text"].lower()


def test_or_gives_alternatives(seeds):
    data = seeds.json("Gia Lai OR Hòa Bình")
    texts = " ".join(h["text"] for h in data["hits"])
    assert "Gia Lai" in texts and "Hòa Bình" in texts


def test_filters(seeds):
    assert {a for a, _ in hits(seeds.json("date:2024", "công", "an"))} == {"000_18ff46b963d0eb4c"}
    assert {a for a, _ in hits(seeds.json("date:2023..2024", "công", "an", extra=("--limit", "50")))} == \
        {"000_18ff46b963d0eb4c", "001_4a8ed78d953e807b"}
    assert {a for a, _ in hits(seeds.json("date:2023-06", "công", "an"))} == {"001_4a8ed78d953e807b"}
    assert hits(seeds.json("date:2017", "công", "an")) == []
    assert {a for a, _ in hits(seeds.json("article:004_13a519dd43a9bdc2", "hội", "nghị"))} == {"004_13a519dd43a9bdc2"}
    titled = {a for a, _ in hits(seeds.json("title:Gia", "hội", "nghị"))}
    assert titled == set(), "no seed title has Gia"
    titled = {a for a, _ in hits(seeds.json('title:"an ninh"', "hội", "nghị"))}
    assert titled == {"001_4a8ed78d953e807b"}


@pytest.mark.parametrize("query", ['"unbalanced', "- x", "OR OR", ":", "date:", "title:", "date:abc x",
                                   "- - OR", '-"', "a" * 10_000, "\x00", "((a))", "date:2020..2017 an"])
def test_malformed_queries_are_read_leniently(seeds, query):
    result = seeds.run("search", "--json", query)
    assert result.exit_code in (0, 1), result.output
    json.loads(result.stdout)


def test_parse_reads_the_query_language():
    q = parse_query('công an -"Ninh Bình" -xyz Gia OR Lai date:2017..2020 article:A1 title:ANTQ')
    assert [[c.text for c in u.alternatives] for u in q.units] == [["công"], ["an"], ["Gia", "Lai"]]
    assert [c.text for c in q.excluded] == ["Ninh Bình", "xyz"]
    assert (q.dates[0].start, q.dates[0].end) == ("2017", "2020")
    assert q.articles == ["A1"] and [c.text for c in q.title] == ["ANTQ"]


def test_a_minus_before_a_digit_is_part_of_the_number():
    q = parse_query("tên lửa S -400 nhiệt độ -5 -mưa")
    assert [u.alternatives[0].text for u in q.units] == ["tên", "lửa", "S", "-400", "nhiệt", "độ", "-5"]
    assert [c.text for c in q.excluded] == ["mưa"]
    assert [t.term for t in q.units[3].alternatives[0].terms] == ["400"]


def test_articles_gives_one_hit_per_article(seeds):
    data = seeds.json("công", "an", extra=("--articles",))
    arts = [h["article"] for h in data["hits"]]
    assert len(arts) == len(set(arts)) == 5
    assert data["total"] == 5


def test_paging(seeds):
    for mode, ranks in (("--paragraphs", [4, 5, 6]), ("--articles", [4, 5])):
        first = seeds.json("hội", "nghị", extra=("--limit", "3", mode))
        second = seeds.json("hội", "nghị", extra=("--limit", "3", "--page", "2", mode))
        assert [h["rank"] for h in second["hits"]] == ranks
        assert not set(hits(first)) & set(hits(second))


def test_suggestions(seeds):
    assert seeds.json("chay than nhan tao")["suggestion"] == "chạy thận nhân tạo"
    assert seeds.json("cong an nghe ann")["suggestion"] == "công an nghệ an"
    assert seeds.json("Công an tỉnh Nghệ An")["suggestion"] is None


def test_exit_codes(seeds):
    assert seeds.run("search", "Nghệ An").exit_code == 0
    assert seeds.run("search", "xyzzyqx").exit_code == 1
    bad = seeds.run("search", "--limit", "0", "an")
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_human_output_is_plain_without_a_terminal(seeds):
    result = seeds.run("search", "cong an nghe an", "--limit", "2")
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert "Lễ ký kết giữa Công an tỉnh Nghệ An" in result.output
    assert "000_18ff46b963d0eb4c.txt\n" in result.output and "13: Lễ ký kết" in result.output
    assert "did you mean: công an nghệ an" in result.output


def test_batch_queries_from_stdin_answer_in_order(seeds):
    result = seeds.run("search", "-", "--json", "--limit", "1", input="an ninh\n\nxyzzyqx\nGia Lai\n")
    assert result.exit_code == 0
    lines = [json.loads(l) for l in result.stdout.splitlines()]
    assert [l["query"] for l in lines] == ["an ninh", "", "xyzzyqx", "Gia Lai"]
    assert lines[1]["hits"] == [] and lines[2]["hits"] == [] and lines[3]["hits"]


def test_missing_index_is_built_first(corpus, tmp_path):
    from helpers import Searcher

    s = Searcher(corpus, tmp_path / "fresh-index")
    result = s.run("search", "--json", "Nghệ An")
    assert result.exit_code == 0
    assert "building it" in result.stderr
    assert json.loads(result.stdout)["hits"]


def test_articles_rank_consecutive_query_words_above_scattered_ones(tmp_path):
    """Article-level bigrams: the article saying `xe máy` beats those with `xe` and `máy`
    apart, even more often, and articles without them do not match; folded queries alike."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "apart.txt").write_text(
        "Tin giao thông\nChiếc xe tải đâm vào máy bơm. Xe cứu hỏa đến, máy phát điện hỏng, xe cẩu tới.\n",
        encoding="utf-8")
    (corpus / "together.txt").write_text(
        "Tin giao thông\nMột người đi xe máy bị thương trên quốc lộ.\n", encoding="utf-8")
    (corpus / "neither.txt").write_text("Tin thời tiết\nTrời mưa to trên quốc lộ.\n", encoding="utf-8")
    (corpus / "scattered.txt").write_text(
        "Tin giao thông\nNgười bị thương khi xe tải đâm vào máy bơm trên quốc lộ. Người đi đường "
        "gọi xe cứu thương, máy phát điện hỏng.\n", encoding="utf-8")
    s = Searcher(corpus, tmp_path / "index")
    assert s.run("index").exit_code == 0
    for query in (("xe", "máy"), ("xe", "may")):
        hits = s.json(*query, extra=("--articles",))["hits"]
        assert [h["article"] for h in hits][0] == "together"
        assert sorted(h["article"] for h in hits) == ["apart", "scattered", "together"]
    # Long queries (headlines) take part of a long run back: never so much that consecutive
    # words lose to the same words scattered.
    for query in ("người đi xe máy bị thương trên quốc lộ", "nguoi di xe may bi thuong tren quoc lo",
                  "xe máy bị thương trên quốc lộ hôm qua"):
        hits = s.json(*query.split(), extra=("--articles",))["hits"]
        assert [h["article"] for h in hits][:2] == ["together", "scattered"], query


@pytest.mark.parametrize("articles", [False, True])
def test_a_long_query_counts_a_phrase_only_where_its_words_are_consecutive(tmp_path, monkeypatch, articles):
    """A long query matches by any unit: a one-syllable word proves a match by the index
    alone, but a phrase's syllables held apart do not match, and the total does not count
    them, nor what holds an excluded phrase. The count is exact while the texts to look at
    (those the index does not prove) are within the limit, whatever the others number."""
    from searcher.search import merge

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {"together": "Lực lượng an ninh đã có mặt.", "apart": "Ninh Bình vẫn an toàn.",
             "apart2": "An Giang và Ninh Thuận.", "apart3": "Ninh Bình an cư lạc nghiệp.",
             "word": "Người dân đi bầu cử.", "word2": "Cử tri đi bầu.", "word3": "Ngày bầu cử sắp tới."}
    for name, text in texts.items():
        (corpus / f"{name}.txt").write_text(f"Tin\n{text}\n", encoding="utf-8")
    s = Searcher(corpus, tmp_path / "index")
    assert s.run("index").exit_code == 0
    query = ('"an ninh"', "bầu", "quốc", "hội", "khóa", "mới", "tháng")
    extra = ("--articles",) if articles else ("--paragraphs",)
    limit = "VERIFY_ARTICLES" if articles else "VERIFY_LIMIT"
    # Seven may match; three are proven by `bầu`; four have the phrase's syllables to look at.
    monkeypatch.setattr(merge, limit, 4)
    data = s.json(*query, extra=extra)
    assert sorted(h["article"] for h in data["hits"]) == ["together", "word", "word2", "word3"]
    assert data["total"] == 4 and "total_exact" not in data  # (only an estimate says so)
    monkeypatch.setattr(merge, limit, 3)  # a sample of the four, the three proven counted
    data = s.json(*query, extra=extra)
    assert data.get("total_exact") is False and 3 <= data["total"] <= 7, data
    # An excluded phrase is looked for in the text of what the index proves.
    monkeypatch.setattr(merge, limit, 5)
    data = s.json("bầu", "quốc", "hội", "khóa", "mới", "tháng", "Bình", '-"đi bầu"', extra=extra)
    assert sorted(h["article"] for h in data["hits"]) == ["apart", "apart3", "word3"]
    assert data["total"] == 3 and "total_exact" not in data


def test_a_common_word_proves_an_article_without_its_text(tmp_path, monkeypatch):
    """Matching a long query by any unit, an article the index shows to hold a common
    query word (read in bitmaps, not in stage one's lists) needs no look at its text: the
    count stays exact with only the others' texts to look at."""
    from searcher.search import merge, retrieval

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = {"together": "Lực lượng an ninh đi tuần.", "apart": "Ninh Bình vẫn an toàn, đi chơi.",
             "apart2": "An Giang và Ninh Thuận.",
             **{f"w{i}": f"Người dân đi bầu số {i}." for i in range(5)}}
    for name, text in texts.items():
        write_article(corpus, name, ["Tin", text])
    s = indexed(corpus)
    # `đi` (7 of 8 articles) is common, `an` and `ninh` (3) are not.
    monkeypatch.setattr(retrieval, "COMMON_MIN_DF", 0)
    monkeypatch.setattr(retrieval, "COMMON_FRACTION", 0.5)
    # Three hold the phrase's syllables; two of them hold `đi`; one text is left to look at.
    monkeypatch.setattr(merge, "VERIFY_ARTICLES", 1)
    data = s.json('"an ninh"', "đi", "quốc", "hội", "khóa", "mới", extra=("--articles",))
    assert sorted(h["article"] for h in data["hits"]) == ["apart", "together"]
    assert data["total"] == 2 and "total_exact" not in data


def test_query_traits_are_capitalized_words_and_numbers():
    """Names: words typed capitalized, except a headline's first word unless the second is
    capitalized too; numbers: words holding a digit."""
    from searcher.search.features import QueryTraits

    traits = QueryTraits.of(parse_query("Hai máy bay suýt đâm nhau ở Thượng Hải tháng 9/2017"))
    assert (traits.names, traits.numbers) == ([7, 8], [10])
    traits = QueryTraits.of(parse_query("Kim Jong-un mắng cấp dưới vì lơ là chống bão"))
    assert (traits.names, traits.numbers) == ([0, 1], [])
    traits = QueryTraits.of(parse_query("hai may bay suyt dam nhau o thuong hai"))
    assert (traits.names, traits.numbers) == ([], [])


def _matched(text: str, query: str):
    from searcher.search.features import matched_idf
    from searcher.search.matching import ParagraphTerms, unit_hits
    from searcher.search.scoring import QueryWeights, score_hits

    q = parse_query(query)
    pt = ParagraphTerms(text)
    df = {t.folded: 1 + i for i, t in enumerate(q.positive_terms())}  # distinct idfs
    weights = QueryWeights.of(q, {}, df, 100)
    scored = score_hits(unit_hits(pt, weights.clauses), weights, len(pt), len(pt))
    return scored, matched_idf(scored, weights)


@pytest.mark.parametrize("text, runs", [
    ("an ninh trật tự được giữ vững", [(0, 4)]),
    ("an ninh mạng và trật tự xã hội", [(0, 2), (2, 4)]),
    ("trật tự an ninh", [(0, 2), (2, 4)]),  # each pair alone: not in the query's order
    ("an toàn, ninh bình, trật độ, tự do", []),
    ("tự trật ninh an an ninh trật", [(0, 3)]),
])
def test_longest_run_is_the_heaviest_run_of_consecutive_query_words(text, runs):
    from searcher.search.features import longest_run_idf

    scored, unit_idf = _matched(text, "an ninh trật tự")
    expected = max((sum(unit_idf[a:b]) for a, b in runs), default=0.0)
    assert longest_run_idf(scored.matches, unit_idf, scored.adjacent_at) == pytest.approx(expected)


SESSION_QUERIES = ["công an", "cong an nghe an", "Công an tỉnh Nghệ An", "an ninh trật tự", "hội nghị",
                   "Thùy Dương", "date:2023..2024 công an", "-an ninh công an", '"an ninh" OR "Gia Lai"',
                   "article:004_13a519dd43a9bdc2 hội nghị"]


def _answers(engine, queries, articles: bool, cold: bool) -> list[dict]:
    out = []
    for text in queries:
        if cold:
            engine.clear_caches()
        data = engine.search(text, limit=10, articles=articles).as_dict()
        del data["took_ms"]
        out.append(data)
    return out


@pytest.mark.parametrize("articles", [False, True])
def test_answers_do_not_depend_on_what_the_session_read_before(seed_index, articles):
    """Paragraphs, joined articles and common words' bitmaps are kept between queries: the
    answers are the same from a fresh engine, with everything forgotten before each query,
    and with the queries asked twice in the other order."""
    from searcher.search import SearchEngine

    _, index = seed_index
    with SearchEngine(index) as warm, SearchEngine(index) as cold:
        first = _answers(warm, SESSION_QUERIES, articles, cold=False)
        again = _answers(warm, SESSION_QUERIES[::-1] * 2, articles, cold=False)[::-1][:len(SESSION_QUERIES)]
        assert first == again
        assert first == _answers(cold, SESSION_QUERIES, articles, cold=True)
        assert any(a["hits"] for a in first)


def test_an_article_is_shown_by_a_paragraph_holding_the_most_query_words(seed_index):
    """Only the paragraphs holding the most query words are scored to pick an article's
    best paragraph: check it against matching every paragraph of the article alone."""
    from searcher.search.matching import ParagraphTerms
    from searcher.search import SearchEngine

    _, index = seed_index
    with SearchEngine(index) as engine:
        for text in ["công an nghệ an", "hội nghị an ninh", "Thùy Dương", "trật tự an toàn giao thông"]:
            q = engine.prepare_query(text)
            result = engine.search(text, limit=5, articles=True)
            assert result.hits
            for hit in result.hits:
                held = {}
                for n, para in engine.article_paragraphs(hit.article):
                    pt = ParagraphTerms(para)
                    held[n] = sum(1 for u in q.units if any(pt.find(c)[0] for c in u.alternatives))
                assert held[hit.paragraph] == max(held.values()) > 0, (text, hit.article)


def test_bitmaps_hold_exactly_the_posting_lists(seed_index):
    from searcher.search import SearchEngine

    _, index = seed_index
    with SearchEngine(index) as engine:
        pr = engine.postings
        n = engine.documents.reader.doc_count_all()
        for term, fields in [("của", ("asyl",)), ("cua", ("asyl", "asylf")), ("an", ("asyl", "asylf")),
                             ("xyzzy", ("asyl",))]:
            bits = pr.doc_bitmap(term, *fields)
            expected = {d for f in fields for d in pr.docs(f, term)}
            assert {d for d in range(n) if bits[d >> 3] >> (d & 7) & 1} == expected
            assert pr.doc_bitmap(term, *fields) is bits  # remembered
        assert expected == set() and any(pr.doc_bitmap("an", "asyl", "asylf"))


def test_remembered_document_sets_hold_the_posting_lists_within_their_bound(seed_index, monkeypatch):
    """Document sets are remembered between queries, least recently used dropped past
    SET_CACHE_DOCS documents: still exactly the posting lists, and never more than the bound."""
    import searcher.index.postings as postings
    from searcher.search import SearchEngine

    _, index = seed_index
    monkeypatch.setattr(postings, "SET_CACHE_DOCS", 40)
    with SearchEngine(index) as engine:
        pr = engine.postings
        terms = ["công", "an", "nghệ", "hội", "nghị", "dương", "tỉnh", "xyzzy"]
        for _ in range(2):
            for term in terms:
                got = pr.doc_set(term, "syl", "sylf")
                assert got == {d for f in ("syl", "sylf") for d in pr.docs(f, term)}
                assert pr.remembered()["set_docs"] <= 40
        small = min((t for t in terms if pr.doc_set(t, "syl")), key=lambda t: len(pr.doc_set(t, "syl")))
        first = pr.doc_set(small, "syl")
        assert pr.remembers(small, "syl") and pr.doc_set(small, "syl") == first
        big = max(terms, key=lambda t: len(pr.doc_set(t, "syl")))
        assert len(pr.doc_set(big, "syl")) > 40 and not pr.remembers(big, "syl")  # too big to keep
        engine.clear_caches()
        assert pr.remembered()["set_docs"] == 0 and not pr.remembers(small, "syl")


def test_article_features_weighted_are_the_article_ranking(seed_index):
    """The features SearchEngine.article_features gives (what scripts/fit_article_weights.py
    fits) rank the articles exactly as `--articles` does, once weighted and tiered."""
    from searcher.search.query import parse_query
    from searcher.search.features import ARTICLE_WEIGHTS, weighted
    from searcher.search.scoring import LONG_QUERY
    from searcher.search import SearchEngine

    _, index = seed_index
    with SearchEngine(index) as engine:
        for text in ["công an nghệ an", "Thùy Dương", "hoi nghi an ninh trat tu",
                     "Công an tỉnh Nghệ An tổ chức hội nghị triển khai nhiệm vụ bảo đảm an ninh"]:
            found = engine.article_features(text)
            assert found and all(len(f) == len(ARTICLE_WEIGHTS) for _, f, _ in found)
            tiered = len(parse_query(text).units) <= LONG_QUERY
            ranked = sorted(found, key=lambda x: (x[2] and tiered, weighted(x[1])), reverse=True)
            hits = engine.search(text, limit=len(found), articles=True, suggest=False).hits
            assert [a for a, _, _ in ranked] == [h.article for h in hits], text
            assert [h.score for h in hits] == [weighted(f) for _, f, _ in ranked]


def test_the_session_cache_drops_the_least_recently_used_past_its_bound():
    from searcher.index import LRUCache

    cache = LRUCache(10, size=len)
    for key in "abc":
        cache.put(key, key * 3)  # 9 of 10 used
    assert cache.get("a") == "aaa"  # now the most recent: b goes first
    cache.put("d", "dd")
    assert "b" not in cache and {"a", "c", "d"} <= {k for k in "abcd" if k in cache}
    assert cache.used == 8 and len(cache) == 3
    cache.put("big", "x" * 11)  # larger than the whole cache: not kept, nothing dropped
    assert "big" not in cache and len(cache) == 3
    cache.put("a", "a")  # replaced: its old size is given back
    assert cache.used == 6
    cache.clear()
    assert cache.used == 0 and len(cache) == 0 and cache.get("a") is None
    counted = LRUCache(2)
    for key in range(3):
        counted.put(key, str(key))
    assert [k for k in range(3) if k in counted] == [1, 2]


def _one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter deleted, inserted, replaced, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def test_terms_one_edit_away_are_every_such_term_of_the_index(seed_index):
    """Lexicon.near (what spelling suggestions read) against a brute-force look at the
    whole vocabulary."""
    _, index = seed_index
    with SearchEngine(index) as engine:
        lexicon = engine.lexicon
        vocabulary = [t for t, _ in lexicon.syllables()]
        assert lexicon.folded_vocabulary()  # the index's file, made for this generation
        probes = ["nghệm", "ninh", "cong", "tinhh", "ann", "xyz", "đồg", "hòa", "an9", "qqqqq"]
        for probe in probes:
            expected = sorted(t for t in vocabulary if _one_edit(probe, t))
            assert lexicon.near("syl", probe) == expected, probe
            assert lexicon.near("syl", probe, marks=False) == sorted(
                t for t in expected if all(ch.isascii() or ch in probe for ch in t)), probe


def test_a_stale_vocabulary_file_is_not_used(seed_index, tmp_path):
    """The folded vocabulary beside an index counts only for the generation it was made
    for: made for another one (a crash between commit and replacement), suggestions look
    terms up in the index itself, and the next update writes it again."""
    corpus, index = seed_index
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    store = IndexStore(copy)
    path = store.vocabulary_path(store.pointer()["name"])
    path.write_text(path.read_text(encoding="utf-8").replace(" ", " 9", 1), encoding="utf-8")
    with SearchEngine(copy) as engine:
        assert engine.lexicon.folded_vocabulary() is None
        assert "nghiệm" in engine.lexicon.near("syl", "nghệm")
    update_index(corpus, store)
    with SearchEngine(copy) as engine:
        assert "nghiem" in engine.lexicon.folded_vocabulary()


@pytest.mark.parametrize("level", ["p", "a"])
def test_what_the_index_lists_for_a_document_is_what_its_text_holds(seed_index, level):
    """The folded syllables the index lists for each paragraph (and article) document are
    those stage two finds in its stored text, split again: so the posting lists can prove a
    one-syllable match without the text being read (see retrieval.Plan.proven)."""
    from searcher.index import ARTICLE_DOC, PARAGRAPH_DOC, SYLLABLE_FIELDS

    _, index = seed_index
    with SearchEngine(index) as engine:
        docs, reader, pr = engine.documents, engine.documents.reader, engine.postings
        exact_field, folded_field = SYLLABLE_FIELDS[level]
        listed: dict[int, set[str]] = {}
        for field, fold in ((exact_field, fold_term), (folded_field, str)):
            for term in reader.field_terms(field):
                for d in pr.docs(field, term):
                    listed.setdefault(d, set()).add(fold(term))
        articles = set(pr.docs("kind", ARTICLE_DOC))
        checked = 0
        for d in range(reader.doc_count_all()):
            if (d in articles) != (level == "a"):
                continue
            if level == "p":
                got = docs.paragraph(d)
                if got is None:
                    continue
                text = set(got[3])
            else:
                text = set(docs.article(pr.article_of(d), None).folded)
            text.discard("")
            assert listed.get(d, set()) == text, d
            checked += 1
        kind = ARTICLE_DOC if level == "a" else PARAGRAPH_DOC
        assert checked == len(pr.docs("kind", kind)) > 0

"""Other spellings of the same words: abbreviations and their expansions (built in and
learned from the articles), `i`/`y` twins. Each matches as the word typed, ranked below it.

The corpus is written for the tests and indexed for real; every query goes through the CLI.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from searcher.analysis.abbreviations import definitions
from searcher.analysis.spellings import iy_twin

from helpers import Searcher, indexed, write_article


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("variants")
    folder = root / "corpus"
    folder.mkdir()
    write_article(folder, "a-typed", [
        "Tin tỉnh nhà",
        "Chủ tịch UBND tỉnh Nghệ An phát biểu tại hội nghị",
        "Các chiến sĩ công an trực đêm",
    ])
    write_article(folder, "b-written-out", [
        "Tin địa phương",
        "Ủy ban nhân dân tỉnh Nghệ An ban hành kế hoạch mới",
        "Hai chiến sỹ biên phòng được khen thưởng",
    ])
    write_article(folder, "c-apart", [
        "Ủy viên ban chấp hành nói về nhân tài và dân số",
        "Tuy vậy, tui vẫn đi làm ở trạm y tế xã",
    ])
    # A short form the table does not know, defined by two articles, used by a third.
    write_article(folder, "d-defines", ["Quỹ bảo hiểm tiền gửi (BHTG) công bố số liệu"])
    write_article(folder, "e-defines", ["BHTG (bảo hiểm tiền gửi) tăng vốn điều lệ"])
    write_article(folder, "f-uses", ["Người gửi tiền được bảo hiểm tiền gửi chi trả đủ"])
    write_article(folder, "g-rare", ["Một lần định nghĩa: hệ thống thông tin địa lý (HTTTĐL)"])
    # Typos in the text: one of many paragraphs spelling the word right.
    write_article(folder, "h-lessons", ["Rút ra bài học kinh nghiệm quý", "Nhiều bài học kinh nghiệm",
                                        "Các bài học kinh nghiệm được chia sẻ", "Trao đổi kinh nghiệm"])
    write_article(folder, "i-typo", ["Tổng kết", "Những bài học kinh nghệm từ thực tiễn"])
    # A short form standing for a run of words found apart in its paragraph too.
    for name, run in (("j-apart", ""), ("k-short", " THPT")):
        write_article(folder, name, ["Lịch thi", f"Học sinh{run} thi tốt nghiệp sớm, trung tâm "
                                                 "văn hóa thông báo lịch học phổ biến"])
    write_article(folder, "l-written", ["Trường trung học phổ thông mở cửa"])
    index = root / "index"
    s = Searcher(folder, index)
    assert s.run("index").exit_code == 0
    return folder, index


def _articles(s: Searcher, query: str, mode: str = "--paragraphs") -> list[tuple[str, int]]:
    data = s.json(query, extra=(mode, "--limit", "50"))
    return [(h["article"], h["paragraph"]) for h in data["hits"]]


def test_an_abbreviation_finds_its_expansion_below_itself(corpus):
    s = Searcher(*corpus)
    assert _articles(s, "UBND tỉnh Nghệ An") == [("a-typed", 1), ("b-written-out", 1)]
    hits = _articles(s, "UBND")
    assert hits == [("a-typed", 1), ("b-written-out", 1)]
    assert ("c-apart", 0) not in hits  # the expansion's words apart are not the expansion


def test_an_expansion_finds_its_abbreviation_below_itself(corpus):
    s = Searcher(*corpus)
    for query in ("Ủy ban nhân dân tỉnh Nghệ An", "uy ban nhan dan tinh nghe an"):
        hits = _articles(s, query)
        assert hits[0] == ("b-written-out", 1), query
        assert ("a-typed", 1) in hits, query
    data = s.json("ủy ban nhân dân", extra=("--paragraphs",))
    assert [h["article"] for h in data["hits"][:1]] == ["b-written-out"]
    # Written out, then abbreviated; the words apart are matched too, ranked last.
    assert [(h["article"], h["paragraph"]) for h in data["hits"]] == [
        ("b-written-out", 1), ("a-typed", 1), ("c-apart", 0)]


def test_a_short_form_joins_the_words_beside_the_run_it_stands_for(corpus):
    # The run's words occur apart in both paragraphs; only one writes the run, as THPT,
    # between the words typed before and after it.
    s = Searcher(*corpus)
    query = "học sinh trung học phổ thông thi tốt nghiệp"
    for mode in ("--articles", "--paragraphs"):
        found = [a for a, _ in _articles(s, query, mode)]
        assert found.index("k-short") < found.index("j-apart"), mode


def test_the_abbreviation_is_highlighted_where_it_stands_for_the_words(corpus):
    s = Searcher(*corpus)
    hit = next(h for h in s.json("ủy ban nhân dân tỉnh", extra=("--paragraphs",))["hits"]
               if h["article"] == "a-typed" and h["paragraph"] == 1)
    assert [hit["text"][a:b] for a, b in hit["highlights"]] == ["UBND tỉnh"]


def test_lowercase_short_forms_but_not_syllables(corpus):
    s = Searcher(*corpus)
    assert ("b-written-out", 1) in _articles(s, "ubnd nghe an")
    assert _articles(s, "tp") == []  # `TP` (thành phố) is nowhere written out here either


def test_i_and_y_spellings_are_one_word_typed_first(corpus):
    s = Searcher(*corpus)
    for query, first, second in (("chiến sĩ", "a-typed", "b-written-out"),
                                 ("chiến sỹ", "b-written-out", "a-typed"),
                                 ("chien si", "a-typed", "b-written-out")):
        hits = [a for a, _ in _articles(s, query)]
        assert hits[:2] == [first, second], query


def test_other_vowels_and_syllable_starts_are_not_twins(corpus):
    s = Searcher(*corpus)
    assert iy_twin("tuy") is None and iy_twin("y") is None and iy_twin("thi") is None
    assert [a for a, _ in _articles(s, "tui vẫn")] == ["c-apart"]
    hits = s.json("i tế", extra=("--paragraphs",))["hits"]
    assert [[h["text"][a:b] for a, b in h["highlights"]] for h in hits] == [["tế"]]


def test_definitions_are_learned_from_the_articles(corpus):
    s = Searcher(*corpus)
    rows = {(r["form"], r["expansion"]): r for r in s.json_of("abbreviations")["abbreviations"]}
    assert rows[("BHTG", "bảo hiểm tiền gửi")]["articles"] == 2
    assert rows[("BHTG", "bảo hiểm tiền gửi")]["used"] is True
    assert rows[("HTTTĐL", "hệ thống thông tin địa lý")] == {
        "form": "HTTTĐL", "expansion": "hệ thống thông tin địa lý", "articles": 1, "used": False,
        "built_in": False}
    assert "f-uses" in [a for a, _ in _articles(s, "BHTG")]
    human = s.run("abbreviations")
    assert human.exit_code == 0
    assert re.search(r"^BHTG +bảo hiểm tiền gửi +2 articles$", human.output, re.M)
    assert re.search(r"^HTTTĐL +hệ thống thông tin địa lý +1 article +\(not used", human.output, re.M)


def test_learned_definitions_follow_updates(corpus, tmp_path):
    folder, _ = corpus
    copy = tmp_path / "corpus"
    copy.mkdir()
    for f in folder.glob("*.txt"):
        (copy / f.name).write_bytes(f.read_bytes())
    s = Searcher(copy, tmp_path / "index")
    assert s.run("index").exit_code == 0
    (copy / "e-defines.txt").unlink()
    assert s.run("index").exit_code == 0
    rows = {(r["form"], r["expansion"]): r for r in s.json_of("abbreviations")["abbreviations"]}
    assert rows[("BHTG", "bảo hiểm tiền gửi")]["articles"] == 1
    assert "f-uses" not in [a for a, _ in _articles(s, "BHTG")]


def test_definitions_in_text():
    found = definitions(["Chế độ bảo hiểm xã hội (BHXH) mới",
                         "Sở GD&ĐT (Giáo dục và Đào tạo) tỉnh",
                         "Ủy ban MTTQ tỉnh và Mặt trận Tổ quốc huyện",
                         "Điều (3) và khoản (a) không định nghĩa gì (ABC)"])
    assert {(d.form, d.expansion) for d in found} == {
        ("BHXH", "bảo hiểm xã hội"), ("GD&ĐT", "giáo dục và đào tạo"), ("MTTQ", "mặt trận tổ quốc")}


def test_analyze_shows_the_alternatives():
    s = Searcher(Path(), Path())
    data = s.json_of("analyze", "UBND TP.HCM chiến sỹ an ninh Tổ quốc")
    assert [(a["text"], a["kind"], a["spellings"]) for a in data["alternatives"]] == [
        ("UBND", "abbreviation", ["ủy ban nhân dân"]),
        ("TP.HCM", "abbreviation", ["thành phố hồ chí minh"]),
        ("sỹ", "i/y", ["sĩ"]),
        ("an ninh Tổ quốc", "abbreviation", ["ANTQ"]),
    ]


def test_a_typo_in_the_text_is_found_below_the_word_spelled_right(corpus):
    s = Searcher(*corpus)
    hits = _articles(s, "bài học kinh nghiệm")
    assert hits[-1] == ("i-typo", 1)
    assert [a for a, _ in hits[:-1]] == ["h-lessons"] * 3
    hit = s.json("bài học kinh nghiệm", extra=("--paragraphs",))["hits"][-1]
    assert [hit["text"][a:b] for a, b in hit["highlights"]] == ["bài học kinh nghệm"]


def test_a_typo_in_the_query_finds_the_word_and_names_it(corpus):
    s = Searcher(*corpus)
    data = s.json("bài học kinh nghiêmm", extra=("--paragraphs",))
    assert [h["article"] for h in data["hits"][:3]] == ["h-lessons"] * 3
    assert data["suggestion"] == "bài học kinh nghiệm"


@pytest.fixture(scope="module")
def neighbours(tmp_path_factory) -> Searcher:
    """`nghệ` in many articles, `nghiệm` in one, beside `kinh`; `mới` beside `camera an
    ninh` where `mọi` never is."""
    folder = tmp_path_factory.mktemp("neighbours") / "corpus"
    folder.mkdir()
    for i in range(6):
        write_article(folder, f"nghe-{i}", [f"Tin Nghệ An số {i}", f"Nghệ An có nghề dệt số {i}"])
    write_article(folder, "lessons", ["Bài học", "Đây là bài học kinh nghiệm quý"])
    for i in range(3):
        write_article(folder, f"camera-{i}", [f"Tin {i}", f"Lắp camera an ninh mới ở phố {i}"])
    return indexed(folder)


def test_an_unknown_word_is_taken_for_the_neighbour_written_beside_its_words(neighbours):
    """`nghệm` is one edit from the common `nghệ` and the rare `nghiệm`; after `kinh`, the
    index has only `nghiệm`."""
    data = neighbours.json("bài học kinh nghệm", extra=("--paragraphs",))
    assert data["hits"][0]["article"] == "lessons"
    assert "nghe" not in {h["article"].split("-")[0] for h in data["hits"]}
    assert data["suggestion"] == "bài học kinh nghiệm"


def test_a_corrected_query_keeps_the_marks_typed(neighbours):
    """Only the corrected word takes marks from the texts: `mọi` stays though the texts
    write `mới` there."""
    data = neighbours.json("mọi camera an nnh")
    assert data["suggestion"] == "mọi camera an ninh"
    assert neighbours.json("moi camera an nnh")["suggestion"] == "mới camera an ninh"


@pytest.fixture(scope="module")
def apart(tmp_path_factory) -> Searcher:
    """Paragraphs holding a short query's words apart, and others holding them apart too
    but also as one run in another spelling (`CAND`, `chiến sỹ`)."""
    folder = tmp_path_factory.mktemp("apart") / "corpus"
    folder.mkdir()
    write_article(folder, "a-apart", ["Tin", "Công nhân ở An Giang có dân số đông, công an nói.",
                                      "Chiến dịch của bác sĩ và y tá."])
    write_article(folder, "b-short", ["Tin", "Hội Cựu CAND, công an tỉnh, thăm an dưỡng.",
                                      "Các chiến sỹ và bác sĩ tham gia chiến dịch."])
    return indexed(folder)


def test_a_run_in_another_spelling_ranks_above_the_words_apart(apart):
    """`CAND` stands for `Công an nhân dân`, `chiến sỹ` is `chiến sĩ`: the paragraph
    holding the run so spelled comes first, though it holds the typed words apart as well
    (so the words' best matches are apart there too)."""
    for query in ("Công an nhân dân", "chiến sĩ"):
        for mode in ("--paragraphs", "--articles"):
            assert [a for a, _ in _articles(apart, query, mode)][:1] == ["b-short"], (query, mode)


@pytest.fixture(scope="module")
def one_spelling(tmp_path_factory) -> Searcher:
    """Texts writing `kỷ niệm` (never `kỉ`), `ANTT` (never `trật tự`), `cựu`, `to`, `thế`,
    `THPT` and `NATO`, and neither `Lưu` nor `TP.HCM`."""
    folder = tmp_path_factory.mktemp("one-spelling") / "corpus"
    folder.mkdir()
    for i in range(3):
        write_article(folder, f"k-{i}", [f"Tin {i}", f"Lễ kỷ niệm 50 năm, Hội Cựu chiến binh số {i}",
                                         f"Bảo đảm ANTT, căn nhà to số {i}",
                                         f"Thi THPT thế nào, NATO số {i}"])
    return indexed(folder)


def test_another_spelling_the_index_holds_is_no_typo(one_spelling):
    """A word whose `i`/`y` twin or abbreviation the texts hold matches through it; the
    suggestion leaves it as typed, or gives the twin its marks when the query has none."""
    for query, found, suggestion in (("kỉ niệm 50 năm", 3, None), ("ki niem", 3, "kỷ niệm"),
                                     ("an ninh trật tự", 3, None), ("an ninh trat tu", 3, None)):
        data = one_spelling.json(query, extra=("--paragraphs",))
        assert (data["total"], data["suggestion"]) == (found, suggestion), query


def test_a_code_is_corrected_to_a_code_and_a_marked_word_keeps_marks(one_spelling):
    """`TP` is one edit from the syllable `to`, `THP` from `thế` and `THPT`, `NTO` from `to`
    and `NATO`, and `luu` from `cuu` (`Cựu`): a code is offered a code with a letter more,
    a word typed with marks never a neighbour without them, and numbers nothing."""
    for query, suggestion in (("TP.HCM", None), ("Lưu", None), ("thi THP", "thi THPT"),
                              ("số NTO", "số NATO"), ("kỷ niệm 51 năm", None)):
        data = one_spelling.json(query, extra=("--paragraphs",))
        assert data["suggestion"] == suggestion, query


@pytest.fixture(scope="module")
def slips(tmp_path_factory) -> Searcher:
    """`nguyên nhân` and `dưới nước` beside many `nhà` and `dùi`."""
    folder = tmp_path_factory.mktemp("slips") / "corpus"
    folder.mkdir()
    write_article(folder, "cause", ["Cá chết", "Tìm nguyên nhân cá chết hàng loạt"])
    write_article(folder, "under", ["Lặn", "Lặn sâu dưới nước để tìm"])
    for i in range(4):
        write_article(folder, f"house-{i}", [f"Nhà {i}", f"Nhà nguyên căn, tìm cá chết trong nhà số {i}",
                                             f"Dùi trống số {i}, lặn sâu vào nước"])
    return indexed(folder)


def test_a_word_typed_with_marks_the_index_never_writes_takes_its_neighbour(slips):
    """`nhâ` and `dưi` are typed with marks the index never writes (it holds `nhà`,
    `dùi`): each also matches the neighbour written beside the words around it, and the
    suggestion names it."""
    for query, found, suggestion in (("tìm nguyên nhâ cá chết", ["cause"], "tìm nguyên nhân cá chết"),
                                     ("lặn sâu dưi nước", ["under"], "lặn sâu dưới nước")):
        data = slips.json(query, extra=("--paragraphs",))
        assert [h["article"] for h in data["hits"]][:len(found)] == found, query
        assert data["suggestion"] == suggestion, query


def test_a_marked_word_takes_no_unmarked_foreign_word_for_a_slip(tmp_path):
    """`yang` is one edit from `vang`, rare and no Vietnamese syllable, like the texts'
    slips a short query also matches (`nghệm`); but it is written without marks, so it is
    a name, not a slip of `vàng`."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(5):
        write_article(corpus, f"gold-{i}", [f"Tin {i}", f"Giá vàng tăng số {i}"])
    write_article(corpus, "name", ["Tin", "Ông Yang nói về giá dầu"])
    s = indexed(corpus)
    assert "name" not in {h["article"] for h in s.json("giá vàng", extra=("--paragraphs",))["hits"]}
    assert s.json("giá vàng")["total"] == 5


def test_codes_numbers_short_and_long_words_have_no_typos(corpus):
    from searcher.search import SearchEngine
    from searcher.search.variants import TYPO

    _, index = corpus
    with SearchEngine(index) as engine:
        for text in ("UBNDD", "20244", "nghiệm2", "ưg", "a" * 10_000):
            q = engine.prepare_query(text)
            assert not [c for u in q.units for c in u.alternatives if c.variant == TYPO], text


@pytest.mark.parametrize("query", [
    "UBND TỈNH NGHỆ AN BAN HÀNH KẾ HOẠCH", "coong an UBND tỉnh", "iPhone COVID-19 UBND",
    "TP.HCM TPHCM TP HCM", "ủy ban nhân dân ủy ban nhân dân", "sỹ sĩ sy si", "ANTQ OR CAND",
    '"ủy ban nhân dân" -UBND', "ubndd nghiêmmm kinhh", "A B C D E F G H", "&&& ... ---",
])
def test_odd_queries_answer_in_one_piece(corpus, query):
    s = Searcher(*corpus)
    for mode in ("--articles", "--paragraphs"):
        result = s.run("search", "--json", mode, query)
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
    human = s.run("search", query)
    assert human.exit_code in (0, 1) and "Traceback" not in human.output

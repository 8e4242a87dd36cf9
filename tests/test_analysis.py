"""The Vietnamese analyzer: normalization, syllables, compounds, folding, Whoosh pickling."""
from __future__ import annotations

import json
import pickle
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from click.testing import CliRunner

from searcher.analysis import (
    VietnameseTokenizer, analyze, syllable_analyzer, syllable_units, word_analyzer, word_spans,
)
from searcher.ui.cli import cli
from searcher.analysis import fold_term, normalize_term

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Vietnamese letters with every tone, in both placements, plus the traps.
_VI_LETTERS = "aăâeêioôơuưyđqgh" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
vi_text = st.text(alphabet=st.sampled_from(list(_VI_LETTERS + " .,-/0123456789ĐÂ\u00a0\u200b\u0301\u0323")),
                  max_size=60)
any_text = st.one_of(st.text(max_size=200), vi_text)


@given(any_text)
@settings(max_examples=300, deadline=None)
def test_offsets_slice_to_surface_and_terms_are_stable(text):
    for tok in analyze(text):
        assert text[tok.start:tok.end] == tok.text
        assert tok.term == normalize_term(tok.term) or "_" in tok.term
        assert tok.folded.isascii()
        assert tok.term


@given(any_text)
@settings(max_examples=300, deadline=None)
def test_normalization_is_idempotent(text):
    once = normalize_term(text)
    assert normalize_term(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert fold_term(once).isascii()


@pytest.mark.parametrize("variants", [
    ("hoà", "hòa", "HOÀ", "Hòa", "ho\u0300a", "hoa\u0300"),
    ("thuỷ", "thủy", "THỦY"),
    ("uý", "úy"),
    ("quả", "qủa"),
    ("hoạt", "họat"),
    ("khoẻ", "khỏe"),
    ("Thuỳ", "Thùy"),
    ("nghệ", "Ngh\u200bệ", "NGHỆ", unicodedata.normalize("NFD", "Nghệ")),
    ("đức", "ĐỨC", "Đức"),
])
def test_every_spelling_variant_gives_one_term(variants):
    assert len({normalize_term(v) for v in variants}) == 1


def test_tone_placement_follows_the_nucleus_not_a_word_list():
    # Tone on the modified vowel, on the second vowel before a final consonant, on the
    # first of a falling diphthong, and `qu`/`gi` belong to the initial.
    cases = {"ngừơi": "người", "múa": "múa", "mìa": "mìa", "tóan": "toán", "gía": "giá",
             "qúy": "quý", "khủyu": "khuỷu", "thủơ": "thuở", "ngóai": "ngoái", "gìn": "gìn"}
    for given_form, expected in cases.items():
        assert normalize_term(given_form) == expected, given_form


def test_folding_removes_marks_and_d():
    assert fold_term(normalize_term("Đường Nguyễn Thị Minh Khai")) == "duong nguyen thi minh khai"
    assert fold_term("đ") == "d"
    assert fold_term("nghệ") == "nghe"


def _words(text):
    return {t.term for t in analyze(text) if t.kind == "word"}


def test_golden_compounds_from_the_seeds():
    text = (SEEDS / "000_18ff46b963d0eb4c.txt").read_text(encoding="utf-8")
    words = _words(text)
    for expected in ("công_an", "nghệ_an", "hội_nghị"):
        assert expected in words
    text1 = (SEEDS / "001_4a8ed78d953e807b.txt").read_text(encoding="utf-8")
    assert "an_ninh" in _words(text1)
    # `Công an ... Ninh Bình` is not the word `an ninh`.
    assert "an_ninh" not in _words("Công an tỉnh Ninh Bình")


def test_byline_spellings_give_identical_terms():
    a = [(t.kind, t.term, t.folded) for t in analyze("Thuỳ Dương")]
    b = [(t.kind, t.term, t.folded) for t in analyze("Thùy Dương")]
    assert a == b
    assert ("word", "thuỳ_dương", "thuy_duong") in a


@pytest.mark.parametrize("whole", ["114.924", "3.000", "2022-2026", "24/5", "16/6/1967",
                                   "COVID-19", "TP.HCM", "09/CTr-BCA-MTTW", "ban@cand.vn",
                                   "https://cand.com.vn/tin-tuc"])
def test_numbers_codes_and_addresses_stay_whole(whole):
    text = f"Theo {whole}, ông nói"
    terms = {t.term for t in analyze(text)}
    assert normalize_term(whole) in terms


def test_code_parts_are_findable():
    syl = [u.surface for u in syllable_units("Dịch COVID-19 tại TP.HCM")]
    assert syl == ["Dịch", "COVID", "19", "tại", "TP", "HCM"]


@pytest.mark.parametrize("text", ["", "   ", "...!!!", "😀🎉", "中文 русский عربى",
                                  "\u0301\u0301", unicodedata.normalize("NFD", "Công an Nghệ An"),
                                  "\x00\x1b[2J\x07", "a" * 1_000_000, "Hội nghị " * 20_000])
def test_bad_input_gives_a_valid_stream(text):
    tokens = analyze(text)
    for tok in tokens:
        assert text[tok.start:tok.end] == tok.text


def test_nfd_input_gives_nfc_terms_with_original_offsets():
    text = unicodedata.normalize("NFD", "Công an Nghệ An")
    toks = analyze(text)
    assert {"công_an", "nghệ_an"} <= {t.term for t in toks}
    assert all(text[t.start:t.end] == t.text for t in toks)


def test_whoosh_analyzers_pickle_and_yield_positions_and_offsets():
    text = "Lễ ký kết giữa Công an tỉnh Nghệ An"
    for analyzer in (syllable_analyzer(), syllable_analyzer(True), word_analyzer(), word_analyzer(True)):
        clone = pickle.loads(pickle.dumps(analyzer))
        got = [(t.text, t.pos, t.startchar, t.endchar) for t in clone(text, positions=True, chars=True)]
        want = [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]
        assert got == want and got
    syl = [(t.text, t.pos) for t in syllable_analyzer(True)(text, positions=True)]
    assert syl[4:6] == [("cong", 4), ("an", 5)]
    words = [t.text for t in word_analyzer()(text)]
    assert words == ["ký_kết", "công_an", "nghệ_an"]
    for t in word_analyzer()(text, chars=True):
        assert "_".join(text[t.startchar:t.endchar].split()).lower() == t.text


def test_tokenizer_rejects_unknown_unit():
    with pytest.raises(ValueError):
        VietnameseTokenizer("sentence")


def test_analyze_command_json_and_text():
    runner = CliRunner()
    result = runner.invoke(cli, ["analyze", "--json", "Công an tỉnh Nghệ An"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["tokens"][0] == {"text": "Công an", "start": 0, "end": 7, "kind": "word",
                                 "term": "công_an", "folded": "cong_an"}
    assert data["tokens"][1]["kind"] == "syllable" and data["tokens"][1]["term"] == "công"
    plain = runner.invoke(cli, ["analyze", "hoà bình"])
    assert plain.exit_code == 0 and "hoà" in plain.output


def test_analyze_never_echoes_control_sequences():
    result = CliRunner().invoke(cli, ["analyze", "tin\x1b]52;c;ZXZpbA==\x07 mới"])
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_word_spans_cover_whole_syllables():
    text = "Giám đốc Công an tỉnh Hà Tĩnh"
    for w in word_spans(text):
        assert text[w.start:w.end].split() == list(w.syllables)


@given(st.text(alphabet=st.sampled_from(list("aăâbcdđeêoôơuưy AĐƠ09.,-/:@_()\u0301\u0323\u00a0\u200b\n\t\x1c|")),
               max_size=80))
@settings(max_examples=300, deadline=None)
def test_syllable_surfaces_and_spans_are_the_syllable_stream(text):
    """The fast scans that re-ranking (surfaces) and highlighting (spans) use give what the
    analyzer's syllable stream holds."""
    from searcher.analysis import syllable_spans, syllable_surfaces

    units = syllable_units(text)
    assert syllable_surfaces(text) == [u.surface for u in units]
    assert syllable_spans(text) == [(u.start, u.end) for u in units]
    for n in (1, len(units) // 2, len(units)):  # a scan stopped early: the same first spans
        assert syllable_spans(text, n)[:n] == syllable_spans(text)[:n]


@given(st.text(alphabet=st.sampled_from(list("aăâbcdđeêoôơuưy AĐƠ09.,-/:&_()>=\u0301\u0323\u00a0\u200b\n\t\x1c|")),
               max_size=80))
@settings(max_examples=300, deadline=None)
def test_units_token_by_token_are_the_units_of_one_scan(text):
    """Scanning token by token (the fast path, for text without addresses) gives what one
    scan of the whole text with the full pattern gives; `A://0` may be an address."""
    from searcher.analysis import scan_units, split_units

    assert list(split_units(text)) == list(scan_units(text))


@given(st.text(alphabet=st.sampled_from(list("aăâbcdđeêoôơuưy AĐƠ09.,-/:&@_()>=\u0301\u0323\u00a0\u200b\n\t\x1c|")),
               max_size=80))
@settings(max_examples=300, deadline=None)
def test_unit_kinds_are_the_units_without_offsets(text):
    from searcher.analysis import split_units, unit_kinds

    assert unit_kinds(text) == [(u.surface, u.kind) for u in split_units(text)]

"""Queries typed as Telex or VNI key strokes with the input method off: decoded, searched as
meant, said so, and searchable as typed."""
from __future__ import annotations

import re

import pytest

from searcher.analysis import normalize_term
from searcher.analysis.keystrokes import decode_telex, decode_vni, encode

from helpers import SEEDS, run_repl

DECODERS = {"telex": decode_telex, "vni": decode_vni}


def _seed_words() -> set[str]:
    text = " ".join(f.read_text(encoding="utf-8") for f in SEEDS.glob("*.txt"))
    return {w for w in re.findall(r"[^\W\d_]+", text) if not w.isascii() and not w.isupper()}


@pytest.mark.parametrize("scheme", ["telex", "vni"])
def test_every_marked_word_of_the_seeds_decodes_from_its_key_strokes(scheme):
    words = _seed_words()
    assert len(words) > 300
    wrong = {w: DECODERS[scheme](encode(w, scheme).lower()) for w in words
             if DECODERS[scheme](encode(w, scheme).lower()) != normalize_term(w)}
    assert not wrong


def test_words_without_key_strokes_and_numbers_do_not_decode():
    for word in ("an", "nghe", "iphone", "2024", "h5n1", "u23", "mp3"):
        assert decode_telex(word) is None and decode_vni(word) is None, word


@pytest.mark.parametrize("typed", ["coong an ngheej an", "co6ng an nghe65 an", "Coong an tinhr Ngheej An"])
def test_key_strokes_are_searched_as_the_marked_query(seeds, typed):
    meant = seeds.json("công an tỉnh nghệ an" if "tinhr" in typed else "công an nghệ an")
    got = seeds.json(typed)
    assert got["typed_as"] == ("VNI" if "6" in typed else "Telex")
    assert got["interpreted"].lower() == meant["query"]
    assert [(h["article"], h["paragraph"]) for h in got["hits"]] == \
        [(h["article"], h["paragraph"]) for h in meant["hits"]]
    literal = seeds.json(typed, extra=("--literal",))
    assert literal["interpreted"] is None and literal["typed_as"] is None
    human = seeds.run("search", typed)
    assert f"(typed as {got['typed_as']}; --literal searches as typed)" in human.stdout


@pytest.mark.parametrize("typed", ["COVID-19", "iPhone Windows", "cong an nghe an", "Công an tỉnh"])
def test_codes_english_and_plain_queries_are_left_as_typed(seeds, typed):
    assert seeds.json(typed)["interpreted"] is None


def test_the_repl_says_so_and_searches_as_typed_on_request(seed_index):
    out, _ = run_repl(seed_index, "coong an ngheej an\n:literal\n:quit\n")
    assert "searched for: công an nghệ an (typed as Telex; :literal searches as typed)" in out
    assert out.count("searched for:") == 1


def test_punctuation_after_key_strokes_and_filters_are_kept(seeds):
    got = seeds.json("Coong an: ngheej an, date:2017..2024")
    assert got["interpreted"] == "Công an: nghệ an, date:2017..2024" and got["typed_as"] == "Telex"

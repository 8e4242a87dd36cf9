"""Hypothesis strategies for hostile queries (shared by the tests and scripts/fuzz_queries.py)."""
from __future__ import annotations

from hypothesis import strategies as st

WORDS = ["công", "an", "Nghệ", "An", "nghe", "hoà", "hòa", "Thùy", "Dương", "gia", "lai", "ANTQ",
         "COVID-19", "09/CTr-BCA-MTTW", "3.000", "OR", "or", "AND", "NOT", "-", "--", '"', "'",
         ":", "::", "date:", "date:2024", "date:2017..2020", "date:9999-99-99", "date:..",
         "article:", "article:000_18ff46b963d0eb4c", "title:", 'title:"an ninh', "*", "?", "(",
         ")", "\\", "\x00", "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "\u200b", "\u0301", "😀", "中文",
         "-\"Công an\"", "\"phong trào", "toàn dân\""]

tokens = st.one_of(st.sampled_from(WORDS), st.text(max_size=12))
structured = st.lists(tokens, max_size=12).map(" ".join)
queries = st.one_of(
    structured,
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.integers(min_value=2_000, max_value=10_000).map(lambda n: ("công an " * n)[:n]),
    st.just("\x00" * 50),
)

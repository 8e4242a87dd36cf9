"""The index schema: one article document and one document per paragraph, their fields."""
from __future__ import annotations

from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.formats import Existence

from ..analysis import pair_analyzer, syllable_analyzer, word_analyzer

SCHEMA_VERSION = 7

# Document kinds: one article document (metadata) and one document per paragraph.
ARTICLE_DOC, PARAGRAPH_DOC = "a", "p"


def _existence(field):
    """Only which documents hold a term: for article-level document frequencies."""
    field.format = Existence(field_boost=field.format.field_boost)
    return field


def make_schema() -> Schema:
    """Paragraph documents carry the text fields; article documents carry the metadata and
    the set of the article's syllables (`asyl`, `asylf`), for article-level ranking (its
    bigrams are counted in a sketch beside: :mod:`searcher.index.bigrams`)."""
    return Schema(
        kind=ID,                             # ARTICLE_DOC or PARAGRAPH_DOC
        article=ID(sortable=True),           # a column: document -> article, cheaply
        para=STORED,
        date=ID,                             # YYYY-MM[-DD]: prefix and range filters
        text=STORED,                         # the paragraph exactly as in the file
        meta=STORED,                         # article docs: title, date, byline, fingerprint...
        # Exact syllables; folded syllables only where folding changes them (a folded query
        # term is looked up in both); compounds folded, since syllables carry the accents.
        syl=TEXT(analyzer=syllable_analyzer(), phrase=False),
        sylf=TEXT(analyzer=syllable_analyzer(folded=True, changed_only=True), phrase=False),
        wordf=TEXT(analyzer=word_analyzer(folded=True), phrase=False),
        # Folded pairs of consecutive capitalized syllables (`Thanh Hóa`), by hash
        # bucket: which paragraphs may hold a name, without positions.
        pairf=_existence(TEXT(analyzer=pair_analyzer(), phrase=False)),
        asyl=_existence(TEXT(analyzer=syllable_analyzer(), phrase=False)),
        asylf=_existence(TEXT(analyzer=syllable_analyzer(folded=True, changed_only=True),
                              phrase=False)),
        # The abbreviations the article defines, `FORM<TAB>expansion` (see
        # searcher.analysis.abbreviations): how many articles define each, kept as the
        # index is.
        abbr=_existence(TEXT(analyzer=RegexTokenizer(r"[^\n]+"), phrase=False)),
    )


# Fields holding exact and folded syllables, of paragraph ("p") and article ("a") documents.
SYLLABLE_FIELDS = {"p": ("syl", "sylf"), "a": ("asyl", "asylf")}

"""Query -> ranked hits -> snippets, over an open index.

:mod:`.query` (the query language), :mod:`.engine` (the facade, :class:`SearchEngine`),
:mod:`.retrieval` (stage one), :mod:`.paragraphs` and :mod:`.articles` (stage two),
:mod:`.matching`, :mod:`.scoring` and :mod:`.features` (how a text answers a query),
:mod:`.documents` (stored text, kept for the session), :mod:`.highlight` and
:mod:`.snippets` (what is shown of a hit), :mod:`.suggest` (did you mean), :mod:`.results`;
:mod:`.keystrokes` (Telex, VNI) and :mod:`.variants` (other spellings) rewrite queries.
"""
from .engine import SearchEngine
from .features import ARTICLE_WEIGHTS, ArticleFeatures
from .highlight import highlight_spans, query_spans
from .matching import ParagraphTerms
from .query import ParsedQuery, parse_query
from .scoring import LONG_QUERY
from .results import Hit, SearchResult
from .snippets import Snippet, make_snippet
from .variants import abbreviation_table

__all__ = [
    "SearchEngine", "ARTICLE_WEIGHTS", "ArticleFeatures", "highlight_spans", "query_spans",
    "ParagraphTerms", "LONG_QUERY", "ParsedQuery", "parse_query", "Hit", "SearchResult",
    "Snippet", "make_snippet", "abbreviation_table",
]

"""Text -> analyzed tokens: syllables with exact offsets, normalized and folded terms,
compound words from pyvi's CRF model, and the Whoosh tokenizer and filters over them.

Modules, in the order text flows through them: :mod:`.syllables` (units with offsets),
:mod:`.normalize` (one spelling per syllable, its fold), :mod:`.segment` (compounds),
:mod:`.tokens` (the two token streams and the terms the index gets), :mod:`.filters` (Whoosh),
:mod:`.explain` (`searcher analyze`); beside the flow, :mod:`.abbreviations` and
:mod:`.spellings` (other spellings of the same words) and :mod:`.keystrokes` (Telex, VNI).
"""
from .filters import (FoldFilter, NormalizeFilter, PairFilter, VietnameseTokenizer, pair_analyzer,
                      syllable_analyzer, word_analyzer)
from .normalize import TERM_CACHE, clean, fold_surface, fold_term, normalize_term
from .segment import SegmenterError, dictionary_syllables, get_segmenter
from .syllables import (CODE, NUMBER, PUNCT, SYLLABLE, TextUnit, code_parts, scan_units, split_units,
                        syllable_spans, syllable_surfaces, unit_kinds)
from .tokens import (JOINER, WORD, IndexTerms, WordSpan, fold_joined, folded_index_term, index_terms,
                     normalize_joined, pair_term, segmentation_form, syllable_units, word_spans)



def __getattr__(name: str):
    """`searcher analyze`'s explanation, loaded on first use (searching never needs it)."""
    if name in ("AnalyzedToken", "Alternative", "alternatives", "analyze"):
        from . import explain

        return getattr(explain, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AnalyzedToken", "Alternative", "alternatives", "analyze",
    "FoldFilter", "NormalizeFilter", "PairFilter", "VietnameseTokenizer", "pair_analyzer",
    "syllable_analyzer", "word_analyzer",
    "TERM_CACHE", "clean", "fold_surface", "fold_term", "normalize_term",
    "SegmenterError", "dictionary_syllables", "get_segmenter",
    "CODE", "NUMBER", "PUNCT", "SYLLABLE", "TextUnit", "code_parts", "scan_units", "split_units",
    "syllable_spans", "syllable_surfaces", "unit_kinds",
    "JOINER", "WORD", "IndexTerms", "WordSpan", "fold_joined", "folded_index_term", "index_terms",
    "normalize_joined", "pair_term", "segmentation_form", "syllable_units", "word_spans",
]

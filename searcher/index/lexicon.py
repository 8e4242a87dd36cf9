"""What the index knows of words: document frequencies, its vocabulary of syllables and
compounds, terms near a misspelling. Ranking, suggestions and completion read it here, not
from Whoosh's reader."""
from __future__ import annotations

from typing import Iterator

from .postings import PostingReader
from .schema import SYLLABLE_FIELDS


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


class Lexicon:
    """The terms of one open index reader."""

    def __init__(self, reader, postings: PostingReader):
        self.reader = reader
        self.postings = postings

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents holding ``term`` in ``field`` (0 when none)."""
        return self.postings.doc_frequency(field, term)

    def folded_df(self, folded: str, level: str = "p") -> int:
        """Paragraph (``level`` "p") or article ("a") documents holding a folded syllable in
        any spelling: the exact field holds the syllables folding leaves as they are, the
        folded field the others."""
        exact_field, folded_field = SYLLABLE_FIELDS[level]
        return self.postings.doc_frequency(exact_field, folded) + self.postings.doc_frequency(folded_field, folded)

    def syllables(self) -> Iterator[tuple[str, int]]:
        """Every exact syllable with its paragraph count."""
        for term, info in self.reader.iter_field("syl"):
            yield _text(term), info.doc_frequency()

    def compounds(self) -> Iterator[tuple[str, int]]:
        """Every folded compound (`nghe_an`) with its paragraph count."""
        for term, info in self.reader.iter_field("wordf"):
            yield _text(term), info.doc_frequency()

    def articles_under(self, folder: str) -> list[str]:
        """The ids of the articles under a folder of the corpus."""
        prefix = folder.strip("/") + "/"
        return [_text(t) for t in self.reader.expand_prefix("article", prefix)]

    def folders(self) -> list[str]:
        """Every folder of the corpus that holds articles (at any depth), sorted."""
        found: set[str] = set()
        for term in self.reader.lexicon("article"):
            parts = _text(term).split("/")[:-1]
            found.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        return sorted(found)

    def near(self, field: str, term: str, distance: int) -> list[str]:
        """Terms of ``field`` within ``distance`` edits of ``term``."""
        try:
            return [_text(t) for t in self.reader.terms_within(field, term, distance)]
        except Exception:  # Whoosh's automata fail on some characters: nothing near then
            return []

    def compound_paragraphs(self, compound: str, limit: int) -> list[str]:
        """The text of up to ``limit`` paragraphs holding a folded compound."""
        docs = self.postings.docs("wordf", compound)[:limit]
        return [self.reader.stored_fields(d).get("text") or "" for d in docs]

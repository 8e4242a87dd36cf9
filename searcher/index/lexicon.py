"""What the index knows of words: document frequencies, its vocabulary of syllables and
compounds, terms near a misspelling. Ranking, suggestions and completion read it here, not
from Whoosh's reader."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..analysis import fold_term
from . import vocabulary
from .postings import PostingReader
from .schema import SYLLABLE_FIELDS


_ASCII = "abcdefghijklmnopqrstuvwxyz0123456789"
_VIETNAMESE = _ASCII + ("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")


def _edits(term: str, marks: bool) -> set[str]:
    """Every string one edit from ``term``, over Vietnamese letters (with their marks, or
    without ``marks`` plain ones), digits and the term's own letters."""
    letters = set(_VIETNAMESE if marks else _ASCII) | set(term)
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(term)
    out.discard("")
    return out


def _text(term) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def folded_syllables(reader) -> set[str]:
    """Every syllable of a reader's paragraph fields, folded: what its vocabulary file
    holds (see :mod:`.vocabulary`)."""
    exact_field, folded_field = SYLLABLE_FIELDS["p"]
    out = {fold_term(_text(t)) for t in reader.lexicon(exact_field)}
    out.update(_text(t) for t in reader.lexicon(folded_field))
    return out


class Lexicon:
    """The terms of one open index reader."""

    def __init__(self, reader, postings: PostingReader,
                 vocabularies: list[tuple[Path, int]] | None = None):
        """``vocabularies``: the index's folded vocabulary files (see :mod:`.vocabulary`;
        one per shard) with the generation each must be made for."""
        self.reader = reader
        self.postings = postings
        self._vocabularies = vocabularies or []
        self._vocabulary: frozenset[str] | None = None
        self._vocabulary_read = not self._vocabularies

    def folded_vocabulary(self) -> frozenset[str] | None:
        """Every folded syllable of the index, or None when a file is missing or stale."""
        if not self._vocabulary_read:
            self._vocabulary_read = True
            parts = [vocabulary.load(path, generation) for path, generation in self._vocabularies]
            if all(p is not None for p in parts):
                self._vocabulary = parts[0] if len(parts) == 1 else frozenset().union(*parts)
        return self._vocabulary

    def doc_frequency(self, field: str, term: str) -> int:
        """Documents holding ``term`` in ``field`` (0 when none)."""
        return self.postings.doc_frequency(field, term)

    def folded_df(self, folded: str, level: str = "p") -> int:
        """Paragraph (``level`` "p") or article ("a") documents holding a folded syllable in
        any spelling: the exact field holds the syllables folding leaves as they are, the
        folded field the others."""
        exact_field, folded_field = SYLLABLE_FIELDS[level]
        return self.postings.doc_frequency(exact_field, folded) + self.postings.doc_frequency(folded_field, folded)

    def folded_neighbors(self, folded: str) -> list[tuple[str, int]]:
        """The folded syllables of the index one edit of plain letters from ``folded``, with
        their paragraph counts (see :meth:`folded_df`), in the vocabulary's memory when it
        is current."""
        known = self.folded_vocabulary()
        candidates = _edits(folded, False)
        if known is not None:
            candidates = candidates & known
        found = [(c, self.folded_df(c)) for c in sorted(candidates)]
        return [(c, df) for c, df in found if df]

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

    def near(self, field: str, term: str, marks: bool = True) -> list[str]:
        """Terms of ``field`` one edit (a letter deleted, inserted, replaced, or two
        swapped) from ``term``; without ``marks``, only edits with plain letters. The edits
        are made and looked up one by one (walking the lexicon with Whoosh's automaton took
        a second on a small index); with the folded vocabulary in memory, only those whose
        folded form the index holds are looked up."""
        reader = self.reader
        candidates = _edits(term, marks)
        known = self.folded_vocabulary()
        if known is not None:
            if all(ch in _VIETNAMESE for ch in term):  # folding maps letter to letter here
                base = fold_term(term)
                if base not in known and not any(f in known for f in _edits(base, False)):
                    return []
            candidates = {c for c in candidates if (c if c.isascii() else fold_term(c)) in known}
        found = []
        for candidate in candidates:
            try:
                if (field, candidate) in reader:
                    found.append(candidate)
            except Exception:  # a term Whoosh cannot encode: not in the index
                continue
        return sorted(found)

    def definitions(self) -> list[tuple[str, str, int]]:
        """The abbreviations the index's articles define (see
        :mod:`searcher.analysis.abbreviations`): (short form as written, expansion, how
        many articles define it), the most defined first."""
        reader = self.reader
        deleted = reader.is_deleted if reader.has_deletions() else None
        out = []
        for term in reader.lexicon("abbr") if "abbr" in reader.schema else ():
            text = _text(term)
            if deleted is None:  # the term's count is its documents'
                n = self.postings.doc_frequency("abbr", text)
            else:
                n = sum(1 for d in self.postings.docs("abbr", text) if not deleted(d))
            form, _, expansion = text.partition("\t")
            if n and expansion:
                out.append((form, expansion, n))
        out.sort(key=lambda d: (-d[2], d[0], d[1]))
        return out

    def compound_paragraphs(self, compound: str, limit: int) -> list[str]:
        """The text of up to ``limit`` paragraphs holding a folded compound."""
        docs = self.postings.docs("wordf", compound)[:limit]
        return [self.reader.stored_fields(d).get("text") or "" for d in docs]

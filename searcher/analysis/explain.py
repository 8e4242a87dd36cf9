"""`searcher analyze`: every token of a text, as the index sees it (why something matched)."""
from __future__ import annotations

from dataclasses import dataclass

from .abbreviations import Table, built_in, form_key
from .normalize import fold_term, normalize_term
from .spellings import iy_twin
from .syllables import SYLLABLE
from .tokens import WORD, fold_joined, normalize_joined, syllable_units, word_spans

@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One token as `searcher analyze` shows it: ``text == source[start:end]``."""

    text: str
    start: int
    end: int
    kind: str  # "word" or "syllable"
    term: str
    folded: str

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind,
                "term": self.term, "folded": self.folded}


@dataclass(frozen=True, slots=True)
class Alternative:
    """Other spellings a search for ``text == source[start:end]`` also matches: its `i`/`y`
    twin, or the expansions of a short form in the built-in table (and the reverse)."""

    text: str
    start: int
    end: int
    kind: str  # "i/y" or "abbreviation"
    spellings: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind,
                "spellings": list(self.spellings)}


def alternatives(text: str) -> list[Alternative]:
    """The other spellings of ``text``'s syllables and runs of them that searching matches
    too, by the built-in rules (an index adds the abbreviations its articles define)."""
    table = Table.of(built_in())
    expansions, forms = table.expansions, table.forms
    units = syllable_units(text)
    folded = [fold_term(normalize_term(u.surface)) for u in units]
    out: list[Alternative] = []
    longest = table.longest
    covered = 0  # where the last abbreviation ends: none inside another
    for i, u in enumerate(units):
        twin = iy_twin(normalize_term(u.surface))
        if twin:
            out.append(Alternative(u.surface, u.start, u.end, "i/y", (twin,)))
        for n in range(min(longest, len(units) - i), 0, -1) if u.start >= covered else ():
            start, end = u.start, units[i + n - 1].end
            if n > 1 and tuple(folded[i:i + n]) in forms:
                out.append(Alternative(text[start:end], start, end, "abbreviation",
                                       tuple(forms[tuple(folded[i:i + n])])))
                covered = end
                break
            written = text[start:end]
            if n <= 2 and written.isupper() and form_key(written) in expansions:
                out.append(Alternative(written, start, end, "abbreviation",
                                       tuple(expansions[form_key(written)])))
                covered = end
                break
    return out


def analyze(text: str) -> list[AnalyzedToken]:
    """Every word and syllable token of ``text`` in text order, each word before its
    syllables, with its normalized and folded term."""
    tokens: list[AnalyzedToken] = []
    for w in word_spans(text):
        term = normalize_joined(w.joined)
        if term:
            tokens.append(AnalyzedToken(text[w.start:w.end], w.start, w.end, WORD, term,
                                        fold_joined(term)))
    for u in syllable_units(text):
        term = normalize_term(u.surface)
        if term:
            tokens.append(AnalyzedToken(u.surface, u.start, u.end, SYLLABLE, term, fold_term(term)))
    tokens.sort(key=lambda t: (t.start, t.kind != WORD, -t.end))
    return tokens



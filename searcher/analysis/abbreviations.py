"""Abbreviations and what they stand for: a built-in table of the common ones in Vietnamese
news, and definitions learned from an article's text.

News writes `UBND` as often as `Ủy ban nhân dân`, `CSGT` as `cảnh sát giao thông`. An
abbreviation is keyed by its letters folded (`HĐND`, `HDND` -> `hdnd`; `TP.HCM`, `TPHCM`
-> `tphcm`), an expansion by its folded syllables. An article defines one when it writes
`bảo hiểm xã hội (BHXH)` or `BHXH (bảo hiểm xã hội)`, or when it holds a short form and a
capitalized run whose initials spell it (`MTTQ` ... `Mặt trận Tổ quốc`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from .normalize import fold_term, normalize_term
from .tokens import syllable_units

# Short form(s) -> expansion. Several dozen, chosen where the short form means one thing in
# news: administration, the Party and the state, police and courts, education, health,
# economy, places.
BUILT_IN: dict[str, str] = {
    "UBND": "ủy ban nhân dân", "HĐND": "hội đồng nhân dân", "TP": "thành phố",
    "TP.HCM TPHCM": "thành phố hồ chí minh", "HCM": "hồ chí minh", "TW": "trung ương",
    "MTTQ": "mặt trận tổ quốc", "CHXHCN": "cộng hòa xã hội chủ nghĩa",
    "XHCN": "xã hội chủ nghĩa", "QH": "quốc hội", "ĐBQH": "đại biểu quốc hội",
    "BCH": "ban chấp hành", "ĐCSVN": "đảng cộng sản việt nam", "HTX": "hợp tác xã",
    "KCN": "khu công nghiệp", "KĐT": "khu đô thị", "BQL": "ban quản lý",
    "GPMB": "giải phóng mặt bằng", "NSNN": "ngân sách nhà nước",
    "DNNN": "doanh nghiệp nhà nước", "DN": "doanh nghiệp", "BĐS": "bất động sản",
    "TNHH": "trách nhiệm hữu hạn", "KT-XH": "kinh tế - xã hội",
    "CAND": "công an nhân dân", "CSGT": "cảnh sát giao thông", "CSHS": "cảnh sát hình sự",
    "CSĐT": "cảnh sát điều tra", "CQĐT": "cơ quan điều tra", "PCCC": "phòng cháy chữa cháy",
    "ANTT": "an ninh trật tự", "ANTQ": "an ninh tổ quốc", "ANQP": "an ninh quốc phòng",
    "TTATGT": "trật tự an toàn giao thông", "ATGT": "an toàn giao thông",
    "TNGT": "tai nạn giao thông", "QĐND": "quân đội nhân dân", "BĐBP": "bộ đội biên phòng",
    "BCA": "bộ công an", "TAND": "tòa án nhân dân", "TANDTC": "tòa án nhân dân tối cao",
    "VKSND": "viện kiểm sát nhân dân", "VKSNDTC": "viện kiểm sát nhân dân tối cao",
    "BLHS": "bộ luật hình sự", "THADS": "thi hành án dân sự",
    "THPT": "trung học phổ thông", "THCS": "trung học cơ sở", "ĐH": "đại học",
    "ĐHQG": "đại học quốc gia", "CĐ": "cao đẳng", "SGK": "sách giáo khoa",
    "GV": "giáo viên", "HS": "học sinh", "SV": "sinh viên",
    "GD&ĐT GD-ĐT GDĐT": "giáo dục và đào tạo", "BV": "bệnh viện", "BYT": "bộ y tế",
    "TTYT": "trung tâm y tế", "BHXH": "bảo hiểm xã hội", "BHYT": "bảo hiểm y tế",
    "BHTN": "bảo hiểm thất nghiệp", "ATTP": "an toàn thực phẩm",
    "VSATTP": "vệ sinh an toàn thực phẩm", "LĐTBXH LĐ-TB&XH": "lao động thương binh và xã hội",
    "GTVT": "giao thông vận tải", "TN&MT TNMT": "tài nguyên và môi trường",
    "NN&PTNT NNPTNT": "nông nghiệp và phát triển nông thôn",
    "KH&CN KHCN": "khoa học và công nghệ", "CNTT": "công nghệ thông tin",
    "TDTT": "thể dục thể thao", "CLB": "câu lạc bộ", "HLV": "huấn luyện viên",
    "LHQ": "liên hợp quốc", "NHNN": "ngân hàng nhà nước", "NHTM": "ngân hàng thương mại",
    "TTCK": "thị trường chứng khoán", "XNK": "xuất nhập khẩu", "QL": "quốc lộ",
    "NTM": "nông thôn mới", "ĐBSCL": "đồng bằng sông cửu long", "HN": "hà nội",
    "VN": "việt nam", "BR-VT": "bà rịa - vũng tàu",
}

_FORM = r"[A-ZĐ][A-ZĐ.&\-]{1,11}[A-ZĐ]"
_FORM_IN_PARENS = re.compile(r"\(\s*(" + _FORM + r")\s*\)")
_FORM_BEFORE_PARENS = re.compile(r"(?<![\w.&\-])(" + _FORM + r")\s*\(([^()]{3,80})\)")
_SHORT_FORM = re.compile(r"(?<![\w.&\-])(" + _FORM + r")(?![\w&])")
_JOINING = frozenset({"và"})  # `&` in a short form: a syllable of the expansion without a letter
MAX_LETTERS = 8
EXPANSIONS_PER_FORM = 2
FORMS_PER_EXPANSION = 3
MIN_LEARNED_LETTERS = 3  # shorter forms are learned only where an article defines them


class Definition(NamedTuple):
    """A short form as written (`TP.HCM`) and its expansion (normalized syllables, lowercase)."""

    form: str
    expansion: str


def form_key(form: str) -> str:
    """A short form's letters, folded: what every way of writing it shares."""
    return "".join(fold_term(normalize_term(u.surface)) for u in syllable_units(form))


def expansion_key(expansion: str) -> tuple[str, ...]:
    """An expansion's folded syllables."""
    return tuple(fold_term(t) for t in (normalize_term(u.surface) for u in syllable_units(expansion)) if t)


def built_in() -> list[Definition]:
    """The built-in table, one definition per way of writing each short form."""
    return [Definition(form, expansion) for forms, expansion in BUILT_IN.items()
            for form in forms.split()]


@dataclass
class Table:
    """Short forms and expansions keyed both ways, for looking up either."""

    expansions: dict[str, list[str]]  # form key -> expansions, first defined first
    forms: dict[tuple[str, ...], list[str]]  # expansion key -> short forms as written
    longest: int  # syllables of the longest expansion

    @classmethod
    def of(cls, defined: Iterable[tuple[str, str]]) -> "Table":
        """The table of (form, expansion) definitions, in order; expansions of one
        syllable are left out, and past :data:`EXPANSIONS_PER_FORM` and
        :data:`FORMS_PER_EXPANSION` the later ones."""
        expansions: dict[str, list[str]] = {}
        forms: dict[tuple[str, ...], list[str]] = {}
        for form, expansion in defined:
            key, ekey = form_key(form), expansion_key(expansion)
            if len(ekey) < 2 or not key:
                continue
            known = expansions.setdefault(key, [])
            if expansion not in known and len(known) < EXPANSIONS_PER_FORM:
                known.append(expansion)
            written = forms.setdefault(ekey, [])
            if form not in written and len(written) < FORMS_PER_EXPANSION:
                written.append(form)
        return cls(expansions, forms, max(map(len, forms), default=0))


def _initials(terms: list[str], letters: str, joins: bool) -> list[str] | None:
    """The terms (normalized syllables) whose initials spell ``letters`` (folded), `và`
    skipped where the short form has `&` (``joins``); None when they do not."""
    out, i = [], 0
    for t in terms:
        if joins and t in _JOINING and out:
            out.append(t)
            continue
        if i == len(letters) or fold_term(t)[:1] != letters[i]:
            return None
        out.append(t)
        i += 1
    return out if i == len(letters) else None


def _terms(text: str) -> list[tuple[str, bool]]:
    """The syllables of ``text``, normalized, each with whether it is capitalized."""
    return [(normalize_term(u.surface), u.surface[:1].isupper()) for u in syllable_units(text)]


def _expansion_before(text: str, letters: str, joins: bool) -> str | None:
    """The expansion that ends ``text`` and spells ``letters``."""
    terms = [t for t, _ in _terms(text)[-2 * len(letters):]]
    for n in range(len(letters), len(terms) + 1):
        found = _initials(terms[len(terms) - n:], letters, joins)
        if found:
            return " ".join(found)
    return None


def definitions(paragraphs: Iterable[str]) -> set[Definition]:
    """What an article's paragraphs define: short forms written beside their expansion in
    parentheses, either way round, and short forms of 3 letters or more whose letters are
    the initials of a capitalized run of the article."""
    found: set[Definition] = set()
    forms: set[str] = set()
    texts = list(paragraphs)
    for text in texts:
        for m in _FORM_IN_PARENS.finditer(text):
            letters = form_key(m.group(1))
            if 2 <= len(letters) <= MAX_LETTERS:
                expansion = _expansion_before(text[:m.start()], letters, "&" in m.group(1))
                if expansion:
                    found.add(Definition(m.group(1), expansion))
        for m in _FORM_BEFORE_PARENS.finditer(text):
            letters = form_key(m.group(1))
            inside = [t for t, _ in _terms(m.group(2))]
            if 2 <= len(letters) <= MAX_LETTERS and inside:
                expansion = _initials(inside, letters, "&" in m.group(1))
                if expansion:
                    found.add(Definition(m.group(1), " ".join(expansion)))
        forms.update(m.group(1) for m in _SHORT_FORM.finditer(text))
    forms = {f for f in forms if MIN_LEARNED_LETTERS <= len(form_key(f)) <= MAX_LETTERS}
    if forms:
        found |= _capitalized_runs(texts, forms)
    return found


def _capitalized_runs(texts: list[str], forms: set[str]) -> set[Definition]:
    """Short forms whose letters are the initials of a run of the texts starting with a
    capital, not itself written in capitals."""
    by_letters: dict[str, list[str]] = {}
    for f in forms:
        by_letters.setdefault(form_key(f), []).append(f)
    lengths = {len(k) for k in by_letters}
    found: set[Definition] = set()
    for text in texts:
        terms = _terms(text)
        for i, (term, capital) in enumerate(terms):
            if not capital or not term[:1].isalpha():
                continue
            for n in lengths:
                run = terms[i:i + n]
                if len(run) < n or any(not t[:1].isalpha() for t, _ in run):
                    continue
                key = "".join(fold_term(t)[:1] for t, _ in run)
                if key in by_letters and fold_term(term) != key:
                    expansion = " ".join(t for t, _ in run)
                    found.update(Definition(f, expansion) for f in by_letters[key])
    return found

"""Two spellings of one syllable: `i` and `y` after h, k, l, m, s, t.

Vietnamese writes the vowel [i] alone after these consonants either way (`sĩ`/`sỹ`,
`kĩ`/`kỹ`, `lí`/`lý`, `mĩ`/`mỹ`, `tỉ`/`tỷ`, `hi vọng`/`hy vọng`): a spelling reform that
never settled, so news uses both. Only that case: `uy`/`ui` (`tuy`/`tui`), `y` or `i` starting
a syllable (`y tế`, `ý`) and any syllable with another vowel or a final consonant are
different syllables.
"""
from __future__ import annotations

import re

_TWIN_SHAPE = re.compile(r"^[hklmst][iy]$")
_I = "iíìỉĩị"
_Y = "yýỳỷỹỵ"
_SWAP = str.maketrans(_I + _Y, _Y + _I)
_FOLD_IY = str.maketrans(_I[1:] + _Y[1:], "i" * 5 + "y" * 5)


def iy_twin(term: str) -> str | None:
    """The other spelling of a normalized syllable whose `i` may be written `y` (and the
    reverse), with the same tone: `sĩ` -> `sỹ`, `ly` -> `li`; None for any other syllable."""
    if len(term) != 2 or not _TWIN_SHAPE.match(term[0] + term[1].translate(_FOLD_IY)):
        return None
    return term.translate(_SWAP)

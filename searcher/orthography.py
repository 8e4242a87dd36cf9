"""What a Vietnamese syllable looks like, for telling words from codes and text from noise
(shared by the corpus reader and the search layer)."""
from __future__ import annotations

import re

# A folded syllable (no marks, `đ` as `d`): initial consonant, one to three vowels, final
# consonant.
_SYLLABLE_SHAPE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
                             r"[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$")


def syllable_shaped(folded: str) -> bool:
    """Whether a folded term is shaped like a Vietnamese syllable (`nghiem`, not `ubnd`)."""
    return bool(_SYLLABLE_SHAPE.match(folded))

"""The folded syllables an index holds, in a file beside it, for spelling suggestions.

A suggestion for an unknown word tests every string one edit away against the index: some
hundreds of candidates, each a lookup in Whoosh's term tables (about 10 microseconds), so a
query of unknown words spent more time suggesting than searching. Held in memory as a set,
the folded vocabulary rules out nearly all of them at once: only candidates whose folded
form the index holds are looked up.

The file `<index name>.vocab` holds a header naming the Whoosh generation it was made for,
then one folded syllable a line. It is replaced atomically after each update; a reader uses
it only when it was made for the generation it reads (else it looks terms up as before).
"""
from __future__ import annotations

import os
from pathlib import Path

MAGIC = "searcher-vocabulary 1"


def save(path: Path, generation: int, terms: set[str]) -> None:
    """Write beside, flush, rename over: readers see the old or the new file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{MAGIC} {generation}\n")
        f.write("\n".join(sorted(t for t in terms if "\n" not in t)))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load(path: Path, generation: int) -> frozenset[str] | None:
    """The folded vocabulary, when the file was made for ``generation``; else None."""
    try:
        head, _, body = path.read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if head != f"{MAGIC} {generation}":
        return None
    return frozenset(body.split("\n")) if body else frozenset()


def is_current(path: Path, generation: int) -> bool:
    """Whether the file was made for ``generation`` (read its first line only)."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline().rstrip("\n") == f"{MAGIC} {generation}"
    except (OSError, UnicodeDecodeError):
        return False

"""Words for messages, shared by every layer's reports."""
from __future__ import annotations


def plural(n: int, word: str) -> str:
    """`1 article`, `2 articles`, `1,024 articles`."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"

"""Terminal safety: article text is untrusted and must never reach the terminal as a control
sequence (`ESC]52` clipboard writes, `ESC[2J`, BEL, backspaces)."""
from __future__ import annotations

import os
import re
import sys

# C0 and C1 controls and DEL, except tab; bidi overrides that can reorder what is shown.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match) -> str:
    ch = m.group()
    if ch == "\n":
        return " "
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def safe(text: str) -> str:
    """``text`` with every control character shown as a visible escape (`\\x1b`)."""
    return _UNSAFE.sub(_escape, text)


def use_colour(mode: str = "auto", stream=None, json_output: bool = False) -> bool:
    """Colour by ``mode``: `always`, `never`, or `auto`: on a terminal, unless NO_COLOR
    holds a value (no-color.org); never in JSON."""
    if json_output or mode == "never":
        return False
    if mode == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream or sys.stdout, "isatty", None)
    return bool(isatty and isatty())


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def to_json(obj) -> str:
    """Compact UTF-8 JSON in which no control character is left raw (json escapes C0 only)."""
    import json

    text = json.dumps(obj, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

"""Lines that frame an answer rather than give one: a link alone, "Source: …", a label ending in a
colon. Quotes put them last (ask.answer); a passage of nothing else ranks lower (ask.retrieve)."""
from __future__ import annotations

import re
from functools import lru_cache

from .terms import has_link, said, words

_ATTRIBUTION = re.compile(r"\A\W{0,5}(?:source|sources|reference|references|ref|refs|via|h/t|hat tip|credit|credits|"
                          r"see|see also|read more|more info|further reading|docs|documentation|link|links|from)\b",
                          re.IGNORECASE)


@lru_cache(maxsize=8192)  # a note's lines come back question after question
def is_context(text: str) -> bool:
    """A line that frames an answer rather than giving one: only links, an attribution
    ("Source: …", "Reference: …") or a short label ending in a colon."""
    if ":" not in text and "[" not in text and "www." not in text:
        return False  # every case below needs a colon or a link (a URL has a colon)
    plain = said(text)
    spoken = [w for w in words(plain) if any(c.isalpha() for c in w)]
    if has_link(text):
        if len(spoken) <= 3 or _ATTRIBUTION.match(plain):
            return True
    if _ATTRIBUTION.match(plain) and ":" in plain[:40]:
        return True
    return text.rstrip().endswith(":") and len(spoken) <= 8

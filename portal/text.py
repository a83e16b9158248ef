"""Plain-text hygiene shared by every app: what a name shown to staff and customers may contain."""

from __future__ import annotations

# The Unicode bidirectional controls (embeddings, overrides, isolates and the implicit marks): in a
# name they make text read differently from how it is stored ("invoice‮fdp.exe"), so staff could be
# misled about an order, a company or a file. Names never need them.
BIDI_CONTROLS = frozenset(
    "\u061c"  # ARABIC LETTER MARK
    "\u200e\u200f"  # LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
)
_BIDI_TABLE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(text: str) -> str:
    """``text`` without its bidirectional control characters (the visible characters are kept)."""
    return text.translate(_BIDI_TABLE)

"""Ids read from a query string or a posted form, parsed one way everywhere."""

from __future__ import annotations

import re

# Primary keys are bigints: a larger number names no row (and would overflow the database's integer).
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """The positive id ``value`` spells in ASCII digits, or None for anything else.

    ``str.isdigit()`` also accepts "²" or "٣", which ``int()`` then refuses or reads as another
    number; callers turn None into a 404 or a form error, never a 500.
    """
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None

"""Address checks without Django models: French postcodes."""

from __future__ import annotations

import re

# Metropolitan departments 01–95 (Corsica uses 20xxx), overseas 971–976 and 984–988.
_FRENCH_POSTCODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-5])\d{3}$|^97[1-6]\d{2}$|^98[4-8]\d{2}$")


def normalize_french_postcode(text: str) -> str | None:
    """Return the 5-digit postcode, or None when it cannot be a French postcode."""
    postcode = "".join(text.split())
    return postcode if _FRENCH_POSTCODE.match(postcode) else None

"""The one normalisation both engines share: what is stored and what is searched are made alike here.

Case and accents are dropped ("Élève" → "eleve", "Œuvre" → "oeuvre"), every run of characters that is
neither a letter nor a digit separates words, a hyphen between digits is dropped (an ISBN typed
"978-2-07-036822-8" is one word), and an ISBN-10 found in a text brings its ISBN-13 along, so a
product stored as ISBN-13 is found by its ISBN-10 and the other way round.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum import isbn as stdnum_isbn

#: at most this many words of a query are kept (a longer query is refined enough)
MAX_WORDS = 8

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ß": "ss"})
_DIGIT_HYPHEN = re.compile(r"(?<=\d)[-‐‑‒–]+(?=[\dxX])")
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)
_ISBN_CANDIDATE = re.compile(r"^(?:\d{9}[\dx]|97[89]\d{10})$")


def _plain(text: str) -> str:
    text = _DIGIT_HYPHEN.sub("", text or "").casefold().translate(_LIGATURES)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", text)


def _isbn13(word: str) -> str | None:
    if not _ISBN_CANDIDATE.match(word):
        return None
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(word))
    except Exception:  # stdnum raises its own ValidationError family; not an ISBN
        return None


def words(text: str) -> list[str]:
    """The words of ``text`` as stored, ISBN-10s followed by their ISBN-13."""
    out: list[str] = []
    for word in _plain(text).split():
        out.append(word)
        isbn = _isbn13(word)
        if isbn and isbn != word:
            out.append(isbn)
    return out


def document_text(*parts: object) -> str:
    """The stored text of a search document: its parts, normalised, each word once, in order."""
    seen: dict[str, None] = {}
    for part in parts:
        if part:
            for word in words(str(part)):
                seen.setdefault(word, None)
    return " ".join(seen)


def query_words(text: str) -> list[str]:
    """The words of a query: an ISBN-10 is searched as its ISBN-13, each word once, at most ``MAX_WORDS``."""
    seen: dict[str, None] = {}
    for word in _plain(text).split():
        seen.setdefault(_isbn13(word) or word, None)
    return list(seen)[:MAX_WORDS]

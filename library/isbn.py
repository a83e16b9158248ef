"""ISBNs through python-stdnum: accept ISBN-10 or ISBN-13 as typed, store the ISBN-13, show it hyphenated.

python-stdnum checks the check digits (ISBN-10's modulo 11 with its ``X``, ISBN-13's EAN digit),
converts ISBN-10 to ISBN-13 and hyphenates by the International ISBN Agency's ranges (the
registration group, then the registrant): ``9782070368228`` → ``978-2-07-036822-8``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError

MESSAGES = {
    "checksum": _(
        "This ISBN’s check digit (its last character) does not match its other digits: check what you typed."
    ),
    "length": _("An ISBN has 10 or 13 characters (hyphens and spaces aside): check what you typed."),
    "prefix": _("An ISBN-13 starts with 978 or 979: this number is not an ISBN."),
    "format": _("An ISBN is made of digits only, the ISBN-10’s last character may be an X: check what you typed."),
}


class InvalidISBN(ValueError):
    """The text is not a valid ISBN-10 or ISBN-13; ``reason`` is a key of ``MESSAGES``."""

    def __init__(self, text: str, reason: str = "format") -> None:
        super().__init__(text)
        self.reason = reason

    @property
    def message(self) -> str:
        """What to show next to the field, in the user's language."""
        return str(MESSAGES[self.reason])


def _checked(text: str) -> str:
    """The compact ISBN-10 or ISBN-13 (digits, maybe a final X); raise InvalidISBN saying why."""
    try:
        return stdnum_isbn.validate(text)
    except InvalidChecksum:
        raise InvalidISBN(text, "checksum") from None
    except InvalidComponent:
        raise InvalidISBN(text, "prefix") from None
    except InvalidLength:
        raise InvalidISBN(text, "length") from None
    except ValidationError:
        raise InvalidISBN(text, "format") from None


def isbn10_is_valid(isbn: str) -> bool:
    try:
        return len(_checked(isbn)) == 10
    except InvalidISBN:
        return False


def isbn13_is_valid(isbn: str) -> bool:
    try:
        return len(_checked(isbn)) == 13
    except InvalidISBN:
        return False


def to_isbn13(text: str) -> str:
    """Return the ISBN-13 of an ISBN-10 or ISBN-13 (hyphens and spaces allowed); raise InvalidISBN."""
    return stdnum_isbn.to_isbn13(_checked(text))


def format_isbn13(isbn: str) -> str:
    """The ISBN-13 hyphenated by registration group: 9782070368228 → 978-2-07-036822-8.

    An ISBN-10 is converted first; text that is not a valid ISBN is given back as it is.
    """
    try:
        return stdnum_isbn.format(_checked(isbn), convert=True)
    except InvalidISBN:
        return isbn

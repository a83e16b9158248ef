"""ISBN checking without Django: accept ISBN-10 or ISBN-13 as typed, give back the ISBN-13."""

from __future__ import annotations


class InvalidISBN(ValueError):
    """The text is not a valid ISBN-10 or ISBN-13."""


def _clean(text: str) -> str:
    return "".join(ch for ch in text.strip().upper() if ch not in " -")


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def isbn10_is_valid(isbn: str) -> bool:
    if len(isbn) != 10 or not isbn[:9].isdigit() or not (isbn[9].isdigit() or isbn[9] == "X"):
        return False
    total = sum((10 - i) * (10 if ch == "X" else int(ch)) for i, ch in enumerate(isbn))
    return total % 11 == 0


def isbn13_is_valid(isbn: str) -> bool:
    return (
        len(isbn) == 13 and isbn.isdigit() and isbn[:3] in {"978", "979"} and isbn13_check_digit(isbn[:12]) == isbn[12]
    )


def to_isbn13(text: str) -> str:
    """Return the ISBN-13 of an ISBN-10 or ISBN-13 (hyphens and spaces allowed); raise InvalidISBN."""
    isbn = _clean(text)
    if len(isbn) == 10:
        if not isbn10_is_valid(isbn):
            raise InvalidISBN(text)
        first12 = "978" + isbn[:9]
        return first12 + isbn13_check_digit(first12)
    if len(isbn) == 13 and isbn13_is_valid(isbn):
        return isbn
    raise InvalidISBN(text)


def format_isbn13(isbn: str) -> str:
    """A readable form, prefix and check digit set apart: 978-2070368228 → 978-207036822-8."""
    if len(isbn) != 13:
        return isbn
    return f"{isbn[:3]}-{isbn[3:12]}-{isbn[12]}"

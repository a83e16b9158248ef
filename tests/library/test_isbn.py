"""ISBNs through python-stdnum: check digits, ISBN-10 → ISBN-13, hyphenation by registration group."""

import pytest
from django.template import Context, Template
from django.utils import translation

from library.forms import ProductForm
from library.isbn import MESSAGES, InvalidISBN, format_isbn13, isbn10_is_valid, isbn13_is_valid, to_isbn13


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("978-2-07-036822-8", "9782070368228"),
        ("9782070368228", "9782070368228"),
        ("2-07-036822-X", "9782070368228"),
        ("2-07-036822-x", "9782070368228"),
        ("0-306-40615-2", "9780306406157"),
        ("080442957X", "9780804429573"),
        (" 979 10 90636 07 1 ", "9791090636071"),
    ],
)
def test_valid_isbns_are_stored_as_isbn13(typed, expected):
    assert to_isbn13(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "format"),
        ("abc", "format"),
        ("20703682X8", "format"),
        ("978-2-07-036822-9", "checksum"),
        ("2070368221", "checksum"),
        ("2-07-036822-0", "checksum"),
        ("12345", "length"),
        ("97820703682280", "length"),
        ("9771234567003", "prefix"),  # a valid EAN-13 of a periodical (ISSN), not an ISBN
    ],
)
def test_invalid_isbns_are_refused_saying_why(typed, reason):
    with pytest.raises(InvalidISBN) as refused:
        to_isbn13(typed)
    assert refused.value.reason == reason


def test_check_digit_helpers():
    assert isbn10_is_valid("0306406152")
    assert isbn10_is_valid("2-07-036822-X")
    assert not isbn10_is_valid("0306406153")
    assert not isbn10_is_valid("9780306406157")
    assert isbn13_is_valid("9780306406157")
    assert not isbn13_is_valid("9780306406158")
    assert not isbn13_is_valid("0306406152")


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("9782070368228", "978-2-07-036822-8"),  # French group 2, Gallimard 07
        ("9780306406157", "978-0-306-40615-7"),
        ("9791090636071", "979-10-90636-07-1"),  # French group 10 of the 979 prefix
        ("2-07-036822-X", "978-2-07-036822-8"),  # an ISBN-10 is shown as its ISBN-13
        ("not an isbn", "not an isbn"),
    ],
)
def test_isbns_are_hyphenated_by_registration_group(stored, shown):
    assert format_isbn13(stored) == shown


def test_pages_show_the_stored_isbn_hyphenated():
    rendered = Template("{% load isbn %}{{ isbn|isbn }}|{{ empty|isbn|default:'—' }}").render(
        Context({"isbn": "9782070368228", "empty": ""})
    )
    assert rendered == "978-2-07-036822-8|—"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "reason"),
    [("978-2-07-036822-9", "checksum"), ("2-07-036822-0", "checksum"), ("123", "length"), ("9771234567003", "prefix")],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_form_says_why_next_to_the_isbn_field(typed, reason, language):
    with translation.override(language):
        form = ProductForm({"title": "Carnet", "isbn": typed, "page_count": 64, "quantity_to_print": 10})
        assert not form.is_valid()
        assert form.errors["isbn"] == [str(MESSAGES[reason])]


def test_the_check_digit_message_names_the_check_digit():
    with translation.override("en"):
        assert "check digit" in str(MESSAGES["checksum"])

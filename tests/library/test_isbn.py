import pytest

from library.isbn import InvalidISBN, isbn10_is_valid, isbn13_is_valid, to_isbn13


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("978-2-07-036822-8", "9782070368228"),
        ("9782070368228", "9782070368228"),
        ("2-07-036822-X", "9782070368228"),
        ("0-306-40615-2", "9780306406157"),
        ("080442957X", "9780804429573"),
        (" 979 10 90636 07 1 ", "9791090636071"),
    ],
)
def test_valid_isbns_are_stored_as_isbn13(typed, expected):
    assert to_isbn13(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "978-2-07-036822-9", "2070368221", "12345", "97820703682280", "9772070368223", "20703682X8"],
)
def test_invalid_isbns_are_refused(typed):
    with pytest.raises(InvalidISBN):
        to_isbn13(typed)


def test_check_digit_helpers():
    assert isbn10_is_valid("0306406152")
    assert not isbn10_is_valid("0306406153")
    assert isbn13_is_valid("9780306406157")
    assert not isbn13_is_valid("9780306406158")

import pytest

from portal.address import normalize_french_postcode


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("59000", "59000"), ("59 100", "59100"), ("20000", "20000"), ("97400", "97400"), ("01000", "01000")],
)
def test_valid_french_postcodes(typed, expected):
    assert normalize_french_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "5900", "590000", "00100", "96000", "ABCDE", "97700x"])
def test_invalid_french_postcodes(typed):
    assert normalize_french_postcode(typed) is None

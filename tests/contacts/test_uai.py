import pytest
from django.core.exceptions import ValidationError

from contacts.validators import is_valid_uai, normalise_uai, validate_uai


@pytest.mark.parametrize("code", ["0750655E", "0593588E", "0692866R", " 0750655e "])
def test_real_uai_codes_are_valid(code):
    assert is_valid_uai(code)


@pytest.mark.parametrize("code", ["0750655A", "075065E", "07506550", "ABCDEFGH", "", "0750655EE"])
def test_wrong_check_letter_or_shape_is_invalid(code):
    assert not is_valid_uai(code)
    with pytest.raises(ValidationError):
        validate_uai(code)


def test_normalise_uppercases_and_strips():
    assert normalise_uai(" 0750655e ") == "0750655E"

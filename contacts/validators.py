"""Identifiers checked without a database: the UAI code of a French school."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The check letter is the 7-digit number modulo 23, read in this alphabet (no I, O, Q).
UAI_CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
UAI_PATTERN = re.compile(r"^(\d{7})([A-Z])$")


def normalise_uai(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def is_valid_uai(value: str) -> bool:
    match = UAI_PATTERN.match(normalise_uai(value))
    if not match:
        return False
    digits, letter = match.groups()
    return UAI_CHECK_LETTERS[int(digits) % 23] == letter


def validate_uai(value: str) -> None:
    if not is_valid_uai(value):
        raise ValidationError(
            _("“%(value)s” is not a valid UAI code: 7 digits followed by the check letter, e.g. 0750655E."),
            code="invalid_uai",
            params={"value": value},
        )

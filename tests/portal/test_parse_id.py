"""Ids from a query string or a form: ASCII digits within the bigint range, nothing else."""

from __future__ import annotations

import pytest

from portal.ids import MAX_ID, parse_id


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("42", 42), ("007", 7), (str(MAX_ID), MAX_ID)])
def test_ascii_digits_within_the_bigint_range_are_an_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "²",  # str.isdigit() accepts it, int() refuses it
        "1²",
        "١٢",  # Arabic-Indic digits: int() would read them as 12
        "１",  # fullwidth digit
        "1e3",
        "-1",
        "+1",
        "0",
        " 1",
        "1\n",
        "1.0",
        "",
        str(MAX_ID + 1),
        "9" * 30,
        "9" * 5000,  # beyond Python's int-from-string limit
        None,
        1,
    ],
)
def test_anything_else_is_no_id(value):
    assert parse_id(value) is None

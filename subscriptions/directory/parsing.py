"""Reading the fr-en-annuaire-education CSV, without Django models: header mapping and row cleaning.

The file is ``;``-separated, UTF-8 (with or without a BOM). Its headers are spelled
``Identifiant_de_l_etablissement`` in the downloaded file and ``identifiant_de_l_etablissement`` by
the API: both are accepted (the comparison ignores case).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from contacts.validators import is_valid_uai, normalise_uai

#: The directory's header → the field of ``Establishment`` it fills.
COLUMNS = {
    "identifiant_de_l_etablissement": "uai",
    "nom_etablissement": "name",
    "type_etablissement": "kind",
    "statut_public_prive": "status",
    "adresse_1": "street",
    "code_postal": "postcode",
    "nom_commune": "city",
    "code_academie": "academy_code",
    "libelle_academie": "academy",
    "telephone": "phone",
    "mail": "email",
    "siren_siret": "siret",
    "etat": "open",
}
REQUIRED = ("identifiant_de_l_etablissement", "nom_etablissement")
#: The column widths of ``Establishment``: longer values are cut, never refused.
WIDTHS = {
    "name": 200,
    "kind": 100,
    "street": 200,
    "postcode": 10,
    "city": 100,
    "academy_code": 4,
    "academy": 100,
    "phone": 30,
    "email": 254,
    "siret": 14,
}
FIELDS = ("uai", *WIDTHS, "status", "open")


class DirectoryFileError(ValueError):
    """The file cannot be read as the directory (wrong separator, missing columns)."""


@dataclass
class Layout:
    positions: dict[str, int]  # field → column index


def read_layout(header: list[str]) -> Layout:
    names = [name.strip().lstrip("\ufeff").lower() for name in header]
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        raise DirectoryFileError(", ".join(missing))
    return Layout({COLUMNS[name]: index for index, name in enumerate(names) if name in COLUMNS})


def _status(value: str) -> str:
    value = value.strip().lower()
    if value.startswith("public"):
        return "public"
    if value.startswith("priv"):
        return "private"
    return ""


def _email(value: str) -> str:
    value = value.strip().lower()
    return value if value.count("@") == 1 and " " not in value and len(value) <= 254 else ""


def clean_row(layout: Layout, row: list[str]) -> dict | None:
    """The ``Establishment`` fields of one line, or None when its UAI is not a valid code."""

    def value(field: str) -> str:
        index = layout.positions.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    uai = normalise_uai(value("uai"))
    if not is_valid_uai(uai) or not value("name"):
        return None
    fields = {field: value(field)[:width] for field, width in WIDTHS.items()}
    fields["email"] = _email(fields["email"])
    fields["siret"] = "".join(ch for ch in fields["siret"] if ch.isdigit())[:14]
    fields["uai"] = uai
    fields["status"] = _status(value("status"))
    # "etat" is "OUVERT", "A FERMER" or "FERME" in the file; no column means open.
    state = value("open").upper()
    fields["open"] = not state or state == "OUVERT" or state == "1"
    return fields


def read_rows(handle: BinaryIO) -> Iterator[dict | None]:
    """The file's lines as ``Establishment`` fields (None for a line to skip), streamed."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text, delimiter=";")
    try:
        header = next(reader)
    except StopIteration:
        raise DirectoryFileError("empty") from None
    layout = read_layout(header)
    for row in reader:
        if row:
            yield clean_row(layout, row)


def count_lines(handle: BinaryIO) -> int:
    """The number of data lines (for the progress bar), read in blocks; the handle is rewound."""
    lines = 0
    for block in iter(lambda: handle.read(1 << 20), b""):
        lines += block.count(b"\n")
    handle.seek(0)
    return max(lines - 1, 0)

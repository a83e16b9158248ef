"""Reading contacts files as French spreadsheets write them (no database)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.utils import translation

from contacts.importing.parsing import ContactRow, FileError, RejectedRow, clean_row, parse_date, read_layout

FILES = Path(__file__).parent / "import_files"
TODAY = datetime.date(2026, 11, 23)


def rows_of(data: bytes):
    layout, rows, _counter = read_layout(io.BytesIO(data))
    return layout, [clean_row(line, cells, layout, today=TODAY) for line, cells in rows]


def test_bom_never_eats_the_first_column_and_semicolons_are_sniffed():
    layout, rows = rows_of((FILES / "excel_utf8_bom_semicolon.csv").read_bytes())
    assert layout.encoding == "utf-8-sig"
    assert layout.delimiter == ";"
    assert layout.columns["email"] == 0
    assert [row.email for row in rows] == ["ana@example.fr", "bruno@example.fr", "chloe@example.fr"]


def test_line_numbers_are_the_spreadsheet_s_counting_blank_lines():
    _layout, rows = rows_of((FILES / "excel_utf8_bom_semicolon.csv").read_bytes())
    # header = 1, Ana = 2, blank = 3, Bruno = 4, a row of empty cells = 5, Chloé = 6
    assert [row.line for row in rows] == [2, 4, 6]


def test_windows_1252_with_commas_and_accented_headings():
    layout, rows = rows_of((FILES / "windows1252_comma.csv").read_bytes())
    assert layout.encoding == "cp1252"
    assert layout.delimiter == ","
    assert rows[0].company == "Imprimerie Ça, Là"
    assert rows[0].language == "fr"
    assert (rows[1].first_name, rows[1].last_name, rows[1].language) == ("Étienne", "Œuvre", "en")


def test_utf8_without_bom():
    layout, rows = rows_of((FILES / "utf8_no_bom_comma.csv").read_bytes())
    assert layout.encoding == "utf-8"
    assert rows[0].first_name == "Françoise"


def test_mixed_case_and_spaces_make_one_address():
    _layout, rows = rows_of("email;nom\n\u00a0 Ana@Example.FR  ;Dupont\n".encode())
    assert rows[0].email == "ana@example.fr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/03/2024", datetime.date(2024, 3, 5)),
        ("5/3/24", datetime.date(2024, 3, 5)),
        ("05.03.2024", datetime.date(2024, 3, 5)),
        ("05-03-2024", datetime.date(2024, 3, 5)),
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("05/03/2024 00:00", datetime.date(2024, 3, 5)),
    ],
)
def test_dates_are_read_day_first(text, expected):
    assert parse_date(text) == expected


def test_every_problem_of_a_row_is_listed():
    _layout, rows = rows_of((FILES / "bad_row_middle.csv").read_bytes())
    rejected = [row for row in rows if isinstance(row, RejectedRow)]
    assert [(row.line, len(row.reasons)) for row in rejected] == [(5, 1), (6, 2)]
    assert "trois-at-example.fr" in rejected[0].reasons[0]
    assert "klingon" in rejected[1].reasons[0]
    assert "31/02/2024" in rejected[1].reasons[1]


@translation.override("fr")
def test_a_value_with_an_unquoted_separator_is_rejected_not_shifted():
    _layout, rows = rows_of(b"email,prenom,nom,societe\nana@example.fr,Ana,Dupont,Ca, La\n")
    assert isinstance(rows[0], RejectedRow)
    assert "guillemets" in rows[0].reasons[0]


def test_a_value_spanning_two_physical_lines_is_one_spreadsheet_line():
    _layout, rows = rows_of(b'email;nom\na@example.fr;"Dupont\nJunior"\nb@example.fr;Martin\n')
    assert [(row.line, row.last_name) for row in rows] == [(2, "Dupont Junior"), (3, "Martin")]


def test_the_export_s_formula_quote_is_dropped_on_the_way_back():
    _layout, rows = rows_of(b"email;nom\na@example.fr;'=Dupont\n")
    assert isinstance(rows[0], ContactRow)
    assert rows[0].last_name == "=Dupont"


@pytest.mark.parametrize(
    "data",
    [b"", b"\n\nemail\n", b"nom;prenom\nDupont;Ana\n", b"PK\x03\x04rest-of-a-workbook"],
)
def test_unreadable_files_say_why(data):
    with pytest.raises(FileError):
        read_layout(io.BytesIO(data))


# --- The fast path gives exactly what clean_row gives -------------------------------------------

TRICKY_ADDRESSES = [
    "ana@example.fr",
    "Ana.Dupont@Example.FR",
    "a.b-c_d+e%f@sous.domaine.example.fr",
    "a..b@example.fr",
    ".a@example.fr",
    "a.@example.fr",
    "a@example",
    "a@-example.fr",
    "a@example-.fr",
    "a@exa_mple.fr",
    "a@example.f",
    "a@example.123",
    "a@[127.0.0.1]",
    "a@[IPv6:::1]",
    '"a b"@example.fr',
    "a b@example.fr",
    "a@b@example.fr",
    "élodie@example.fr",
    "a@exämple.fr",
    "a@xn--exmple-cua.fr",
    "a@localhost",
    "a!#$&'*/=?^`{|}~@example.fr",
    "@example.fr",
    "a@",
    "a@.example.fr",
    "a@example..fr",
    f"{'a' * 64}@example.fr",
    f"{'a' * 65}@example.fr",
    f"a@{'b' * 63}.fr",
    f"a@{'b' * 64}.fr",
    f"{'a' * 240}@example.fr",
    "a@example.fr\n",
    "a@example.fr.",
]


@pytest.mark.parametrize("address", TRICKY_ADDRESSES)
def test_the_fast_address_check_never_accepts_what_django_refuses(address):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from contacts.importing.parsing import _PLAIN_EMAIL, is_valid_email

    try:
        validate_email(address)
        django_says = len(address) <= 254
    except ValidationError:
        django_says = False
    assert is_valid_email(address) == django_says
    if _PLAIN_EMAIL.match(address):
        assert django_says, address


TRICKY_LINES = [
    "ana@example.fr;Ana;Dupont;Lac;fr;05/03/2024",
    "  Ana@Example.fr ; Ana ;Dupont ; Lac;FR; 05/03/2024 ",
    "ana@example.fr;Ana  Marie;Dupont;Lac;fr;05/03/2024",
    "ana@example.fr;Ana\u00a0Marie;Dupont;Lac;fr;05/03/2024",
    "ana@example.fr;Ana\u200b;Dupont;Lac;fr;05/03/2024",
    "ana@example.fr;'=Ana;Dupont;Lac;fr;05/03/2024",
    "ana@example.fr;O'Brien;Dupont;Lac;fr;05/03/2024",
    'ana@example.fr;"Ana\nMarie";Dupont;Lac;fr;05/03/2024',
    "ana@example.fr;Ana\tMarie;Dupont;Lac;fr;05/03/2024",
    "ana@example.fr;;;;;",
    "ana@example.fr",
    "ana@example.fr;Ana;Dupont;Lac;fr;05/03/2024;extra",
    "ana@example.fr;Ana;Dupont;Lac;fr;05/03/2024;",
    "ana-at-example.fr;Ana;Dupont;Lac;fr;05/03/2024",
    ";Ana;Dupont;Lac;fr;05/03/2024",
    "a b@example.fr;Ana;Dupont;Lac;fr;05/03/2024",
    '"a b"@example.fr;Ana;Dupont;Lac;fr;05/03/2024',
    "ana@example.fr;Ana;Dupont;Lac;Français;05/03/2024",
    "ana@example.fr;Ana;Dupont;Lac;de;05/03/2024",
    "ana@example.fr;Ana;Dupont;Lac;fr;31/02/2024",
    "ana@example.fr;Ana;Dupont;Lac;fr;05/03/2099",
    "ana@example.fr;Ana;Dupont;Lac;fr;2024-03-05",
    "ana@example.fr;Ana;Dupont;Lac;fr;5-3-24",
    "ana@example.fr;Ana;Dupont;Lac;fr;05/03/2024 10:00",
    "ana@example.fr;Ana\x00;Dupont;Lac;fr;05/03/2024",
    "ana@example.fr\x00;Ana;Dupont;Lac;fr;05/03/2024",
    "ana@example.fr;Ana;Dupont;Lac\x1b[31m;fr;05/03/2024",
    "ana@example.fr;Ana;Dupont;Lac;fr\x7f;05/03/2024",
    "ana@example.fr;Ana;Dupont\x9b;Lac;fr;05/03/2024",
    "ana@example.fr;Ana;\u202eDupont;Lac\u2066;fr;05/03/2024",
    "ana@example.fr;Ana;Dupont;Lac;fr;05/03/2024;notes\x00",
    f"ana@example.fr;{'A' * 151};Dupont;Lac;fr;05/03/2024",
    f"ana@example.fr;Ana;Dupont;{'L' * 201};fr;05/03/2024",
    f"{'a' * 250}@example.fr;Ana;Dupont;Lac;fr;05/03/2024",
]


@pytest.mark.parametrize(
    "header", ["email;prenom;nom;societe;langue;client_depuis", "email;prenom;nom;societe;langue;client_depuis;notes"]
)
def test_the_fast_path_gives_what_clean_row_gives(header):
    from contacts.importing.parsing import clean_rows

    data = "\n".join([header, *TRICKY_LINES]).encode()
    layout, rows, _counter = read_layout(io.BytesIO(data))
    rows = list(rows)
    expected = [clean_row(line, list(cells), layout, today=TODAY) for line, cells in rows]
    assert list(clean_rows(((line, list(cells)) for line, cells in rows), layout, today=TODAY)) == expected
    assert any(isinstance(row, ContactRow) for row in expected)
    assert any(isinstance(row, RejectedRow) for row in expected)


# --- Hostile cells: a line is rejected with its number and why, the others are judged ------------

MEGABYTE = 1024 * 1024


def test_a_one_megabyte_cell_rejects_its_line_saying_why_and_the_others_are_read():
    data = (
        "email;prenom;nom\n"
        "ana@example.fr;Ana;Dupont\n"
        f"bruno@example.fr;Bruno;{'B' * MEGABYTE}\n"
        "chloe@example.fr;Chloé;Martin\n"
    ).encode()
    with translation.override("en"):
        _layout, rows = rows_of(data)
    assert [(row.line, type(row).__name__) for row in rows] == [
        (2, "ContactRow"),
        (3, "RejectedRow"),
        (4, "ContactRow"),
    ]
    reason = rows[1].reasons[0]
    assert "longer than 131072 characters" in reason
    assert rows[2].last_name == "Martin"


def test_after_a_quoted_cell_too_long_over_several_lines_the_next_lines_are_read_as_they_are():
    data = (
        "email;nom\n"
        f'ana@example.fr;"{"A" * MEGABYTE}\nstill Ana\'s ""name""\nand the end"\n'
        "bruno@example.fr;Martin\n"
        "\n"
        'chloe@example.fr;"Dupont\nJunior"\n'
    ).encode()
    _layout, rows = rows_of(data)
    # The quoted value spans physical lines 2–4 but is one spreadsheet line; the blank line is 4.
    assert [(row.line, type(row).__name__) for row in rows] == [
        (2, "RejectedRow"),
        (3, "ContactRow"),
        (5, "ContactRow"),
    ]
    assert (rows[1].email, rows[2].last_name) == ("bruno@example.fr", "Dupont Junior")


def test_a_cell_too_long_in_an_ignored_column_rejects_its_line_too():
    data = f"email;notes\nana@example.fr;{'n' * MEGABYTE}\nbruno@example.fr;ok\n".encode()
    _layout, rows = rows_of(data)
    assert [type(row).__name__ for row in rows] == ["RejectedRow", "ContactRow"]


def test_a_heading_too_long_is_a_file_error():
    with pytest.raises(FileError):
        read_layout(io.BytesIO(f"email;{'x' * MEGABYTE}\nana@example.fr;1\n".encode()))


def test_every_column_is_bounded_by_its_model_field():
    from contacts.importing.parsing import MAX_LENGTHS
    from contacts.models import Account, User

    assert {
        "email": User._meta.get_field("email").max_length,
        "first_name": User._meta.get_field("first_name").max_length,
        "last_name": User._meta.get_field("last_name").max_length,
        "company": Account._meta.get_field("name").max_length,
    } == MAX_LENGTHS
    long_email = f"{'a' * 250}@example.fr"
    line = f"{long_email};{'P' * 151};{'N' * 151};{'S' * 201}"
    with translation.override("en"):
        _layout, rows = rows_of(f"email;prenom;nom;societe\n{line}\n".encode())
    assert rows[0].reasons == [
        "The column “email” holds more than 254 characters.",
        "The column “prenom” holds more than 150 characters.",
        "The column “nom” holds more than 150 characters.",
        "The column “societe” holds more than 200 characters.",
    ]
    assert len(rows[0].email) <= 101  # the report repeats the start of a value, not all of it


def test_a_value_repeated_in_a_message_is_cut_short():
    with translation.override("en"):
        _layout, rows = rows_of(f"email;langue\nana@example.fr;{'x' * 5000}\n".encode())
    assert len(rows[0].reasons[0]) < 200 and "…" in rows[0].reasons[0]


@pytest.mark.parametrize(
    ("cell", "character"),
    [("Du\x00pont", "U+0000"), ("Dupont\x1b[2J", "U+001B"), ("Du\x7fpont", "U+007F"), ("Du\x9bpont", "U+009B")],
)
def test_a_control_character_rejects_its_line_naming_the_column_and_the_character(cell, character):
    data = f"email;nom\nana@example.fr;Martin\nbruno@example.fr;{cell}\n".encode()
    with translation.override("en"):
        _layout, rows = rows_of(data)
    assert isinstance(rows[0], ContactRow)
    assert isinstance(rows[1], RejectedRow) and rows[1].line == 3
    assert rows[1].reasons == [
        f"The column “nom” holds an invisible control character ({character}), which cannot be stored: remove it."
    ]


def test_a_nul_in_the_address_is_said_once_and_never_repeated():
    _layout, rows = rows_of(b"email;nom\nana@exam\x00ple.fr;Martin\n")
    assert len(rows[0].reasons) == 1
    assert "\x00" not in rows[0].email and "\x00" not in rows[0].reasons[0]


def test_a_nul_in_an_ignored_column_is_never_stored_so_never_refused():
    _layout, rows = rows_of(b"email;notes\nana@example.fr;a\x00b\n")
    assert isinstance(rows[0], ContactRow)


def test_bidirectional_controls_are_dropped_from_names_and_companies():
    data = (
        "email;prenom;nom;societe\n"
        "ana@example.fr;\u2066Ana\u2069;\u202eDupont;Lac\u202a\u202b\u202c\u202d\u2067\u2068\n"
    )
    _layout, rows = rows_of(data.encode())
    assert (rows[0].first_name, rows[0].last_name, rows[0].company) == ("Ana", "Dupont", "Lac")


def test_tabs_and_line_breaks_in_a_cell_become_spaces():
    _layout, rows = rows_of(b'email;nom\nana@example.fr;"Du\tpont\r\nJunior"\n')
    assert rows[0].last_name == "Du pont Junior"


def test_a_file_of_too_many_lines_is_refused_as_a_whole(monkeypatch):
    monkeypatch.setattr("contacts.importing.parsing.MAX_LINES", 4)
    _layout, rows = rows_of(b"email\na@example.fr\nb@example.fr\nc@example.fr\n")
    assert len(rows) == 3
    _layout, rows, _counter = read_layout(io.BytesIO(b"email\na@example.fr\n\nb@example.fr\nc@example.fr\n"))
    with pytest.raises(FileError):
        list(rows)


def test_a_file_whose_lines_end_with_a_carriage_return_alone_is_read_line_by_line():
    _layout, rows = rows_of(b"email;nom\ra@example.fr;Dupont\r\rb@example.fr;Martin\r")
    assert [(row.line, row.last_name) for row in rows] == [(2, "Dupont"), (4, "Martin")]


def test_a_carriage_return_alone_inside_a_value_rejects_its_line_only():
    with translation.override("en"):
        _layout, rows = rows_of(b"email;nom\na@example.fr;Du\rpont\nb@example.fr;Martin\n")
    assert rows[0].line == 2 and rows[0].reasons == ["This line cannot be read: check its quotes and separators."]
    assert (rows[1].line, rows[1].last_name) == (3, "Martin")


@pytest.mark.parametrize("chunk_size", [1, 7, 64])
def test_lines_longer_than_a_read_chunk_are_read_whole(monkeypatch, chunk_size):
    data = (
        "email;prenom;nom\r\n"
        f"ana@example.fr;{'A' * 300};Dupont\r\n"
        'bruno@example.fr;"Bruno\r\nJunior";Martin\r\n'
        "chloé@example.fr;Chloé;Martin"
    ).encode()
    expected = rows_of(data)
    monkeypatch.setattr("contacts.importing.parsing.CHUNK_SIZE", chunk_size)
    assert rows_of(data) == expected
    assert [row.line for row in expected[1]] == [2, 3, 4]
    assert (expected[1][1].first_name, expected[1][2].email) == ("Bruno Junior", "chloé@example.fr")


def test_after_an_unquoted_cell_too_long_holding_a_quote_the_next_lines_are_read():
    # A quote inside an unquoted value opens nothing: the next line is a line of its own.
    data = f'email;nom\nana@example.fr;O"{"B" * MEGABYTE}\nbruno@example.fr;Martin\nchloe@example.fr;"Du""pont"\n'
    _layout, rows = rows_of(data.encode())
    assert [(row.line, type(row).__name__) for row in rows] == [
        (2, "RejectedRow"),
        (3, "ContactRow"),
        (4, "ContactRow"),
    ]
    assert rows[2].last_name == 'Du"pont'


def test_after_a_quoted_cell_too_long_a_doubled_quote_at_a_line_end_does_not_close_it():
    data = f'email;nom\nana@example.fr;"{"B" * MEGABYTE}""\n""still in the value"\nbruno@example.fr;Martin\n'
    _layout, rows = rows_of(data.encode())
    assert [(row.line, type(row).__name__) for row in rows] == [(2, "RejectedRow"), (3, "ContactRow")]


def test_the_record_end_after_a_refused_record_is_where_the_csv_module_puts_it():
    """Every line of up to 7 letters, quotes and separators: in a quoted value after it, as the csv module says."""
    import csv
    import itertools

    from contacts.importing.parsing import _still_in_quotes

    for length in range(8):
        for letters in itertools.product('a";', repeat=length):
            line = "".join(letters) + "\n"
            pulled = []

            def source(line=line, pulled=pulled):
                for text in (line, "z\n"):
                    pulled.append(text)
                    yield text

            next(csv.reader(source(), delimiter=";", strict=False), None)
            assert _still_in_quotes(line, ";", False) == (len(pulled) > 1), line
            assert _still_in_quotes(line, ";", True) == _still_in_quotes('"' + line, ";", False), line

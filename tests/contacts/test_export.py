"""Contacts exports: CSV and XLSX, safe in a spreadsheet, streamed, with the list's filters."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contacts.exports import spreadsheet_safe
from contacts.importing import contact_import_preview
from contacts.models import User
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


DANGEROUS = ['=HYPERLINK("http://x")', "+33 1 02", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def dangerous_contacts():
    account = AccountFactory(name="=cmd|' /C calc'!A0")
    return [
        UserFactory(email=f"p{n}@example.fr", first_name=value, last_name=value, account=account)
        for n, value in enumerate(DANGEROUS)
    ]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


@pytest.mark.parametrize("value", DANGEROUS)
def test_no_cell_can_start_a_formula(value):
    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe("Dupont") == "Dupont"
    assert spreadsheet_safe("") == ""


def test_csv_export_of_all_contacts_is_semicolon_utf8_bom_and_formula_safe(staff_client, dangerous_contacts):
    response = staff_client.get(reverse("admin:contacts_user_export") + "?format=csv")
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')
    rows = read_csv(response)
    assert rows[0][:6] == ["email", "prenom", "nom", "societe", "langue", "client_depuis"]
    data = rows[1:]
    assert len(data) == len(DANGEROUS)  # staff are not exported
    for row, value in zip(data, DANGEROUS, strict=True):
        assert row[1] == "'" + value
        assert row[2] == "'" + value
        assert row[3] == "'=cmd|' /C calc'!A0"
    for row in data:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_xlsx_export_holds_text_cells_only(staff_client, dangerous_contacts):
    response = staff_client.get(reverse("admin:contacts_user_export") + "?format=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]][:3] == ["email", "prenom", "nom"]
    assert len(rows) == 1 + len(DANGEROUS)
    for cells in rows[1:]:
        for cell in cells:
            assert cell.data_type in ("s", "inlineStr"), cell.value  # text, never "f" (formula)
            assert not str(cell.value or "").startswith(("=", "+", "-", "@", "\t", "\r"))
    assert sorted(row[1].value for row in rows[1:]) == sorted("'" + value for value in DANGEROUS)


def test_export_follows_the_list_s_filters_and_search(staff_client):
    UserFactory(email="ana@example.fr", first_name="Ana", state=User.State.NOT_REGISTERED)
    UserFactory(email="bruno@example.fr", first_name="Bruno", state=User.State.ACTIVE)
    url = reverse("admin:contacts_user_export")
    rows = read_csv(staff_client.get(url + "?state__exact=not_registered&format=csv"))
    assert [row[0] for row in rows[1:]] == ["ana@example.fr"]
    rows = read_csv(staff_client.get(url + "?q=bruno&format=csv"))
    assert [row[0] for row in rows[1:]] == ["bruno@example.fr"]


def test_export_action_on_selected_contacts(staff_client):
    chosen = UserFactory(email="ana@example.fr")
    UserFactory(email="bruno@example.fr")
    response = staff_client.post(
        reverse("admin:contacts_user_changelist"),
        {"action": "export_selected_csv", "_selected_action": [chosen.pk]},
    )
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == ["ana@example.fr"]


def test_an_export_imports_back_unchanged(staff_client, dangerous_contacts, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    response = staff_client.get(reverse("admin:contacts_user_export") + "?format=csv")
    name = default_storage.save("imports/contacts/back.csv", ContentFile(b"".join(response.streaming_content)))
    report = contact_import_preview(file_name=name)
    assert report.ok, report.rejected
    # Only the values that began with a tab or a carriage return come back trimmed.
    assert (report.created, report.updated, report.unchanged) == (0, 2, len(DANGEROUS) - 2)


def test_export_query_count_does_not_grow_with_the_contacts(staff_client, django_assert_max_num_queries):
    account = AccountFactory()
    for n in range(30):
        UserFactory(email=f"many{n}@example.fr", account=account)
    with django_assert_max_num_queries(8):
        read_csv(staff_client.get(reverse("admin:contacts_user_export") + "?format=csv"))

"""A staff member imports contacts: a rejected file, then a good one previewed and confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from contacts.models import User
from tests.factories import PASSWORD, StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILES = Path(__file__).resolve().parents[1] / "contacts" / "import_files"


@pytest.fixture
def staff(transactional_db):
    return StaffUserFactory(email="atelier@example.fr")


def test_staff_import_with_preview_and_confirmation(
    page, live_server, staff, login, assert_no_axe_violations, screenshot
):
    login(page, "atelier@example.fr", PASSWORD)
    page.goto(f"{live_server.url}/admin/contacts/user/")
    page.get_by_role("link", name="Importer des contacts").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)

    # A file with bad lines: the preview names them with the spreadsheet's line numbers, nothing can be confirmed.
    page.get_by_label("Fichier CSV").set_input_files(str(FILES / "bad_row_middle.csv"))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()
    rejected = page.get_by_role("table", name="Lignes refusées")
    assert rejected.get_by_role("row").nth(1).get_by_role("cell").first.inner_text() == "5"
    assert "trois-at-example.fr" in rejected.inner_text()
    assert page.get_by_role("button", name="Confirmer l’import").is_disabled()
    screenshot(page, "rejected")
    assert_no_axe_violations(page)

    # A good file: preview, then confirmation.
    page.get_by_role("link", name="Déposer un autre fichier").click()
    page.get_by_label("Fichier CSV").set_input_files(str(FILES / "excel_utf8_bom_semicolon.csv"))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_load_state()
    assert "Chloé Martin" in page.content()
    assert User.objects.filter(email="ana@example.fr").count() == 0
    screenshot(page, "preview")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer l’import").click()
    page.wait_for_load_state()
    assert "Import terminé : 3 contacts créés, 0 mis à jour, 0 inchangés." in page.inner_text("body")
    assert User.objects.filter(state=User.State.NOT_REGISTERED).count() == 3
    screenshot(page, "result")
    assert_no_axe_violations(page)

"""A customer sends the PDFs of a product from its page, as in a browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from files.models import ProductFile
from tests.factories import PASSWORD, UserFactory
from tests.files.factories import ProductFactory, write_pdf

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_customer_uploads_a_pdf_and_sees_its_check(
    page, live_server, login, assert_no_axe_violations, screenshot, tmp_path
):
    customer = UserFactory()
    product = ProductFactory(account=customer.account, title="Carnet de croquis", page_count=8)
    good = write_pdf(tmp_path / "interieur-final.pdf", pages=8)
    renamed = tmp_path / "notes.pdf"
    renamed.write_text("Ceci est un texte, pas un PDF.\n" * 50)

    login(page, customer.email, PASSWORD)
    page.goto(f"{live_server.url}/library/{product.pk}/")
    upload = page.locator("form.files-panel__upload")
    expect(upload).to_be_visible()
    expect(page.get_by_text("Aucun fichier pour ce produit pour l’instant.")).to_be_visible()
    assert_no_axe_violations(page)

    # A text file named .pdf is refused by its content, with the reason next to the field.
    upload.get_by_label("Type de fichier").select_option(label="Intérieur")
    upload.get_by_label("Fichier PDF").set_input_files(str(renamed))
    upload.get_by_role("button", name="Envoyer le fichier").click()
    expect(page.locator(".field__errors")).to_contain_text("Ce fichier n’est pas un PDF")
    assert not ProductFile.objects.exists()

    # A real PDF goes up with the progress bar, is checked and shows its verdict and thumbnail.
    upload = page.locator("form.files-panel__upload")
    upload.get_by_label("Type de fichier").select_option(label="Intérieur")
    upload.get_by_label("Fichier PDF").set_input_files(good)
    upload.get_by_role("button", name="Envoyer le fichier").click()
    row = page.locator(".product-file", has_text="interieur-final.pdf")
    expect(row).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="a bien été reçu")).to_be_visible()
    expect(row.locator(".preflight")).to_contain_text("Conforme")
    expect(row).to_contain_text("8 pages, comme commandé.")
    expect(row.get_by_role("img", name="Première page de interieur-final.pdf")).to_be_visible()
    screenshot(page, "uploaded")
    assert_no_axe_violations(page)

    # The file downloads under its own name.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="interieur-final.pdf", exact=True).click()
    assert download_info.value.suggested_filename == "interieur-final.pdf"

    # Deleting asks first, then comes back to the product page.
    row.get_by_role("link", name=re.compile("Supprimer")).click()
    expect(page.get_by_role("heading", name="Supprimer un fichier")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Supprimer le fichier").click()
    expect(page).to_have_url(re.compile(rf"/library/{product.pk}/$"))
    expect(page.get_by_text("« interieur-final.pdf » a été supprimé.")).to_be_visible()
    assert not ProductFile.objects.exists()

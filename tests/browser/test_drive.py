"""The drive in a browser: upload to "My files", attach to a product, submit the order, find the file
in the drive's read-only order folder; axe finds nothing on the drive's pages.

The drive's own strings are matched by their elements (names, classes), not their words: their French
is merged by the lead after this test was written.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from drive.models import DriveAttachment, DriveEntry
from files.models import ProductFile
from tests.factories import PASSWORD, UserFactory
from tests.files.factories import write_pdf
from tests.orders.factories import submittable_order

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_upload_to_my_files_attach_to_a_product_and_find_it_in_the_drive_after_the_order(
    page, live_server, login, assert_no_axe_violations, screenshot, tmp_path
):
    customer = UserFactory()
    order = submittable_order(account=customer.account, name="Carnets d’été")
    line = order.baskets.get().lines.get()
    product = line.product
    interior = write_pdf(tmp_path / "intérieur été.pdf", pages=product.page_count or 8)
    notes = tmp_path / "notes.txt"
    notes.write_text("Épreuves à relire.\n", encoding="utf-8")

    login(page, customer.email, PASSWORD)
    page.goto(f"{live_server.url}/drive/")
    assert_no_axe_violations(page)
    upload = page.locator("form[data-drive-upload]")
    upload.locator('input[type="file"]').set_input_files([interior, str(notes)])
    with page.expect_navigation():
        upload.locator('button[type="submit"]').click()
    expect(page.locator(".drive-table")).to_contain_text("intérieur été.pdf")
    expect(page.locator(".drive-table")).to_contain_text("notes.txt")
    screenshot(page, "my-files")
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/library/{product.pk}/?order={order.pk}")
    attach = page.locator("form.drive-attach")
    expect(attach).to_be_visible()
    assert_no_axe_violations(page)
    attach.locator('select[name="entry"]').select_option(label="intérieur été.pdf")
    expect(attach.locator('select[name="entry"] option', has_text="notes.txt")).to_have_count(0)
    attach.locator('select[name="kind"]').select_option(value="interior")
    with page.expect_navigation():
        attach.locator('button[type="submit"]').click()
    expect(page.locator(".product-file", has_text="intérieur été.pdf")).to_be_visible()
    screenshot(page, "attached")
    product_file = ProductFile.objects.get(product=product)
    assert DriveAttachment.objects.get(product_file=product_file).entry.name == "intérieur été.pdf"

    page.goto(f"{live_server.url}/orders/{order.pk}/verify/")
    with page.expect_navigation():
        page.locator(f'form[action="/orders/{order.pk}/submit/"] button[type="submit"]').click()
    order.refresh_from_db()
    assert order.number

    page.goto(f"{live_server.url}/drive/archive/")
    assert_no_axe_violations(page)
    page.locator(".drive-table th a", has_text="Commandes").click()
    page.locator(".drive-table th a", has_text=order.number).click()
    page.locator(".drive-table th a", has_text=product.title).click()
    row = page.locator(".drive-table tr", has_text="intérieur été.pdf")
    expect(row).to_be_visible()
    expect(row.locator("a[href*='/delete/']")).to_have_count(0)  # kept by the portal
    screenshot(page, "archive")
    assert_no_axe_violations(page)
    copy = DriveEntry.objects.get(product_file=product_file)
    assert copy.read_only and copy.sha256 == product_file.sha256

    with page.expect_navigation():
        row.locator("a[href*='/preview/']").click()
    expect(page).to_have_url(re.compile(rf"/drive/entry/{copy.pk}/preview/$"))
    assert_no_axe_violations(page)
    screenshot(page, "preview")

    page.goto(f"{live_server.url}/drive/apps/")
    assert_no_axe_violations(page)

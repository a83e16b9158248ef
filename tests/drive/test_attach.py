"""Attaching a "My files" PDF to a product's file slot, without sending it again."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from drive import attachments, services
from drive.models import DriveAttachment, DriveEntry
from files.models import ProductFile
from tests.factories import AccountFactory
from tests.files.factories import ProductFactory, pdf_bytes

pytestmark = pytest.mark.django_db


def my_pdf(account, name="interieur.pdf", *, pages=8, user=None):
    data = pdf_bytes(pages=pages)
    return services.file_upload(
        account=account,
        space="my_files",
        parent=None,
        upload=SimpleUploadedFile(name, data, content_type="application/pdf"),
        sha256=hashlib.sha256(data).hexdigest(),
        user=user,
        content_type="application/pdf",
    )


def test_the_product_page_offers_my_files_pdfs(customer_client, customer):
    product = ProductFactory(account=customer.account)
    my_pdf(customer.account, "couverture-été.pdf")
    services.file_upload(
        account=customer.account,
        space="my_files",
        parent=None,
        upload=SimpleUploadedFile("notes.txt", b"x"),
        sha256="",
        user=None,
        content_type="text/plain",
    )
    page = customer_client.get(reverse("files:product", args=[product.pk])).content.decode()
    assert "couverture-été.pdf" in page and "notes.txt" not in page
    assert reverse("drive:attach") in page


def test_attaching_copies_the_pdf_into_the_slot_through_the_files_service(customer_client, customer, settings):
    product = ProductFactory(account=customer.account, page_count=8)
    entry = my_pdf(customer.account)
    response = customer_client.post(
        reverse("drive:attach"),
        {"product": product.pk, "entry": entry.pk, "kind": "interior", "next": f"/library/{product.pk}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/library/{product.pk}/"
    product_file = ProductFile.objects.get(product=product)
    assert product_file.kind == "interior" and product_file.original_name == "interieur.pdf"
    assert product_file.sha256 == entry.sha256 and product_file.page_count == 8
    assert product_file.file.name.startswith(f"products/{customer.account_id}/")
    assert product_file.file.read() == entry.file.open("rb").read()
    assert product_file.preflight_status == "pending"
    assert DriveAttachment.objects.get().entry == entry
    assert DriveEntry.objects.filter(pk=entry.pk).exists()  # the drive keeps its own copy


def test_another_accounts_file_or_product_is_not_found(customer_client, customer):
    mine = ProductFactory(account=customer.account)
    theirs = ProductFactory(account=AccountFactory())
    their_pdf = my_pdf(theirs.account)
    own_pdf = my_pdf(customer.account)
    attach = reverse("drive:attach")
    assert customer_client.post(attach, {"product": theirs.pk, "entry": own_pdf.pk, "kind": "cover"}).status_code == 404
    answer = customer_client.post(attach, {"product": mine.pk, "entry": their_pdf.pk, "kind": "cover"})
    assert answer.status_code == 400  # not among the reader's choices
    assert customer_client.post(attach, {"product": "²", "entry": own_pdf.pk, "kind": "cover"}).status_code == 404
    assert not ProductFile.objects.exists()


def test_a_full_product_and_a_pdf_the_intake_refuses_get_a_message_next_to_the_field(customer_client, customer):
    product = ProductFactory(account=customer.account)
    for _ in range(ProductFile.MAX_PER_PRODUCT):
        attachments.file_attach(entry=my_pdf(customer.account, f"f{_}.pdf"), product=product, kind="cover", user=None)
    extra = my_pdf(customer.account, "de-trop.pdf")
    response = customer_client.post(
        reverse("drive:attach"), {"product": product.pk, "entry": extra.pk, "kind": "cover"}
    )
    assert response.status_code == 400
    assert "replace or delete" in response.content.decode() or "remplacez" in response.content.decode().lower()
    assert ProductFile.objects.filter(product=product).count() == ProductFile.MAX_PER_PRODUCT

    other = ProductFactory(account=customer.account)
    broken = my_pdf(customer.account, "cassé.pdf")
    broken.file.open("wb").write(b"%PDF-1.7\n" + b"\0" * 2000)
    broken.file.close()
    with pytest.raises(attachments.PdfRefused):
        attachments.file_attach(entry=broken, product=other, kind="cover", user=None)
    assert not ProductFile.objects.filter(product=other).exists()


def test_a_file_used_by_an_order_in_production_cannot_change(customer, settings):
    from tests.orders.factories import BasketFactory, LineFactory, OrderFactory

    product = ProductFactory(account=customer.account)
    entry = my_pdf(customer.account)
    attachments.file_attach(entry=entry, product=product, kind="interior", user=None)
    order = OrderFactory(account=customer.account, status="in_production", number="C2026-0042")
    LineFactory(basket=BasketFactory(order=order), product=product)
    with pytest.raises(services.InProduction) as refused:
        services.entry_delete(entry=entry)
    assert refused.value.params["order"] == "C2026-0042"
    with pytest.raises(services.InProduction):
        services.entry_rename(entry=entry, name="autre.pdf")
    data = pdf_bytes(pages=2)
    with pytest.raises(services.InProduction):
        services.file_upload(
            account=customer.account,
            space="my_files",
            parent=None,
            upload=SimpleUploadedFile("interieur.pdf", data),
            sha256=hashlib.sha256(data).hexdigest(),
            user=None,
            content_type="application/pdf",
            replace=True,
        )
    assert DriveEntry.objects.get(pk=entry.pk).sha256 == entry.sha256
    order.status = "shipped"
    order.save(update_fields=["status"])
    services.entry_rename(entry=entry, name="autre.pdf")


def test_the_browser_delete_page_names_the_order(customer_client, customer):
    from tests.orders.factories import BasketFactory, LineFactory, OrderFactory

    product = ProductFactory(account=customer.account)
    entry = my_pdf(customer.account)
    attachments.file_attach(entry=entry, product=product, kind="interior", user=None)
    order = OrderFactory(account=customer.account, status="accepted", number="C2026-0077")
    LineFactory(basket=BasketFactory(order=order), product=product)
    response = customer_client.post(reverse("drive:delete", args=[entry.pk]))
    assert response.status_code == 400 and "C2026-0077" in response.content.decode()
    listing = customer_client.get(reverse("drive:my_files")).content.decode()
    assert "C2026-0077" in listing and reverse("drive:delete", args=[entry.pk]) not in listing
    assert DriveEntry.objects.filter(pk=entry.pk).exists()

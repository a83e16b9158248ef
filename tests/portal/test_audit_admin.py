"""The audit log in the administration: staff's saves and deletions write rows, each object's page
shows its rows, its "History" opens them in the read-only audit list."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse

from library.models import Product
from portal.audit import audit_entries_of, audit_record
from portal.models import AuditEntry
from tests.library.factories import ProductFactory

pytestmark = pytest.mark.django_db


def product_form(product: Product, **changes) -> dict:
    data = {
        "account": product.account_id,
        "title": product.title,
        "doc_number": product.doc_number,
        "binding": product.binding_id or "",
        "paper_format": product.paper_format_id or "",
        "width_mm": product.width_mm or "",
        "height_mm": product.height_mm or "",
        "page_count": product.page_count,
        "interior_print_type": product.interior_print_type_id or "",
        "quantity_to_print": product.quantity_to_print,
        "cover_paper": product.cover_paper_id or "",
        "interior_paper": product.interior_paper_id or "",
        "isbn": product.isbn,
        "attached_document_name": product.attached_document_name,
        "remarks": product.remarks,
        "files-TOTAL_FORMS": "0",
        "files-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_a_staff_change_in_admin_writes_a_row_with_the_fields_from_and_to(client, staff_user):
    product = ProductFactory(title="Carnet")
    client.force_login(staff_user)
    url = reverse("admin:library_product_change", args=[product.pk])

    response = client.post(url, product_form(product, title="Carnet de voyage", doc_number="DOC-7"))

    assert response.status_code == 302, response.content.decode()[:2000]
    (entry,) = audit_entries_of(product)
    assert (entry.action, entry.actor, entry.actor_label, entry.account_id) == (
        "changed",
        staff_user,
        "admin",
        product.account_id,
    )
    assert entry.changes == {"title": ["Carnet", "Carnet de voyage"], "doc_number": ["", "DOC-7"]}


def test_the_objects_page_shows_its_rows_and_its_history_opens_the_audit_list(client, staff_user):
    product = ProductFactory(title="Carnet")
    with transaction.atomic():
        audit_record(
            actor=staff_user,
            action="changed",
            obj=product,
            account_id=product.account_id,
            changes={"page_count": [8, 12]},
            message="Épaisseur revue",
        )
    client.force_login(staff_user)

    html = client.get(reverse("admin:library_product_change", args=[product.pk])).content.decode()
    assert "Épaisseur revue" in html and "page_count" in html and str(staff_user) in html

    history = client.get(reverse("admin:library_product_history", args=[product.pk]))
    content_type = ContentType.objects.get_for_model(Product)
    assert history.status_code == 302
    assert f"content_type__id__exact={content_type.pk}" in history["Location"]
    listing = client.get(history["Location"])
    assert [row.message for row in listing.context["cl"].result_list] == ["Épaisseur revue"]


def test_deleting_through_the_admin_action_writes_a_row_per_object_in_the_same_transaction(client, staff_user):
    products = [ProductFactory(title=f"Carnet {n}") for n in range(2)]
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:library_product_changelist"),
        {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [p.pk for p in products]},
    )
    assert response.status_code == 302
    assert not Product.objects.exists()
    rows = AuditEntry.objects.filter(action="deleted").order_by("object_repr")
    assert [(row.object_repr, row.actor) for row in rows] == [("Carnet 0", staff_user), ("Carnet 1", staff_user)]


def test_the_audit_list_is_read_only_and_filters_by_action(client, staff_user):
    product = ProductFactory()
    with transaction.atomic():
        audit_record(actor=None, action="created", obj=product, message="premier")
        audit_record(actor=None, action="changed", obj=product, message="second")
    client.force_login(staff_user)
    listing = client.get(reverse("admin:portal_auditentry_changelist"), {"action": "changed"})
    assert [row.message for row in listing.context["cl"].result_list] == ["second"]
    assert client.get(reverse("admin:portal_auditentry_add")).status_code == 403
    entry = AuditEntry.objects.get(action="changed")
    page = client.get(reverse("admin:portal_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content

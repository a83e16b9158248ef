"""The kernel's documents: issued once, rendered in the worker's task, stored, served, re-issued, purged.

The kinds here are registered by the tests on orders (a changing object, keyed by its name) and on
quotes' rows taken as immutable, with a renderer that counts its calls; the worker's task is called
directly, as the worker would.
"""

from __future__ import annotations

import hashlib
import re
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from orders.models import Order
from portal import documents
from portal.audit import audit_entries_of
from portal.documents.responses import stored_document_response
from portal.documents.services import document_issue, document_reissue, document_then, documents_unreferenced
from portal.documents.tasks import render_document
from portal.models import Document
from tests.factories import AccountFactory, OrderFactory, UserFactory
from tests.portal.documents_support import wsgi_get

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 test document\n%%EOF\n"


@pytest.fixture
def renderer():
    """A renderer that counts its calls; registered for two kinds, removed after the test."""
    render = mock.Mock(side_effect=lambda obj, language: PDF + f"{obj.pk}-{language}-{obj.name}".encode())
    options = {"filename": lambda order: f"order-{order.pk}.pdf", "download_url": lambda order: f"/o/{order.pk}.pdf"}
    documents.register("test-sheet", render, model=Order, **options)
    documents.register("test-cart", render, model=Order, content_key=lambda order: order.name, **options)
    yield render
    documents.unregister("test-sheet")
    documents.unregister("test-cart")


@pytest.fixture
def order(customer):
    return OrderFactory(account=customer.account, name="Rentrée")


def test_an_immutable_document_is_rendered_once_per_language(renderer, order):
    first = document_issue(kind="test-sheet", obj=order, language="fr")
    again = document_issue(kind="test-sheet", obj=order, language="fr")
    assert again.pk == first.pk and first.is_pending
    render_document(first.pk)
    render_document(first.pk)  # a redelivered task finds it stored
    assert renderer.call_count == 1
    assert document_issue(kind="test-sheet", obj=order, language="fr").pk == first.pk
    english = document_issue(kind="test-sheet", obj=order, language="en")
    render_document(english.pk)
    assert english.pk != first.pk
    assert [call.args[1] for call in renderer.call_args_list] == ["fr", "en"]
    assert Document.objects.count() == 2


def test_the_render_stores_the_pdf_under_a_generated_key_with_its_hash_and_size(renderer, order):
    document = document_issue(kind="test-sheet", obj=order, language="fr")
    render_document(document.pk)
    document.refresh_from_db()
    data = default_storage.open(document.storage_name).read()
    assert document.is_ready and document.rendered_at
    assert re.fullmatch(r"documents/test-sheet/[0-9a-f]{32}\.pdf", document.storage_name)  # says nothing of the order
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert data.startswith(PDF)


def test_an_unchanged_content_keyed_document_is_not_rendered_again(renderer, order):
    first = document_issue(kind="test-cart", obj=order, language="fr")
    render_document(first.pk)
    order.refresh_from_db()
    same = document_issue(kind="test-cart", obj=order, language="fr")
    render_document(same.pk)
    assert same.pk == first.pk
    assert renderer.call_count == 1


def test_a_changed_content_keyed_document_is_rendered_again_as_a_new_version(renderer, order):
    first = document_issue(kind="test-cart", obj=order, language="fr")
    render_document(first.pk)
    order.name = "Rentrée, avec deux titres de plus"
    order.save(update_fields=["name"])
    changed = document_issue(kind="test-cart", obj=order, language="fr")
    render_document(changed.pk)
    first.refresh_from_db()
    changed.refresh_from_db()
    assert changed.pk != first.pk and changed.version == 2 and changed.is_current
    assert not first.is_current
    assert renderer.call_count == 2
    assert b"deux titres" in default_storage.open(changed.storage_name).read()


def test_a_failed_render_is_recorded_and_tried_again_when_asked_again(renderer, order):
    renderer.side_effect = RuntimeError("layout failed")
    document = document_issue(kind="test-sheet", obj=order, language="fr")
    with pytest.raises(RuntimeError):
        render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED and "layout failed" in document.error
    renderer.side_effect = None
    renderer.return_value = PDF
    again = document_issue(kind="test-sheet", obj=order, language="fr")
    assert again.pk == document.pk and again.is_pending
    render_document(again.pk)
    again.refresh_from_db()
    assert again.is_ready


def test_a_re_issue_makes_a_new_version_and_keeps_the_old_one(renderer, order, staff_user):
    first = document_issue(kind="test-sheet", obj=order, language="fr")
    render_document(first.pk)
    first.refresh_from_db()
    fresh = document_reissue(document=first, user=staff_user)
    render_document(fresh.pk)
    first.refresh_from_db()
    fresh.refresh_from_db()
    assert (fresh.version, fresh.is_current, fresh.is_ready) == (2, True, True)
    assert not first.is_current
    assert default_storage.exists(first.storage_name) and default_storage.exists(fresh.storage_name)
    assert renderer.call_count == 2
    assert document_issue(kind="test-sheet", obj=order, language="fr").pk == fresh.pk
    # The old version stays reachable from the object's audit log.
    (entry,) = audit_entries_of(order).filter(action="document_reissued")
    assert entry.actor == staff_user and entry.changes["document"] == [first.pk, fresh.pk]


def test_documents_are_visible_only_through_their_objects_scoped_queryset(renderer, order, customer):
    mine = document_issue(kind="test-sheet", obj=order, language="fr")
    stranger = UserFactory(account=AccountFactory())
    theirs = document_issue(kind="test-sheet", obj=OrderFactory(account=stranger.account), language="fr")
    assert list(Document.objects.visible_to(customer)) == [mine]
    assert list(Document.objects.visible_to(stranger)) == [theirs]


def test_the_status_fragment_polls_while_pending_then_links_the_download(renderer, order, customer_client):
    document = document_issue(kind="test-sheet", obj=order, language="fr")
    url = reverse("portal:document_status", args=[document.pk])
    pending = customer_client.get(url)
    assert pending.status_code == 200
    assert f'hx-get="{url}"' in pending.text and 'hx-trigger="every 1s"' in pending.text
    assert "data-document-pending" in pending.text
    render_document(document.pk)
    ready = customer_client.get(url)
    assert "hx-get" not in ready.text
    assert f'href="/o/{order.pk}.pdf"' in ready.text


def test_the_status_fragment_of_another_accounts_document_is_not_found(renderer, customer_client):
    other = document_issue(kind="test-sheet", obj=OrderFactory(), language="fr")
    assert customer_client.get(reverse("portal:document_status", args=[other.pk])).status_code == 404


def test_a_download_is_a_redirect_to_a_signed_link_that_streams_the_file(renderer, order, rf):
    document = document_issue(kind="test-sheet", obj=order, language="fr")
    render_document(document.pk)
    document.refresh_from_db()
    response = stored_document_response(rf.get("/"), document, filename="devis-D2026-000001.pdf")
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    download = wsgi_get(response["Location"])
    assert download.status == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="devis-D2026-000001.pdf"'
    assert download.headers["Content-Length"] == str(len(download.body)) == str(document.size)
    assert download.headers["Cache-Control"].startswith("private, max-age=")
    assert download.headers["ETag"] == f'"{hashlib.sha256(download.body).hexdigest()}"'
    again = stored_document_response(rf.get("/", HTTP_IF_NONE_MATCH=f'"{document.sha256}"'), document, filename="x.pdf")
    assert again.status_code == 304
    assert renderer.call_count == 1


def test_on_s3_a_download_is_a_short_lived_presigned_link(renderer, order, rf, settings):
    document = document_issue(kind="test-sheet", obj=order, language="fr")
    render_document(document.pk)
    document.refresh_from_db()
    settings.STORAGE_BACKEND = "s3"
    storage = mock.Mock()
    storage.exists.return_value = True
    storage.url.return_value = "https://bucket.example/documents/x.pdf?X-Amz-Signature=abc"
    with mock.patch("portal.documents.responses.default_storage", storage):
        response = stored_document_response(rf.get("/"), document, filename="devis.pdf")
    assert response.status_code == 302 and response["Location"] == storage.url.return_value
    _, kwargs = storage.url.call_args
    assert kwargs["expire"] <= 300
    assert kwargs["parameters"]["ResponseContentDisposition"] == 'attachment; filename="devis.pdf"'


def test_a_task_chained_on_a_pending_document_runs_after_its_render(
    renderer, order, django_capture_on_commit_callbacks
):
    seen = []
    task = mock.Mock()
    task.delay.side_effect = lambda: seen.append("then")
    document = Document.objects.get(pk=document_issue(kind="test-sheet", obj=order, language="fr").pk)
    with mock.patch("portal.documents.services._enqueue_render") as enqueue:
        document_then(document=document, task=task)
    enqueue.assert_called_once_with(document, task)  # render first, then the task
    render_document(document.pk)
    document.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        document_then(document=document, task=task)
    assert seen == ["then"]


def test_the_operator_command_lists_and_removes_what_nothing_references(renderer, order, capsys):
    kept = document_issue(kind="test-sheet", obj=order, language="fr")
    gone_order = OrderFactory(account=order.account)
    gone = document_issue(kind="test-sheet", obj=gone_order, language="fr")
    cart = document_issue(kind="test-cart", obj=order, language="fr")
    for document in (kept, gone, cart):
        render_document(document.pk)
    order.name = "Autre contenu"
    order.save(update_fields=["name"])
    new_cart = document_issue(kind="test-cart", obj=order, language="fr")
    render_document(new_cart.pk)
    gone.refresh_from_db()
    cart.refresh_from_db()
    gone_order.delete()
    legacy = default_storage.save("quotes/0123abcd/devis-D2026-000001.pdf", ContentFile(PDF))
    stray = default_storage.save("documents/test-sheet/stray.pdf", ContentFile(PDF))

    found = documents_unreferenced()
    assert {d.pk for d in found.documents} == {gone.pk, cart.pk}
    assert set(found.files) == {legacy, stray}

    call_command("documents_unreferenced")
    listed = capsys.readouterr().out
    assert (
        legacy in listed and gone.storage_name in listed and "2 unreferenced documents, 2 unreferenced files" in listed
    )
    assert Document.objects.count() == 4  # listing removes nothing

    call_command("documents_unreferenced", "--delete")
    assert set(Document.objects.values_list("pk", flat=True)) == {kept.pk, new_cart.pk}
    for name in (legacy, stray, gone.storage_name, cart.storage_name):
        assert not default_storage.exists(name)
    for document in (kept, new_cart):
        document.refresh_from_db()
        assert default_storage.exists(document.storage_name)


def test_a_worker_of_the_documents_queue_warms_every_renderer_and_survives_a_failing_one(caplog):
    from portal.documents.tasks import consumes_documents, warm_renderers

    warmed = []
    documents.register(
        "test-warm", mock.Mock(), model=Order, filename=str, download_url=str, warm=lambda: warmed.append(1)
    )
    documents.register(
        "test-broken",
        mock.Mock(),
        model=Order,
        filename=str,
        download_url=str,
        warm=mock.Mock(side_effect=OSError("no fonts")),
    )
    try:
        warm_renderers()
    finally:
        documents.unregister("test-warm")
        documents.unregister("test-broken")
    assert warmed == [1]
    assert "warming the test-broken renderer failed" in caplog.text
    assert consumes_documents({"documents": object()})
    assert not consumes_documents({"emails": object(), "imports": object()})


def test_worker_processes_warm_only_on_the_documents_queue(monkeypatch):
    from portal import celery as portal_celery

    calls = []
    monkeypatch.setattr("portal.documents.tasks.warm_renderers", lambda: calls.append(1))
    monkeypatch.setattr(portal_celery.app.amqp.queues, "_consume_from", {"emails": object()}, raising=False)
    portal_celery._warm_document_renderers()
    assert calls == []
    monkeypatch.setattr(portal_celery.app.amqp.queues, "_consume_from", {"documents": object()}, raising=False)
    portal_celery._warm_document_renderers()
    assert calls == [1]


def test_the_quote_renderer_warms_without_a_quote():
    from quotes.documents import warm_quote_renderer

    with mock.patch("quotes.documents._weasy", wraps=__import__("quotes.documents").documents._weasy) as weasy:
        warm_quote_renderer()
    weasy.assert_called_once()
    assert documents.document_kind("quote").warm is warm_quote_renderer

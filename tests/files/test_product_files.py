"""Replace, delete, download, status, the preflight task and tenancy of product files."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from files import preflight, services, tasks
from files.models import ProductFile
from tests.factories import UserFactory
from tests.files.factories import ProductFactory, pdf_bytes

pytestmark = pytest.mark.django_db


def stored_file(product, *, pages=8, kind="interior", name="livre.pdf", **kwargs):
    """A file added through the service, its preflight not run yet."""
    data = pdf_bytes(pages=pages, **kwargs)
    return services.product_file_add(
        product=product,
        kind=kind,
        upload=SimpleUploadedFile(name, data),
        sha256=hashlib.sha256(data).hexdigest(),
        user=None,
    )


def test_the_task_checks_the_file_and_stores_a_thumbnail(product):
    product_file = stored_file(product, pages=6)
    tasks.preflight_product_file(product_file.pk)
    product_file.refresh_from_db()
    assert product_file.preflight_status == ProductFile.Preflight.FAILED
    assert product_file.page_count == 6
    assert product_file.preflight_report["sha256"] == product_file.sha256
    assert {r["code"] for r in product_file.preflight_report["reasons"]} >= {"pages_mismatch", "size_ok"}
    assert product_file.thumbnail.name.startswith("thumbnails/")
    assert product_file.thumbnail.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_task_is_idempotent(product, monkeypatch):
    product_file = stored_file(product)
    tasks.preflight_product_file(product_file.pk)
    calls = []
    monkeypatch.setattr(preflight, "run_limited", lambda *a, **k: calls.append(1))
    tasks.preflight_product_file(product_file.pk)
    assert calls == []


def test_the_task_on_a_deleted_file_does_nothing(product):
    product_file = stored_file(product)
    pk = product_file.pk
    services.product_file_delete(product_file=product_file)
    tasks.preflight_product_file(pk)
    assert not ProductFile.objects.exists()


def test_a_check_over_its_time_limit_ends_as_an_error(product, settings, monkeypatch):
    settings.PREFLIGHT_TIME_LIMIT = 1
    monkeypatch.setattr(preflight, "CHECK_MODULE", "tests.files.spin")
    product_file = stored_file(product)
    tasks.preflight_product_file(product_file.pk)
    product_file.refresh_from_db()
    assert product_file.preflight_status == ProductFile.Preflight.ERROR
    assert product_file.preflight_reasons()[0].text == "Le fichier n’a pas pu être vérifié dans le temps imparti."
    assert [r["code"] for r in product_file.preflight_report["reasons"]] == ["timeout"]


def test_a_missing_stored_file_ends_as_an_error(product):
    product_file = stored_file(product)
    product_file.file.storage.delete(product_file.file.name)
    tasks.preflight_product_file(product_file.pk)
    product_file.refresh_from_db()
    assert product_file.preflight_status == ProductFile.Preflight.ERROR


def test_the_task_goes_to_the_preflight_queue(settings):
    from portal.celery import app

    route = app.amqp.router.route({}, tasks.preflight_product_file.name)
    assert route["queue"].name == "preflight"


def test_the_product_size_overrides_the_format(product):
    product.width_mm, product.height_mm = 210, 297
    product.save()
    product_file = stored_file(product, width_mm=210, height_mm=297)
    expectation = services.expectation_for(product_file)
    assert (expectation.width_mm, expectation.height_mm, expectation.page_count) == (210, 297, 8)


def test_replace_keeps_the_row_and_drops_the_old_file(
    customer_client, product, media_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        product_file = stored_file(product, pages=6)
    old_name = product_file.file.name
    product_file.refresh_from_db()
    assert product_file.preflight_status == ProductFile.Preflight.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            reverse("files:replace", args=[product_file.pk]),
            {"kind": "interior", "file": SimpleUploadedFile("v2.pdf", pdf_bytes(pages=8))},
        )
    assert response.status_code == 302
    product_file.refresh_from_db()
    assert product_file.original_name == "v2.pdf"
    assert product_file.file.name != old_name
    assert product_file.preflight_status == ProductFile.Preflight.PASSED
    assert old_name not in media_files()
    assert ProductFile.objects.count() == 1


def test_a_refused_replacement_keeps_the_old_file(customer_client, product, media_files):
    product_file = stored_file(product)
    before = media_files()
    response = customer_client.post(
        reverse("files:replace", args=[product_file.pk]),
        {"kind": "interior", "file": SimpleUploadedFile("v2.pdf", b"not a pdf at all" * 100)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "n’est pas un PDF" in html
    assert f'id="id_replace_{product_file.pk}_file"' in html
    product_file.refresh_from_db()
    assert product_file.original_name == "livre.pdf"
    assert media_files() == before


def test_delete_asks_first_then_removes_row_and_files(
    customer_client, product, media_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        product_file = stored_file(product)
    assert media_files()
    url = reverse("files:delete", args=[product_file.pk])
    response = customer_client.get(url)
    assert response.status_code == 200
    assert "Supprimer « livre.pdf »" in response.content.decode()
    assert ProductFile.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(url, {"next": "/library/"})
    assert response.status_code == 302
    assert response["Location"] == "/library/"
    assert not ProductFile.objects.exists()
    assert media_files() == []


def test_download_is_an_attachment_with_a_clean_name(customer_client, product):
    product_file = stored_file(product, name='../../etc/"livre";\r\nX: y.pdf')
    response = customer_client.get(reverse("files:download", args=[product_file.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition and ".." not in disposition and '"livre"' not in disposition
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_status_fragment_polls_until_checked(customer_client, product):
    product_file = stored_file(product)
    url = reverse("files:status", args=[product_file.pk])
    html = customer_client.get(url).content.decode()
    assert 'hx-trigger="every 3s"' in html
    assert "En attente" in html or "attente" in html.lower()
    tasks.preflight_product_file(product_file.pk)
    html = customer_client.get(url).content.decode()
    assert "hx-trigger" not in html
    assert "Réussie" in html or "8 pages" in html


@pytest.mark.parametrize("name", ["files:download", "files:thumbnail", "files:status", "files:delete"])
def test_another_accounts_file_is_a_404(client, product, name):
    product_file = stored_file(product)
    tasks.preflight_product_file(product_file.pk)
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse(name, args=[product_file.pk])).status_code == 404
    if name == "files:delete":
        assert client.post(reverse(name, args=[product_file.pk])).status_code == 404
        assert ProductFile.objects.exists()


def test_another_accounts_file_cannot_be_replaced_or_listed(client, product):
    product_file = stored_file(product)
    client.force_login(UserFactory())
    response = client.post(
        reverse("files:replace", args=[product_file.pk]),
        {"kind": "interior", "file": SimpleUploadedFile("x.pdf", pdf_bytes())},
    )
    assert response.status_code == 404
    assert client.get(reverse("files:product", args=[product.pk])).status_code == 404
    product_file.refresh_from_db()
    assert product_file.original_name == "livre.pdf"


def test_signed_out_visitors_are_sent_to_sign_in(client, product):
    product_file = stored_file(product)
    response = client.get(reverse("files:download", args=[product_file.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_files_page_keeps_its_query_count(customer_client, product, django_assert_max_num_queries):
    url = reverse("files:product", args=[product.pk])
    customer_client.get(url)
    with django_assert_max_num_queries(8) as one:
        customer_client.get(url)
    for name in ("b.pdf", "c.pdf", "d.pdf"):
        stored_file(product, name=name)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = customer_client.get(url)
    assert response.content.decode().count('class="product-file"') == 3


def test_the_partial_renders_for_a_product_page(rf, customer, product):
    from django.template.loader import render_to_string

    stored_file(product)
    request = rf.get("/library/products/1/")
    request.user = customer
    html = render_to_string("files/_product_files.html", {"product": product}, request=request)
    assert "livre.pdf" in html
    assert f'action="/files/product/{product.pk}/upload/"' in html
    assert 'name="next" value="/library/products/1/"' in html
    assert "files.js" in html


def test_the_admin_lists_and_shows_files(client, staff_user, product):
    product_file = stored_file(product)
    tasks.preflight_product_file(product_file.pk)
    client.force_login(staff_user)
    assert client.get(reverse("admin:files_productfile_changelist")).status_code == 200
    page = client.get(reverse("admin:files_productfile_change", args=[product_file.pk]))
    assert page.status_code == 200
    assert reverse("admin:files_productfile_download", args=[product_file.pk]) in page.content.decode()
    download = client.get(reverse("admin:files_productfile_download", args=[product_file.pk]))
    assert download.status_code == 200


def test_another_product_of_the_same_account_is_fine(customer_client, account):
    other = ProductFactory(account=account)
    assert customer_client.get(reverse("files:product", args=[other.pk])).status_code == 200

"""The public page of the generic link, through the HTTP client."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from files.models import ProductFile
from library.models import Binding, PaperFormat
from orders.models import Order
from portal.pdf_intake import PdfUploadHandler
from submissions.services import submission_link_regenerate
from tests.factories import StaffUserFactory
from tests.submissions.submission_support import make_link, pdf_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def url(link, name="submit"):
    return reverse(f"submission:{name}", args=[link.token])


def form_data(data=None, **overrides):
    return {
        "name": "Jeanne Martin",
        "email": "jeanne@example.fr",
        "title": "Recueil de poèmes",
        "page_count": "48",
        "quantity": "20",
        "remarks": "",
        "pdf": upload(data),
        **overrides,
    }


def test_the_page_asks_for_name_email_pdf_and_settings(client, django_assert_max_num_queries):
    link = make_link()
    with django_assert_max_num_queries(8):
        response = client.get(url(link))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("name", "email", "title", "page_count", "quantity", "pdf", "remarks"):
        assert f'name="{name}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="binding"' not in html  # no catalogue entries, no empty list


def test_catalogue_choices_appear_when_staff_keep_them(client):
    Binding.objects.create(name="Dos carré collé", code="pur", min_pages=32, max_pages=400, page_multiple=4)
    PaperFormat.objects.create(name="A5", code="a5", width_mm=148, height_mm=210)
    html = client.get(url(make_link())).content.decode()
    assert "Dos carré collé" in html and "A5" in html
    assert 'name="width_mm"' not in html  # no custom format offered


def test_a_submission_goes_through_to_the_thank_you_page(client, settings, django_capture_on_commit_callbacks):
    link = make_link()
    binding = Binding.objects.create(name="Dos carré collé", code="pur", min_pages=32, max_pages=400, page_multiple=4)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(link), form_data(binding=str(binding.pk)), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    order = Order.objects.get()
    assert response["Location"] == url(link, "thanks")
    assert order.baskets.get().lines.get().product.binding == binding
    thanks = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert thanks.status_code == 200
    assert order.number in thanks.content.decode()
    (confirmation,) = [m for m in mail.outbox if m.to == ["jeanne@example.fr"]]
    assert "has been received" in confirmation.subject


def test_the_thank_you_page_without_a_submission_goes_back_to_the_form(client):
    link = make_link()
    response = client.get(url(link, "thanks"))
    assert response.status_code == 302
    assert response["Location"] == url(link)


def test_form_errors_are_shown_next_to_the_field_and_nothing_is_stored(client, settings):
    link = make_link()
    Binding.objects.create(name="Spirale", code="spirale", min_pages=8, max_pages=200, page_multiple=2)
    response = client.post(
        url(link), form_data(email="pas-une-adresse", page_count="7", binding=str(Binding.objects.get().pk))
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors
    assert "page_count" in form.errors
    assert Order.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def test_the_bindings_page_multiple_is_enforced_next_to_the_page_count(client):
    link = make_link()
    binding = Binding.objects.create(name="Spirale", code="spirale", min_pages=8, max_pages=200, page_multiple=4)
    response = client.post(url(link), form_data(page_count="10", binding=str(binding.pk)), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["page_count"] == [
        "With the binding “Spirale” the page count must be a multiple of 4."
    ]
    assert Order.objects.count() == 0


def test_an_oversized_upload_is_refused_next_to_the_field(client, settings):
    link = make_link(max_bytes_per_job=50_000)
    response = client.post(url(link), form_data(pdf_bytes(filler=300_000)), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["form"].errors["pdf"]
    assert errors == ["This file is too large: a job may weigh at most 48.8\xa0KB."]
    assert response.context["form"]["name"].value() == "Jeanne Martin"  # the other answers are kept
    # The intake's guard sat first among the upload handlers and let go at the first chunk past the cap.
    guard = response.wsgi_request.upload_handlers[0]
    assert isinstance(guard, PdfUploadHandler)
    assert guard.size <= 50_000 + 64 * 1024 < 300_000
    assert ProductFile.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_custom_format_needs_its_size_and_a_fixed_one_ignores_it(client):
    link = make_link()
    custom = PaperFormat.objects.create(name="Sur mesure", code="perso", is_custom=True)
    fixed = PaperFormat.objects.create(name="A4", code="a4", width_mm=210, height_mm=297)
    response = client.post(url(link), form_data(paper_format=str(custom.pk)))
    assert {"width_mm", "height_mm"} <= set(response.context["form"].errors)
    assert Order.objects.count() == 0
    response = client.post(url(link), form_data(paper_format=str(custom.pk), width_mm="170", height_mm="240"))
    assert response.status_code == 302
    client.post(url(link), form_data(paper_format=str(fixed.pk), width_mm="170", height_mm="240"))
    sizes = set(
        Order.objects.values_list("baskets__lines__product__width_mm", "baskets__lines__product__paper_format__code")
    )
    assert sizes == {(None, "a4"), (170, "perso")}


def test_an_upload_over_what_is_left_of_the_day_is_refused_while_streaming(client, settings):
    data = pdf_bytes(filler=60_000)
    link = make_link(max_bytes_per_day=len(data) + 1000)
    client.post(url(link), form_data(data))
    assert Order.objects.count() == 1
    response = client.post(url(link), form_data(data), HTTP_ACCEPT_LANGUAGE="en")
    assert "what the shop can still receive today" in response.context["form"].errors["pdf"][0]
    assert ProductFile.objects.count() == 1


def test_a_file_that_is_not_a_pdf_is_refused(client, settings):
    link = make_link()
    response = client.post(url(link), form_data(b"\x89PNG\r\n\x1a\n not a pdf"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["pdf"] == [
        "This file is not a PDF. Only PDF files are accepted, whatever their name."
    ]
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_disguised_file_starting_like_a_pdf_is_refused_by_its_content(client, settings):
    link = make_link()
    response = client.post(url(link), form_data(b"%PDF-1.7 but nothing else"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["form"].errors["pdf"] == [
        "This PDF is damaged and cannot be read. Export it again from your software."
    ]
    assert stored_files(settings.MEDIA_ROOT) == []


def test_when_the_day_is_full_the_page_says_so(client):
    link = make_link(max_jobs_per_day=1)
    client.post(url(link), form_data())
    response = client.get(url(link), HTTP_ACCEPT_LANGUAGE="en")
    assert "No more jobs today" in response.content.decode()
    response = client.post(url(link), form_data())
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "status", "heading"),
    [
        ({"is_enabled": False}, 410, "This link is closed"),
        ({"expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, 410, "This link has expired"),
    ],
)
def test_a_closed_or_expired_link_answers_with_a_clear_page(client, fields, status, heading):
    link = make_link(**fields)
    for response in (
        client.get(url(link), HTTP_ACCEPT_LANGUAGE="en"),
        client.post(url(link), form_data(), HTTP_ACCEPT_LANGUAGE="en"),
    ):
        assert response.status_code == status
        assert heading in response.content.decode()
    assert Order.objects.count() == 0


def test_a_regenerated_link_answers_404_in_the_visitors_language(client):
    link = make_link()
    old = url(link)
    submission_link_regenerate(link=link, by=StaffUserFactory())
    response = client.get(old, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    response = client.get(old, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.content.decode()
    assert "Ce lien ne fonctionne pas" in response.content.decode()


def test_the_thank_you_page_of_an_unknown_link_is_the_same_404_even_after_a_submission(client):
    link = make_link()
    client.post(url(link), form_data())
    assert client.session.get("submission_number")
    old = reverse("submission:thanks", args=[link.token])
    submission_link_regenerate(link=link, by=StaffUserFactory())
    for token_url in (old, reverse("submission:thanks", args=["x" * 43])):
        response = client.get(token_url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()


def test_the_form_is_protected_against_cross_site_posts(settings):
    link = make_link()
    response = Client(enforce_csrf_checks=True).post(url(link), form_data())
    assert response.status_code == 403
    assert Order.objects.count() == 0

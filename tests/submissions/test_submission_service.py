"""The generic link's service: every limit, the day in the shop's time zone, nothing stored on refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from files.models import ProductFile
from library.models import Product
from orders.models import BasketLine, Order, ShippingBasket
from portal.pdf_intake import Problem
from submissions.selectors import Unavailable, local_day_start, submission_usage_today
from submissions.services import (
    Refusal,
    SubmissionRefused,
    submission_create,
    submission_link_regenerate,
)
from tests.factories import StaffUserFactory
from tests.orders.factories import status_moves
from tests.submissions.submission_support import (
    encrypted_pdf_bytes,
    job,
    make_link,
    pdf_bytes,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db


def submit(link, data=None, *, name="Jeanne Martin", email="jeanne@example.fr", language="fr", **job_fields):
    return submission_create(
        token=link.token,
        submitter_name=name,
        submitter_email=email,
        upload=upload(data),
        job=job(**job_fields),
        language=language,
    )


def assert_nothing_stored(settings):
    assert Order.objects.count() == 0
    assert Product.objects.count() == 0
    assert ProductFile.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def at(year, month, day, hour, minute=0):
    """Patch ``timezone.now`` to a UTC instant."""
    return mock.patch("django.utils.timezone.now", return_value=datetime(year, month, day, hour, minute, tzinfo=UTC))


def test_a_submission_becomes_a_submitted_order_with_its_product_basket_and_file(
    settings, django_capture_on_commit_callbacks
):
    link = make_link()
    data = pdf_bytes(pages=3)
    with django_capture_on_commit_callbacks(execute=True):
        order = submit(link, data, language="en")

    order.refresh_from_db()
    assert order.account == link.account
    assert order.source == Order.Source.GENERIC_LINK
    assert order.status == Order.Status.SUBMITTED
    assert order.submitted_at is not None
    assert order.number
    assert (order.submitter_name, order.submitter_email) == ("Jeanne Martin", "jeanne@example.fr")
    basket = ShippingBasket.objects.get(order=order)
    assert basket.kind == ShippingBasket.Kind.PICKUP
    assert (basket.pickup_name, basket.email, basket.phone) == ("Jeanne Martin", "jeanne@example.fr", "")
    line = BasketLine.objects.get(basket=basket)
    assert line.quantity == 20
    product = line.product
    assert (product.account, product.title, product.page_count) == (link.account, "Recueil de poèmes", 48)
    product_file = ProductFile.objects.get(product=product)
    assert product_file.size == len(data)
    assert product_file.page_count == 3
    assert product_file.original_name == "mon livre.pdf"
    with product_file.file.open("rb") as stored:
        assert stored.read() == data
    import hashlib

    assert product_file.sha256 == hashlib.sha256(data).hexdigest()
    (change,) = status_moves(order)
    assert (change.from_status, change.to_status, change.by, change.message) == (
        "draft",
        "submitted",
        None,
        "generic link",
    )
    assert change.at == order.submitted_at

    to_submitter = [m for m in mail.outbox if m.to == ["jeanne@example.fr"]]
    to_shop = [m for m in mail.outbox if m.to == [settings.SHOP_EMAIL]]
    assert len(to_submitter) == len(to_shop) == 1
    assert len(mail.outbox) == 2  # the link's receipts only, not also the portal's order e-mails
    assert order.number in to_submitter[0].subject
    assert "has been received" in to_submitter[0].subject  # the page's language (English here)
    assert "Recueil de poèmes" in to_submitter[0].body
    assert f"/admin/orders/order/{order.pk}/change/" in to_shop[0].body


def test_the_confirmation_follows_the_page_language(django_capture_on_commit_callbacks):
    link = make_link()
    with django_capture_on_commit_callbacks(execute=True):
        order = submit(link, language="fr")
    (message,) = [m for m in mail.outbox if m.to == ["jeanne@example.fr"]]
    assert "Votre travail" in message.subject and "a bien été reçu" in message.subject
    assert order.number in message.subject


def test_no_e_mail_leaves_when_the_submission_is_refused(django_capture_on_commit_callbacks):
    link = make_link(is_enabled=False)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SubmissionRefused):
        submit(link)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"is_enabled": False}, Unavailable.DISABLED),
        ({"expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, Unavailable.EXPIRED),
        ({"account": None}, Unavailable.NOT_CONFIGURED),
    ],
)
def test_a_link_that_is_off_expired_or_without_account_refuses_and_stores_nothing(settings, fields, reason):
    link = make_link(**fields)
    with pytest.raises(SubmissionRefused) as refused:
        submit(link)
    assert refused.value.reason == reason
    assert refused.value.unavailable
    assert_nothing_stored(settings)


def test_a_link_expiring_later_still_works():
    link = make_link(expires_at=timezone.now() + timedelta(hours=1))
    assert submit(link).pk


def test_regenerating_kills_the_old_token_at_once(settings):
    link = make_link()
    old_token = link.token
    regenerated = submission_link_regenerate(link=link, by=StaffUserFactory(is_superuser=True))
    assert regenerated.token != old_token
    assert regenerated.regenerated_at is not None
    link.token = old_token
    with pytest.raises(SubmissionRefused) as refused:
        submit(link)
    assert refused.value.reason == Unavailable.UNKNOWN
    assert_nothing_stored(settings)
    assert submit(regenerated).pk


def test_only_administrators_may_regenerate():
    from django.core.exceptions import PermissionDenied

    link = make_link()
    with pytest.raises(PermissionDenied):
        submission_link_regenerate(link=link, by=StaffUserFactory(is_superuser=False))
    link.refresh_from_db()
    assert link.regenerated_at is None


def test_jobs_per_day():
    link = make_link(max_jobs_per_day=2)
    submit(link)
    submit(link)
    files_before = ProductFile.objects.count()
    with pytest.raises(SubmissionRefused) as refused:
        submit(link)
    assert refused.value.reason == Refusal.JOBS_PER_DAY
    assert refused.value.field is None
    assert Order.objects.count() == 2
    assert ProductFile.objects.count() == files_before


def test_bytes_per_job(settings):
    data = pdf_bytes(filler=50_000)
    link = make_link(max_bytes_per_job=len(data) - 1)
    with pytest.raises(SubmissionRefused) as refused:
        submit(link, data)
    assert refused.value.reason == Refusal.BYTES_PER_JOB
    assert refused.value.field == "pdf"
    assert "too large" in refused.value.message or "trop" in refused.value.message
    assert_nothing_stored(settings)
    link.max_bytes_per_job = len(data)
    link.save()
    assert submit(link, data).pk


def test_bytes_per_day():
    data, small = pdf_bytes(filler=40_000), pdf_bytes()
    link = make_link(max_bytes_per_day=2 * len(data) + len(small))
    submit(link, data)
    submit(link, data)
    with pytest.raises(SubmissionRefused) as refused:
        submit(link, data)
    assert refused.value.reason == Refusal.BYTES_PER_DAY
    assert submission_usage_today().bytes == 2 * len(data)
    assert ProductFile.objects.count() == 2
    # A small file still fits in what is left of the day.
    assert submit(link, small).pk
    with pytest.raises(SubmissionRefused):
        submit(link, small)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"GIF89a not a pdf at all", Problem.NOT_PDF),
        (b"%PDF-1.7\nthis is not really a pdf", Problem.DAMAGED),
        ("encrypted", Problem.ENCRYPTED),
    ],
)
def test_the_file_is_checked_by_content_before_it_is_stored(settings, data, problem):
    link = make_link()
    if data == "encrypted":
        data = encrypted_pdf_bytes()
    with pytest.raises(SubmissionRefused) as refused:
        submit(link, data)
    assert refused.value.reason == problem
    assert refused.value.field == "pdf"
    assert_nothing_stored(settings)


def test_a_failure_after_storing_the_file_leaves_neither_rows_nor_file(settings):
    link = make_link()
    with (
        mock.patch("submissions.services._notify", side_effect=RuntimeError("mail server on fire")),
        pytest.raises(RuntimeError),
    ):
        submit(link)
    assert_nothing_stored(settings)


class TestTheDayRunsFromMidnightInTheShopsTimeZone:
    """Paris is UTC+1 in winter and UTC+2 in summer: the day turns at 23:00 or 22:00 UTC."""

    def test_local_day_start(self):
        with at(2025, 1, 15, 23, 30):  # 00:30 on 16 January in Paris
            start = local_day_start()
        assert start == datetime(2025, 1, 15, 23, 0, tzinfo=UTC)
        with at(2025, 7, 15, 21, 30):  # 23:30 on 15 July in Paris
            start = local_day_start()
        assert start == datetime(2025, 7, 14, 22, 0, tzinfo=UTC)

    def test_winter_quota_reopens_at_paris_midnight_not_utc_midnight(self):
        link = make_link(max_jobs_per_day=1)
        with at(2025, 1, 15, 22, 50):  # 23:50 in Paris
            submit(link)
        with at(2025, 1, 15, 22, 59), pytest.raises(SubmissionRefused):  # 23:59 in Paris: same day
            submit(link)
        with at(2025, 1, 15, 23, 1):  # 00:01 in Paris, still 15 January in UTC
            assert submit(link).pk
        with at(2025, 1, 16, 0, 30), pytest.raises(SubmissionRefused):  # UTC midnight changes nothing
            submit(link)

    def test_summer_quota_reopens_at_paris_midnight(self):
        link = make_link(max_jobs_per_day=1)
        with at(2025, 7, 15, 21, 55):  # 23:55 in Paris
            submit(link)
        with at(2025, 7, 15, 22, 5):  # 00:05 in Paris
            assert submit(link).pk
        with at(2025, 7, 15, 22, 10):
            assert submission_usage_today().jobs == 1

    def test_bytes_per_day_reopen_with_the_day_too(self):
        data = pdf_bytes(filler=20_000)
        link = make_link(max_bytes_per_day=len(data) + 10)
        with at(2025, 3, 1, 22, 30):
            submit(link, data)
        with at(2025, 3, 1, 22, 45), pytest.raises(SubmissionRefused) as refused:
            submit(link, data)
        assert refused.value.reason == Refusal.BYTES_PER_DAY
        with at(2025, 3, 1, 23, 0):
            assert submit(link, data).pk

"""Claims: opened by a subscriber or its client, answered by staff in admin, reopened by a reply."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from subscribers import services
from subscribers.digest import open_claims_digest
from subscribers.models import Claim, ClaimMessage
from tests.factories import StaffUserFactory

from .factories import subscriber_for, subscription_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(customer):
    return subscription_for(subscriber_for(customer.account))


def test_the_client_opens_a_claim_and_the_shop_is_emailed(
    customer_client, subscription, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            reverse("subscribers:claim_new"),
            {"subscription": subscription.pk, "reason": "not_received", "issue": "n° 112", "body": "Rien reçu."},
        )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.status, claim.issue, claim.subscriber_id) == ("open", "n° 112", subscription.subscriber_id)
    assert claim.messages.get().body == "Rien reçu."
    assert [message.to for message in outbox] == [[settings.SHOP_EMAIL]]


def test_an_issue_is_asked_for_the_reasons_about_one_issue(customer_client, subscription):
    response = customer_client.post(
        reverse("subscribers:claim_new"), {"subscription": subscription.pk, "reason": "damaged", "body": "Déchiré."}
    )
    assert response.status_code == 400
    assert "issue" in response.context["form"].errors
    assert not Claim.objects.exists()


def _open(subscription, customer):
    with transaction.atomic():
        return services.claim_open(
            subscription=subscription, reason="other", issue="", body="Question", by=customer
        ).claim


def test_staff_answer_in_admin_closes_and_emails_the_subscriber_and_the_client(
    client, customer, subscription, outbox, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        services.login_grant(subscriber=subscription.subscriber, by=customer)
    claim = _open(subscription, customer)
    outbox.clear()
    staff = StaffUserFactory(is_superuser=True)
    client.force_login(staff)
    change = client.get(reverse("admin:subscribers_claim_change", args=[claim.pk]))
    assert change.status_code == 200 and b"claim-answer-form" in change.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:subscribers_claim_answer", args=[claim.pk]), {"body": "Renvoyé ce jour.", "close": "on"}
        )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "closed" and claim.closed_at is not None
    shop = ClaimMessage.objects.get(claim=claim, from_shop=True)
    assert shop.author == staff and shop.body == "Renvoyé ce jour."
    assert sorted(message.to[0] for message in outbox) == sorted([subscription.subscriber.email, customer.email])


def test_a_reply_reopens_a_closed_claim_and_the_thread_keeps_who_and_when(customer_client, customer, subscription):
    claim = _open(subscription, customer)
    with transaction.atomic():
        services.claim_answer(claim=claim, body="Fait.", by=StaffUserFactory())
    response = customer_client.post(reverse("subscribers:claim", args=[claim.pk]), {"body": "Toujours rien."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "open" and claim.closed_at is None
    thread = customer_client.get(reverse("subscribers:claim", args=[claim.pk])).context["thread"]
    assert [m.body for m in thread] == ["Question", "Fait.", "Toujours rien."]
    assert all(m.author_name and m.at for m in thread)


def test_claims_newest_first(customer_client, customer, subscription):
    first = _open(subscription, customer)
    second = _open(subscription, customer)
    Claim.objects.filter(pk=first.pk).update(opened_at=timezone.now() - datetime.timedelta(days=3))
    claims = customer_client.get(reverse("subscribers:claims")).context["claims"]
    assert [c.pk for c in claims] == [second.pk, first.pk]


def test_claims_open_more_than_ten_days_are_flagged_in_admin_and_the_digest(client, customer, subscription):
    old = _open(subscription, customer)
    recent = _open(subscription, customer)
    Claim.objects.filter(pk=old.pk).update(opened_at=timezone.now() - datetime.timedelta(days=11))
    assert [c.pk for c in Claim.objects.flagged()] == [old.pk]
    section = open_claims_digest()
    assert section.count == 1 and str(old.pk) in section.lines[0]
    client.force_login(StaffUserFactory(is_superuser=True))
    html = client.get(reverse("admin:subscribers_claim_changelist")).content.decode()
    assert html.count("claim-flag") == 1
    assert html.index(f">{old.pk}<") < html.index(f">{recent.pk}<")  # the oldest first
    assert recent.pk


def test_no_digest_section_without_old_claims(customer, subscription):
    _open(subscription, customer)
    assert open_claims_digest() is None


def test_old_claims_are_a_section_of_the_staff_digest(customer, subscription):
    from portal.upkeep import digest_sections

    old = _open(subscription, customer)
    Claim.objects.filter(pk=old.pk).update(opened_at=timezone.now() - datetime.timedelta(days=11))
    [section] = [s for s in digest_sections(now=timezone.now()) if "admin/subscribers/claim" in s.more_url]
    assert section.total == 1 and str(old.pk) in section.items[0].text
    Claim.objects.filter(pk=old.pk).update(opened_at=timezone.now())
    assert not [s for s in digest_sections(now=timezone.now()) if "admin/subscribers/claim" in s.more_url]

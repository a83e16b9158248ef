"""Staff activate an order: its subscriptions become active for their period, the school gets its access
details; a pending order older than 72 hours is flagged, counted on the admin index and reported daily."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEntry
from subscriptions import digest, ordering
from subscriptions.models import IllegalTransition, Offer, Subscription, SubscriptionOrder
from tests.factories import SchoolFactory, StaffUserFactory, UserFactory
from tests.subscriptions.factories import OfferFactory, establishment_for, place_order

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=PARIS)


@pytest.fixture
def school_user():
    user = UserFactory(account=SchoolFactory(), language="en", email="doc@school.fr")
    establishment_for(user.account, public=False)
    return user


def test_periods_follow_the_offer_duration():
    assert ordering.subscription_period(duration="school_year", activated_on=datetime.date(2026, 10, 3)) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 8, 31),
    )
    assert ordering.subscription_period(duration="school_year", activated_on=datetime.date(2027, 3, 3)) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 8, 31),
    )
    assert ordering.subscription_period(duration="twelve_months", activated_on=datetime.date(2026, 10, 3)) == (
        datetime.date(2026, 10, 3),
        datetime.date(2027, 10, 2),
    )
    assert ordering.subscription_period(duration="twelve_months", activated_on=datetime.date(2028, 2, 29))[1] == (
        datetime.date(2029, 2, 27)
    )
    # A renewal activated in June, while the current year runs to 31 August, covers the next school year.
    assert ordering.subscription_period(
        duration="school_year", activated_on=datetime.date(2027, 6, 10), covered_until=datetime.date(2027, 8, 31)
    ) == (datetime.date(2027, 9, 1), datetime.date(2028, 8, 31))


def test_activation_makes_subscriptions_active_and_emails_access(
    school_user, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # e-mails land in mail.outbox (also with --services)
    staff = StaffUserFactory()
    digital = OfferFactory(kind=Offer.Kind.DIGITAL, duration=Offer.Duration.SCHOOL_YEAR, name_en="Press online")
    paper = OfferFactory(kind=Offer.Kind.PERIODICAL, duration=Offer.Duration.TWELVE_MONTHS)
    order = place_order(school_user, digital, paper, now=at(2026, 10, 1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ordering.subscription_order_activate(order=order, actor=staff, now=at(2026, 10, 2))
    order.refresh_from_db()
    assert order.status == "activated" and order.activated_at == at(2026, 10, 2)
    by_offer = {s.offer_id: s for s in Subscription.objects.all()}
    assert by_offer[digital.pk].status == "active"
    assert (by_offer[digital.pk].starts_on, by_offer[digital.pk].ends_on) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 8, 31),
    )
    assert (by_offer[paper.pk].starts_on, by_offer[paper.pk].ends_on) == (
        datetime.date(2026, 10, 2),
        datetime.date(2027, 10, 1),
    )
    code = by_offer[digital.pk].access_code
    assert len(code) == 14
    # The access details, and (this school being private) its invoice with the PDF attached.
    [message] = [sent for sent in mail.outbox if not sent.attachments]
    [invoice_mail] = [sent for sent in mail.outbox if sent.attachments]
    assert invoice_mail.to == ["doc@school.fr"]
    assert message.to == ["doc@school.fr"] and code in message.body and "Press online" in message.body
    assert AuditEntry.objects.filter(object_id=str(order.pk), action="status").exists()


def test_an_order_is_activated_once(school_user):
    staff = StaffUserFactory()
    order = place_order(school_user, OfferFactory())
    ordering.subscription_order_activate(order=order, actor=staff)
    with pytest.raises(ordering.ActivationError):
        ordering.subscription_order_activate(order=order, actor=staff)
    with pytest.raises(ordering.ActivationError):
        ordering.subscription_order_cancel(order=order, actor=staff)


def test_transitions_in_memory():
    order = SubscriptionOrder(status="cancelled")
    with pytest.raises(IllegalTransition):
        order.mark_activated(at=timezone.now())
    subscription = Subscription(status="expired")
    with pytest.raises(IllegalTransition):
        subscription.mark_cancelled(at=timezone.now())


def test_staff_cancel_an_order_and_its_pending_subscriptions(school_user):
    order = place_order(school_user, OfferFactory(), OfferFactory())
    ordering.subscription_order_cancel(order=order, actor=StaffUserFactory())
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancelled_at is not None
    assert set(Subscription.objects.values_list("status", flat=True)) == {"cancelled"}


def test_staff_cancel_an_active_subscription(school_user):
    staff = StaffUserFactory()
    order = place_order(school_user, OfferFactory())
    ordering.subscription_order_activate(order=order, actor=staff)
    subscription = Subscription.objects.get()
    ordering.subscription_cancel(subscription=subscription, actor=staff)
    subscription.refresh_from_db()
    assert subscription.status == "cancelled"


def test_the_admin_activates_with_a_confirmation(client, school_user):
    staff = StaffUserFactory()
    order = place_order(school_user, OfferFactory())
    client.force_login(staff)
    url = reverse("admin:subscriptions_subscriptionorder_activate", args=[order.pk])
    change = client.get(reverse("admin:subscriptions_subscriptionorder_change", args=[order.pk])).content.decode()
    assert url in change
    assert client.get(url).status_code == 200  # the question, nothing done yet
    order.refresh_from_db()
    assert order.status == "submitted"
    assert client.post(url).status_code == 302
    order.refresh_from_db()
    assert order.status == "activated"
    response = client.get(reverse("admin:subscriptions_subscriptionorder_purchase_order", args=[order.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_admin_action_activates_the_selected_orders(client, school_user):
    orders = [place_order(school_user, OfferFactory()) for _ in range(2)]
    client.force_login(StaffUserFactory())
    response = client.post(
        reverse("admin:subscriptions_subscriptionorder_changelist"),
        {"action": "activate_selected", "_selected_action": [o.pk for o in orders]},
    )
    assert response.status_code == 302
    assert set(SubscriptionOrder.objects.values_list("status", flat=True)) == {"activated"}


def test_a_staff_member_without_permission_cannot_activate(client, school_user):
    order = place_order(school_user, OfferFactory())
    client.force_login(StaffUserFactory(is_superuser=False))
    response = client.post(reverse("admin:subscriptions_subscriptionorder_activate", args=[order.pk]))
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "submitted"


def test_an_order_waiting_more_than_72_hours_is_flagged_counted_and_reported(client, school_user, settings):
    now = timezone.now()
    late = place_order(school_user, OfferFactory(), now=now - datetime.timedelta(hours=73))
    place_order(school_user, OfferFactory(), now=now - datetime.timedelta(hours=71))
    assert list(SubscriptionOrder.objects.overdue(now)) == [late]
    assert late.is_overdue(now)
    client.force_login(StaffUserFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    index = client.get(reverse("admin:index")).content.decode()
    assert "1 school order waits for activation for more than 72 hours" in index
    changelist = client.get(reverse("admin:subscriptions_subscriptionorder_changelist") + "?overdue=yes")
    assert late.number in changelist.content.decode() and "⚠" in changelist.content.decode()
    section = digest.pending_activation_digest(now)
    assert section.count == 1 and late.number in section.lines[0]


def test_the_daily_digest_is_sent_once_a_day(school_user, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # e-mails land in mail.outbox (also with --services)
    now = timezone.now()
    place_order(school_user, OfferFactory(), now=now - datetime.timedelta(hours=80))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.pending_activation_digest_send(now=now) is True
        assert digest.pending_activation_digest_send(now=now + datetime.timedelta(minutes=5)) is False
    [message] = mail.outbox
    assert message.to == [settings.SHOP_EMAIL]
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.pending_activation_digest_send(now=now + datetime.timedelta(days=1)) is True
    assert len(mail.outbox) == 2


def test_no_digest_when_nothing_is_late(school_user):
    place_order(school_user, OfferFactory())
    assert digest.pending_activation_digest() is None
    assert digest.pending_activation_digest_send() is False


def test_the_task_runs_the_digest(school_user):
    from subscriptions.tasks import send_pending_activation_digest

    place_order(school_user, OfferFactory(), now=timezone.now() - datetime.timedelta(days=4))
    assert send_pending_activation_digest() is True
    assert send_pending_activation_digest() is False


def test_late_activations_are_a_section_of_the_staff_digest(school_user):
    from portal.upkeep import digest_sections

    now = timezone.now()
    late = place_order(school_user, OfferFactory(), now=now - datetime.timedelta(hours=73))
    [section] = [s for s in digest_sections(now=now) if "72" in s.title]
    assert section.total == 1
    assert late.number in section.items[0].text
    assert "overdue=yes" in section.more_url
    late.delete()
    assert not [s for s in digest_sections(now=now) if "72" in s.title]

"""The daily staff digest: features register sections, staff get them once per day in their language."""

from __future__ import annotations

import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import tasks, upkeep
from portal.digest import staff_digest_send
from portal.models import OutgoingEmail
from portal.upkeep import DigestItem, DigestSection, register_digest
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def test_section(monkeypatch):
    """A section as a feature registers it: pending requests, in the reader's language."""
    monkeypatch.setattr(upkeep, "_digests", {})
    waiting: list[str] = []

    def pending_requests(now):
        if not waiting:
            return None
        items = [DigestItem(f"{name} — {_('Queued')}", url=f"https://x.test/{name}") for name in waiting]
        return DigestSection(title="Demandes en attente", items=items, total=len(items) + 5)

    register_digest("tests.pending_requests", pending_requests)
    return waiting


def test_nothing_to_report_sends_nothing(test_section, django_capture_on_commit_callbacks):
    StaffUserFactory(email="atelier@colophon.test")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_staff_digest() == 0
    assert mail.outbox == []


def test_each_staff_member_gets_the_digest_once_a_day_in_their_language(
    test_section, django_capture_on_commit_callbacks
):
    StaffUserFactory(email="marie@colophon.test", language="fr")
    StaffUserFactory(email="john@colophon.test", language="en")
    StaffUserFactory(email="gone@colophon.test", is_active=False)
    test_section.extend(["École Jules Ferry", "Lycée Hugo"])

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_staff_digest() == 2
        assert tasks.send_staff_digest() == 0  # a second beat the same day
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"marie@colophon.test", "john@colophon.test"}
    french = by_address["marie@colophon.test"]
    assert "Lycée Hugo — En file d’attente" in french.body and french.body.startswith("Bonjour,")
    assert "https://x.test/Lycée Hugo" in french.body and "Demandes en attente (7)" in french.body
    assert "Lycée Hugo — Queued" in by_address["john@colophon.test"].body

    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_digest_send(now=tomorrow) == 2
    assert OutgoingEmail.objects.count() == 4


def test_a_broken_section_is_reported_not_hidden(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(upkeep, "_digests", {})

    def broken(now):
        raise RuntimeError("the claims table is missing")

    register_digest("tests.broken", broken)
    StaffUserFactory(email="marie@colophon.test")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_staff_digest() == 1
    assert "RuntimeError: the claims table is missing" in mail.outbox[0].body


def test_the_digest_is_on_the_beat_daily():
    by_task = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert by_task["portal.tasks.send_staff_digest"] == crontab(hour=7, minute=45)

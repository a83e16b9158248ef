"""My assistance: the shop's contacts and FAQ (kept by staff in both languages), linked from every page of
the school's space; a question reaches staff in admin with the establishment attached, and the shop by e-mail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscriptions.models import FaqEntry, SupportContact, SupportQuestion
from tests.factories import SchoolFactory, UserFactory
from tests.subscriptions.support import PUBLIC_UAI, directory_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_user(db):
    return UserFactory(account=SchoolFactory(uai=PUBLIC_UAI, name="Lycée Jules Ferry"))


@pytest.fixture
def content(db):
    SupportContact.objects.create(
        kind="commercial",
        name="Service abonnements",
        email="abonnements@colophon.test",
        hours_fr="Du lundi au vendredi",
        hours_en="Monday to Friday",
    )
    SupportContact.objects.create(kind="technical", name="Assistance technique", phone="01 02 03 04 05")
    FaqEntry.objects.create(
        question_fr="Quand mon abonnement est-il actif ?",
        question_en="When is my subscription active?",
        answer_fr="Sous 72 heures.",
        answer_en="Within 72 hours.",
    )
    FaqEntry.objects.create(question_fr="Brouillon", question_en="Draft", answer_fr="-", answer_en="-", published=False)


@pytest.mark.parametrize(
    ("language", "question", "hours"), [("fr", "Quand mon abonnement", "Du lundi"), ("en", "When is my", "Monday")]
)
def test_contacts_and_faq_in_the_reader_language(client, school_user, content, language, question, hours):
    client.force_login(school_user)
    html = client.get(reverse("subscriptions:assistance"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "Service abonnements" in html and "Assistance technique" in html
    assert question in html and hours in html and "Brouillon" not in html and "Draft" not in html


def test_the_school_space_links_to_it_from_every_page(client, school_user):
    client.force_login(school_user)
    for name in ("subscriptions:catalogue", "subscriptions:cart", "drive:my_files"):
        assert reverse("subscriptions:assistance") in client.get(reverse(name)).content.decode(), name


def test_a_company_has_no_link(client, customer):
    client.force_login(customer)
    assert reverse("subscriptions:assistance") not in client.get(reverse("subscriptions:catalogue")).content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("subscriptions:assistance"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_question_reaches_staff_with_its_establishment(
    client, school_user, staff_user, outbox, django_capture_on_commit_callbacks, settings
):
    directory_row()
    client.force_login(school_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("subscriptions:assistance"),
            {"topic": "technical", "subject": "Accès impossible", "message": "Le code ne marche plus."},
        )
    assert response.status_code == 302
    question = SupportQuestion.objects.get()
    assert question.account == school_user.account and question.asked_by == school_user
    (message,) = outbox
    assert message.to == [settings.SHOP_EMAIL] and message.reply_to == [school_user.email]
    assert "Lycée Jules Ferry" in message.body and PUBLIC_UAI in message.body and "Paris" in message.body
    client.force_login(staff_user)
    listing = client.get(reverse("admin:subscriptions_supportquestion_changelist")).content.decode()
    assert "Accès impossible" in listing and PUBLIC_UAI in listing
    detail = client.get(reverse("admin:subscriptions_supportquestion_change", args=[question.pk])).content.decode()
    assert "77 boulevard de Clichy" in detail


def test_an_empty_question_is_refused_next_to_its_field(client, school_user):
    client.force_login(school_user)
    response = client.post(reverse("subscriptions:assistance"), {"topic": "technical", "subject": "", "message": ""})
    assert response.status_code == 400 and 'class="field field--invalid"' in response.content.decode()
    assert not SupportQuestion.objects.exists()

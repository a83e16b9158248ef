"""Staff side of the generic link: the one link's page, limits in MB, e-mailing, regenerating."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import translation

from submissions.forms import SubmissionLinkSendForm
from submissions.models import SubmissionLink
from tests.factories import AccountFactory, StaffUserFactory, UserFactory
from tests.submissions.submission_support import make_link

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def admin_client(client):
    client.force_login(StaffUserFactory(is_superuser=True))
    return client


@pytest.fixture
def staff_client(client):
    """Staff who may change the link but are not administrators."""
    user = StaffUserFactory(is_superuser=False)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="submissions", codename__in=["view_submissionlink", "change_submissionlink"]
        )
    )
    client.force_login(user)
    return client


def change_url(link):
    return reverse("admin:submissions_submissionlink_change", args=[link.pk])


def settings_form(link, **overrides):
    data = {
        "is_enabled": "on",
        "expires_at_0": "",
        "expires_at_1": "",
        "max_jobs_per_day": "5",
        "max_mb_per_job": "100",
        "max_mb_per_day": "500",
        "account": str(link.account_id or ""),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_list_opens_the_one_link_created_on_the_first_visit(admin_client):
    response = admin_client.get(reverse("admin:submissions_submissionlink_changelist"))
    link = SubmissionLink.objects.get()
    assert response.status_code == 302
    assert response["Location"] == change_url(link)
    assert len(link.token) >= 40
    assert not link.is_enabled
    admin_client.get(reverse("admin:submissions_submissionlink_changelist"))
    assert SubmissionLink.objects.count() == 1


def test_the_page_shows_the_link_todays_usage_and_the_actions(admin_client, django_assert_max_num_queries):
    link = make_link()
    with django_assert_max_num_queries(15):
        response = admin_client.get(change_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/submit/{link.token}/" in html
    assert "data-copy-target" in html and "readonly" in html
    assert "0 / 5" in html
    assert reverse("admin:submissions_submissionlink_regenerate", args=[link.pk]) in html
    assert reverse("admin:submissions_submissionlink_send", args=[link.pk]) in html


def test_sizes_are_typed_in_mb_and_stored_in_bytes(admin_client):
    link = make_link()
    response = admin_client.post(
        change_url(link), settings_form(link, max_mb_per_job="20", max_mb_per_day="80", max_jobs_per_day="3")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    link.refresh_from_db()
    assert (link.max_bytes_per_job, link.max_bytes_per_day, link.max_jobs_per_day) == (20 * MB, 80 * MB, 3)
    form = admin_client.get(change_url(link)).context["adminform"].form
    assert (form["max_mb_per_job"].value(), form["max_mb_per_day"].value()) == (20, 80)


def test_the_link_cannot_be_turned_on_without_a_receiving_account(admin_client):
    link = make_link(is_enabled=False, account=None)
    response = admin_client.post(change_url(link), settings_form(link, account=None))
    assert response.status_code == 200
    assert "account" in response.context["adminform"].form.errors
    link.refresh_from_db()
    assert not link.is_enabled


def test_the_day_cap_cannot_be_below_the_job_cap(admin_client):
    link = make_link()
    response = admin_client.post(change_url(link), settings_form(link, max_mb_per_job="100", max_mb_per_day="50"))
    assert "max_mb_per_day" in response.context["adminform"].form.errors


def test_turning_it_off_and_setting_an_expiry(admin_client):
    link = make_link(account=AccountFactory())
    response = admin_client.post(
        change_url(link),
        settings_form(link, is_enabled=None, expires_at_0="31/12/2030", expires_at_1="18:00:00"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    link.refresh_from_db()
    assert not link.is_enabled
    assert link.expires_at is not None and link.expires_at.year == 2030


def test_an_administrator_regenerates_after_confirming(admin_client, client):
    link = make_link()
    old_token = link.token
    regenerate = reverse("admin:submissions_submissionlink_regenerate", args=[link.pk])
    confirmation = admin_client.get(regenerate)
    assert confirmation.status_code == 200
    link.refresh_from_db()
    assert link.token == old_token  # a GET changes nothing
    response = admin_client.post(regenerate)
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.token != old_token
    assert link.regenerated_at is not None
    assert client.get(reverse("submission:submit", args=[old_token])).status_code == 404
    assert client.get(reverse("submission:submit", args=[link.token])).status_code == 200


def test_staff_who_are_not_administrators_may_not_regenerate(staff_client):
    link = make_link()
    old_token = link.token
    regenerate = reverse("admin:submissions_submissionlink_regenerate", args=[link.pk])
    assert staff_client.get(regenerate).status_code == 403
    assert staff_client.post(regenerate).status_code == 403
    link.refresh_from_db()
    assert link.token == old_token
    page = staff_client.get(change_url(link)).content.decode()
    assert regenerate not in page


def test_e_mailing_the_link_to_a_contact_in_their_language(admin_client, django_capture_on_commit_callbacks):
    link = make_link()
    contact = UserFactory(language="en", first_name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:submissions_submissionlink_send", args=[link.pk]), {"recipient": contact.pk}
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [contact.email]
    assert "Hello Ana," in message.body
    assert f"/submit/{link.token}/" in message.body


def test_a_closed_link_is_not_sent(admin_client, django_capture_on_commit_callbacks):
    link = make_link(is_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:submissions_submissionlink_send", args=[link.pk]), {"recipient": UserFactory().pk}
        )
    assert response.status_code == 302
    assert mail.outbox == []
    messages = [str(m) for m in response.wsgi_request._messages]
    assert len(messages) == 1


def test_sending_needs_a_post(admin_client):
    link = make_link()
    assert admin_client.get(reverse("admin:submissions_submissionlink_send", args=[link.pk])).status_code == 405
    assert mail.outbox == []


REQUIRED = {"fr": "Choisissez le contact à qui envoyer le lien.", "en": "Choose the contact to send the link to."}
NOT_A_CHOICE = {
    "fr": "Ce contact est inconnu ou désactivé : choisissez un contact actif.",
    "en": "This contact is unknown or deactivated: choose an active contact.",
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("recipient", "messages"),
    [
        pytest.param(lambda: "", REQUIRED, id="missing"),
        pytest.param(lambda: "999999", NOT_A_CHOICE, id="unknown"),
        pytest.param(lambda: UserFactory(is_active=False).pk, NOT_A_CHOICE, id="deactivated"),
    ],
)
def test_a_missing_or_unknown_contact_is_shown_next_to_the_field(
    admin_client, language, recipient, messages, django_capture_on_commit_callbacks
):
    link = make_link()
    send = reverse("admin:submissions_submissionlink_send", args=[link.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(send, {"recipient": recipient()}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert mail.outbox == []
    assert list(response.wsgi_request._messages) == []  # no flash: the error is in the form
    assert response.context["send_form"].errors == {"recipient": [messages[language]]}
    html = response.content.decode()
    sending_form = html[html.index(f'action="{send}"') : html.index("</form>", html.index(f'action="{send}"'))]
    # The browser does not answer first with its own bubble, in its own language.
    assert sending_form.startswith(f'action="{send}" novalidate>')
    assert 'aria-invalid="true" aria-describedby="id_recipient_error" id="id_recipient"' in sending_form
    assert f'<ul class="errorlist" id="id_recipient_error"><li>{messages[language]}</li></ul>' in sending_form
    # The link's settings form on that page still saves to the change page, not to the sending URL.
    assert f'<form action="{change_url(link)}" method="post" id="submissionlink_form"' in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_contact_search_speaks_the_staff_members_language(admin_client, language):
    """select2 ("Searching…", "No results found") follows the page's language, not the one active at import."""
    html = admin_client.get(change_url(make_link()), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    select = html[html.index('<select name="recipient"') : html.index(">", html.index('<select name="recipient"'))]
    assert f'lang="{language}"' in select
    assert f"admin/js/vendor/select2/i18n/{language}.js" in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_sending_form_follows_the_active_language(db, language):
    with translation.override(language):
        form = SubmissionLinkSendForm()
        assert f'lang="{language}"' in str(form["recipient"])
        assert f"admin/js/vendor/select2/i18n/{language}.js" in str(form.media)


def test_the_sending_form_says_what_is_missing_next_to_the_field(db):
    with translation.override("en"):
        form = SubmissionLinkSendForm({"recipient": ""})
        assert form.errors == {"recipient": ["Choose the contact to send the link to."]}
        assert "<li>Choose the contact to send the link to.</li>" in str(form["recipient"].errors)


def test_the_contact_field_searches_contacts(admin_client):
    contact = UserFactory(email="recherche@example.fr")
    link = make_link()
    html = admin_client.get(change_url(link)).content.decode()
    assert 'data-model-name="termsofservice"' in html or "autocomplete" in html
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "recherche", "app_label": "contacts", "model_name": "termsofservice", "field_name": "published_by"},
    )
    assert response.status_code == 200
    assert str(contact.pk) in response.content.decode()

"""A lost password for a UAI: three cases (address on file, academic address, written request) that the
visitor cannot tell apart — same page, same status, same work in the request — with links that work
once, rate limits per UAI and per address, and the head's written request as a PDF staff resolve."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse

from contacts.models import Account, User
from subscriptions import school_access
from subscriptions.models import AccessLetter
from tests.factories import UserFactory
from tests.portal.documents_support import render_pending_documents
from tests.subscriptions.support import PRIVATE_UAI, PUBLIC_UAI, directory_row, link_in, outbox_to

pytestmark = pytest.mark.django_db

ON_FILE = "ce.0750655e@lycee.example.fr"
NEW_PASSWORD = "Une toute nouvelle phrase 77"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def school(uai: str, email: str) -> User:
    account = Account.objects.create(name=f"École {uai}", kind="school", uai=uai, email=email)
    return UserFactory(account=account, email=email, language="en")


def ask(client, captured, uai: str, email: str):
    """The visitor's request (what it queues, counted), then the worker's part (what that queued, run)."""
    with captured() as callbacks:
        response = client.post(reverse("subscriptions:password_reset"), {"uai": uai, "email": email}, follow=True)
    with captured(execute=True):
        for callback in list(callbacks):
            callback()
    return response, callbacks


def _page_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]+"', "", html)  # masked anew
    return re.sub(r"uai=[0-9A-Z]+", "uai=", html)


def test_the_three_cases_answer_identically_and_send_where_they_should(
    client, outbox, django_capture_on_commit_callbacks
):
    directory_row(PUBLIC_UAI)  # has an academic address
    directory_row(PRIVATE_UAI, status="private", email="")  # has none
    school(PUBLIC_UAI, ON_FILE)
    school(PRIVATE_UAI, "secretariat@prive.example.fr")

    case1, calls1 = ask(client, django_capture_on_commit_callbacks, PUBLIC_UAI, ON_FILE.upper())
    case2, calls2 = ask(client, django_capture_on_commit_callbacks, PUBLIC_UAI, "someone@else.example.fr")
    case3, calls3 = ask(client, django_capture_on_commit_callbacks, PRIVATE_UAI, "someone@else.example.fr")
    unknown, calls4 = ask(client, django_capture_on_commit_callbacks, "0750656F", "someone@else.example.fr")

    pages = [case1, case2, case3, unknown]
    assert {page.status_code for page in pages} == {200}
    assert {tuple(page.redirect_chain) != () for page in pages} == {True}
    assert len({_page_text(page) for page in pages}) == 1  # word for word the same page
    # The request itself only queues the same one task in every case: the case is decided by the worker.
    assert len(calls1) == len(calls2) == len(calls3) == len(calls4) == 1

    assert len(outbox_to(ON_FILE)) == 1
    assert len(outbox_to("ce.0750655e@ac-paris.fr")) == 1
    assert not outbox_to("someone@else.example.fr")
    assert len(outbox) == 2
    assert "written request" in case3.content.decode()


def test_the_dispatch_decides_each_case():
    directory_row(PUBLIC_UAI)
    directory_row(PRIVATE_UAI, email="")
    school(PUBLIC_UAI, ON_FILE)
    school(PRIVATE_UAI, "secretariat@prive.example.fr")
    dispatch = school_access.school_password_reset_dispatch
    assert dispatch(uai=PUBLIC_UAI, email=ON_FILE) == school_access.ResetCase.ADDRESS_ON_FILE
    assert dispatch(uai=PUBLIC_UAI, email="x@y.fr") == school_access.ResetCase.ACADEMIC_ADDRESS
    assert dispatch(uai=PRIVATE_UAI, email="x@y.fr") == school_access.ResetCase.WRITTEN_REQUEST
    assert dispatch(uai="0750656F", email="x@y.fr") == school_access.ResetCase.WRITTEN_REQUEST


def test_the_link_sets_a_new_password_once(client, outbox, django_capture_on_commit_callbacks):
    directory_row(PUBLIC_UAI)
    school(PUBLIC_UAI, ON_FILE)
    ask(client, django_capture_on_commit_callbacks, PUBLIC_UAI, ON_FILE)
    link = link_in(outbox_to(ON_FILE)[0], "/accounts/password/reset/key/")
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert User.objects.get(email=ON_FILE).check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert again.context["token_fail"] is True  # used once: the link is dead


def test_attempts_are_limited_per_uai_and_per_address(client, django_capture_on_commit_callbacks):
    for attempt in range(school_access.RESET_LIMIT):
        ask(client, django_capture_on_commit_callbacks, PUBLIC_UAI, f"a{attempt}@x.fr")
    refused, calls = ask(client, django_capture_on_commit_callbacks, PUBLIC_UAI, "another@x.fr")
    assert refused.status_code == 400 and "Too many attempts" in refused.content.decode() and not calls
    for attempt in range(school_access.RESET_LIMIT):
        ask(
            client,
            django_capture_on_commit_callbacks,
            f"075{attempt:04d}" + "ABCDEFGHJKLMNPRSTUVWXYZ"[(750000 + attempt) % 23],
            "same@x.fr",
        )
    refused, calls = ask(client, django_capture_on_commit_callbacks, PRIVATE_UAI, "same@x.fr")
    assert refused.status_code == 400 and not calls


def test_a_wrong_check_letter_is_said_next_to_the_field(client):
    page = client.post(reverse("subscriptions:password_reset"), {"uai": "0750655A", "email": "a@b.fr"})
    assert page.status_code == 400 and "check letter" in page.content.decode()


def test_the_written_request_is_a_pdf_to_sign_and_staff_resolve_it(
    client, outbox, django_capture_on_commit_callbacks, staff_user
):
    directory_row(PRIVATE_UAI, status="private", email="")
    school(PRIVATE_UAI, "ancienne@prive.example.fr")
    data = {
        "uai": PRIVATE_UAI,
        "establishment_name": "Collège Saint-Exupéry",
        "head_name": "Mme Claire Fontaine",
        "email": "direction@prive.example.fr",
        "phone": "",
    }
    response = client.post(reverse("subscriptions:access_letter"), data)
    letter = AccessLetter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "subscriptions:access_letter_detail", args=[letter.token]
    )
    page = client.get(response["Location"])
    assert "data-document-pending" in page.content.decode()
    render_pending_documents()
    page = client.get(response["Location"])
    assert "data-document-ready" in page.content.decode()
    pdf = client.get(reverse("subscriptions:access_letter_pdf", args=[letter.token]), follow=True)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=b"".join(pdf.streaming_content), capture_output=True, check=True
    ).stdout.decode()
    assert "Mme Claire Fontaine" in text and PRIVATE_UAI in text and "direction@prive.example.fr" in text

    client.force_login(staff_user)
    listing = client.get(reverse("admin:subscriptions_accessletter_changelist"), {"resolved": "no"})
    assert "Mme Claire Fontaine" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:subscriptions_accessletter_changelist"),
            {"action": "resolve", "_selected_action": [letter.pk]},
        )
    letter.refresh_from_db()
    assert letter.resolved_at is not None and letter.resolved_by == staff_user
    assert Account.objects.get(uai=PRIVATE_UAI).email == "direction@prive.example.fr"
    assert outbox_to("direction@prive.example.fr")

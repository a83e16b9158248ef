"""Terms of service: administrators publish, acceptance resets, customers accept before going on."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from contacts import services
from contacts.models import TermsOfService, User
from portal.pdf_intake import Problem, problem_message
from tests.contacts.factories import ActiveContactFactory
from tests.factories import StaffUserFactory
from tests.portal import pdf_builders

pytestmark = pytest.mark.django_db
MIDDLEWARE = "contacts.middleware.TermsAcceptanceMiddleware"


def pdf(name: str = "cgv.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    data = pdf_builders.good_pdf(pages=2) if data is None else data
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _terms_middleware(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:
        index = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:index], MIDDLEWARE, *settings.MIDDLEWARE[index:]]


def test_publishing_resets_every_acceptance_in_one_update(django_assert_max_num_queries):
    contacts = [ActiveContactFactory(terms_accepted_at=timezone.now()) for _ in range(5)]
    staff = StaffUserFactory()
    ContentType.objects.get_for_model(TermsOfService)  # the audit row's kind, looked up once per process
    # savepoint, the terms row, one UPDATE, the audit row, release
    with django_assert_max_num_queries(5) as queries:
        services.terms_publish(document=pdf(), version_label="2026", published_by=staff)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "contacts_user"')]
    assert len(updates) == 1
    assert not User.objects.filter(pk__in=[c.pk for c in contacts], terms_accepted_at__isnull=False).exists()


def test_a_file_that_is_not_a_pdf_is_refused():
    with pytest.raises(Exception, match="PDF"):
        services.terms_publish(
            document=SimpleUploadedFile("cgv.pdf", b"<html>no</html>"), version_label="x", published_by=None
        )
    assert not TermsOfService.objects.exists()


JAVASCRIPT_OPEN_ACTION = b"/OpenAction << /S /JavaScript /JS (app.alert('hello')) >>"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (pdf_builders.good_pdf(pages=3)[:400], "damaged"),
        (pdf_builders.html_polyglot(), "damaged"),
        (pdf_builders.encrypted_pdf(), "encrypted"),
        (pdf_builders.encrypted_pdf(user=""), "encrypted"),
        (pdf_builders.one_page(catalog=JAVASCRIPT_OPEN_ACTION), "active_content"),
        (
            pdf_builders.one_page(page=b"/MediaBox [0 0 595 842] /AA << /O << /S /Launch /F (calc.exe) >> >>"),
            "active_content",
        ),
    ],
    ids=["truncated", "html-polyglot", "user-password", "owner-password", "javascript-open-action", "launch-action"],
)
def test_terms_go_through_the_pdf_intake_and_hostile_files_are_refused(data, code):
    with pytest.raises(ValidationError) as refused:
        services.terms_publish(document=pdf(data=data), version_label="x", published_by=None)
    assert refused.value.code == code
    assert not TermsOfService.objects.exists()


def test_the_admin_refuses_terms_with_javascript_next_to_the_field(client):
    client.force_login(StaffUserFactory())
    response = client.post(
        "/admin/contacts/termsofservice/add/",
        {"version_label": "v2", "document": pdf(data=pdf_builders.one_page(catalog=JAVASCRIPT_OPEN_ACTION))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert response.context["adminform"].form.errors["document"] == [problem_message(Problem.ACTIVE_CONTENT)]
    assert not TermsOfService.objects.exists()


def test_the_terms_are_served_as_a_sandboxed_download(client):
    services.terms_publish(document=pdf(), version_label="v", published_by=None)
    response = client.get("/contacts/terms/document/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_superusers_publish_through_admin(client):
    staff = StaffUserFactory(is_superuser=False)
    client.force_login(staff)
    assert client.get("/admin/contacts/termsofservice/add/").status_code == 403
    admin = StaffUserFactory()
    client.force_login(admin)
    response = client.post("/admin/contacts/termsofservice/add/", {"version_label": "v2", "document": pdf()})
    assert response.status_code == 302
    assert TermsOfService.objects.get().published_by == admin
    response = client.post(
        "/admin/contacts/termsofservice/add/",
        {"version_label": "v3", "document": SimpleUploadedFile("fake.pdf", b"MZ\x90\x00")},
    )
    assert response.status_code == 200 and TermsOfService.objects.count() == 1


def test_nothing_required_while_no_terms_were_published(client):
    client.force_login(ActiveContactFactory(terms_accepted_at=None))
    assert client.get("/").status_code == 200


def test_customer_must_accept_new_terms_before_using_the_portal(client):
    contact = ActiveContactFactory(terms_accepted_at=timezone.now())
    client.force_login(contact)
    services.terms_publish(document=pdf(), version_label="2026-11", published_by=None)
    response = client.get("/orders/")
    assert response.status_code == 302
    assert response["Location"] == "/contacts/terms/?next=/orders/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"/contacts/terms/document/" in page.content
    # Exempt: the document itself, the language switch, health check.
    document = client.get("/contacts/terms/document/")
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert client.get("/healthz").status_code in (200, 503)
    assert client.post("/language/", {"language": "en"}).status_code == 302
    # Unticked: refused, next to the field.
    refused = client.post("/contacts/terms/", {"next": "/orders/"})
    assert refused.status_code == 200 and b"field--invalid" in refused.content
    accepted = client.post("/contacts/terms/", {"accept_terms": "on", "next": "/orders/"})
    assert accepted["Location"] == "/orders/"
    contact.refresh_from_db()
    assert contact.terms_accepted_at is not None
    assert client.get("/").status_code == 200


def test_acceptance_page_never_redirects_elsewhere(client):
    client.force_login(ActiveContactFactory(terms_accepted_at=None))
    services.terms_publish(document=pdf(), version_label="v", published_by=None)
    response = client.post("/contacts/terms/", {"accept_terms": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_staff_are_not_asked(client):
    services.terms_publish(document=pdf(), version_label="v", published_by=None)
    client.force_login(StaffUserFactory())
    assert client.get("/admin/").status_code == 200


def test_sign_up_records_acceptance_of_current_terms(client):
    from contacts import selectors
    from tests.contacts.factories import NotRegisteredContactFactory

    services.terms_publish(document=pdf(), version_label="v", published_by=None)
    contact = NotRegisteredContactFactory()
    url = "/" + selectors.contact_invitation_url(contact=contact).split("://", 1)[1].split("/", 1)[1]
    password = "un mot de passe assez long"
    page = client.get(url)
    assert b"/contacts/terms/document/" in page.content
    refused = client.post(url, {"password1": password, "password2": password})
    assert refused.status_code == 200
    client.post(url, {"password1": password, "password2": password, "accept_terms": "on"})
    contact.refresh_from_db()
    assert contact.terms_accepted_at is not None

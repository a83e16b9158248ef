"""The import as staff use it: template, upload, preview, confirmation, invitations."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import User
from contacts.tasks import KIND_IMPORT, KIND_IMPORT_ACTIVATIONS, KIND_IMPORT_PREVIEW
from portal.models import BackgroundJob
from tests.factories import UserFactory

FILES = Path(__file__).parent / "import_files"

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def upload(staff_client, django_capture_on_commit_callbacks, name: str):
    data = (FILES / name).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:contacts_user_import"), {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
        )
    assert response.status_code == 302
    return BackgroundJob.objects.get(kind=KIND_IMPORT_PREVIEW), response["Location"]


def test_the_contact_list_offers_import_template_and_export(staff_client):
    response = staff_client.get(reverse("admin:contacts_user_changelist"))
    assert response.status_code == 200
    for url in ("admin:contacts_user_import", "admin:contacts_user_import_template", "admin:contacts_user_export"):
        assert reverse(url) in response.content.decode()


def test_the_template_has_the_french_columns_and_a_bom(staff_client):
    response = staff_client.get(reverse("admin:contacts_user_import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="users_template.csv"'
    assert response.content.decode("utf-8") == "\ufeffemail;prenom;nom;societe;langue;client_depuis\r\n"


def test_preview_then_confirm_then_invite(staff_client, django_capture_on_commit_callbacks, mailoutbox):
    preview, location = upload(staff_client, django_capture_on_commit_callbacks, "excel_utf8_bom_semicolon.csv")
    page = staff_client.get(location)
    content = page.content.decode()
    assert "ana@example.fr" in content
    assert "Chloé Martin" in content  # the individual account the preview announces
    assert User.objects.count() == 1  # the staff member only: a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:contacts_user_import_confirm", args=[preview.pk]))
    run = BackgroundJob.objects.get(kind=KIND_IMPORT)
    assert response["Location"] == reverse("admin:contacts_user_job", args=[run.pk])
    assert run.result["applied"] is True
    assert User.objects.filter(state=User.State.NOT_REGISTERED).count() == 3

    # A second click on the confirmation does not import twice.
    response = staff_client.post(reverse("admin:contacts_user_import_confirm", args=[preview.pk]))
    assert response["Location"] == reverse("admin:contacts_user_job", args=[run.pk])
    assert [str(m) for m in response.wsgi_request._messages] == ["L’import de ce fichier a déjà été lancé."]
    assert BackgroundJob.objects.filter(kind=KIND_IMPORT).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:contacts_user_import_activations", args=[run.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        pass
    invitations = BackgroundJob.objects.get(kind=KIND_IMPORT_ACTIVATIONS)
    assert invitations.result == {"sent": 3, "skipped": 0}
    assert sorted(message.to[0] for message in mailoutbox) == [
        "ana@example.fr",
        "bruno@example.fr",
        "chloe@example.fr",
    ]
    assert User.objects.filter(invitation_sent_at__isnull=False).count() == 3


def test_a_file_with_a_rejected_line_cannot_be_confirmed(staff_client, django_capture_on_commit_callbacks):
    UserFactory(email="un@example.fr")
    preview, location = upload(staff_client, django_capture_on_commit_callbacks, "bad_row_middle.csv")
    content = staff_client.get(location).content.decode()
    assert "trois-at-example.fr" in content
    assert "<td>5</td>" in content and "<td>6</td>" in content
    assert 'disabled aria-describedby="confirm-blocked"' in content

    response = staff_client.post(reverse("admin:contacts_user_import_confirm", args=[preview.pk]))
    assert response["Location"] == reverse("admin:contacts_user_job", args=[preview.pk])
    assert not BackgroundJob.objects.filter(kind=KIND_IMPORT).exists()
    assert User.objects.count() == 2


def test_confirming_is_post_only(staff_client, django_capture_on_commit_callbacks):
    preview, _location = upload(staff_client, django_capture_on_commit_callbacks, "utf8_no_bom_comma.csv")
    assert staff_client.get(reverse("admin:contacts_user_import_confirm", args=[preview.pk])).status_code == 405
    assert not BackgroundJob.objects.filter(kind=KIND_IMPORT).exists()


def test_a_workbook_is_refused_with_a_clear_message(staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:contacts_user_import"),
            {"file": SimpleUploadedFile("contacts.csv", b"PK\x03\x04rest", content_type="text/csv")},
        )
    content = staff_client.get(response["Location"]).content.decode()
    assert "CSV" in content


def test_the_status_endpoint_answers_the_kernel_fragment(staff_client, django_capture_on_commit_callbacks):
    preview, _location = upload(staff_client, django_capture_on_commit_callbacks, "utf8_no_bom_comma.csv")
    response = staff_client.get(
        reverse("admin:contacts_user_job_status", args=[preview.pk]) + "?reload=1", headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert 'role="progressbar"' in content and 'aria-valuenow="100"' in content
    assert "hx-trigger" not in content  # finished: the polling stops
    assert response["HX-Refresh"] == "true"  # and the page reloads to show the report


def test_a_customer_cannot_reach_the_import(client, customer):
    client.force_login(customer)
    response = client.get(reverse("admin:contacts_user_import"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_without_the_add_permission_cannot_import(client):
    clerk = UserFactory(is_staff=True, account=None)
    client.force_login(clerk)
    assert client.get(reverse("admin:contacts_user_import")).status_code == 403


def test_hostile_cells_are_shown_as_rejected_lines_with_their_numbers(staff_client, django_capture_on_commit_callbacks):
    data = (
        "email;prenom;nom\n"
        "ana@example.fr;Ana;Dupont\n"
        f"bruno@example.fr;Bruno;{'B' * 1024 * 1024}\n"
        "chloe@example.fr;Chlo\x00é;Martin\n"
        "dan@example.fr;Dan;\u202eMartin\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:contacts_user_import"), {"file": SimpleUploadedFile("hostile.csv", data)}
        )
    preview = BackgroundJob.objects.get(kind=KIND_IMPORT_PREVIEW)
    assert preview.status == BackgroundJob.Status.SUCCEEDED, preview.message
    content = staff_client.get(response["Location"]).content.decode()
    assert "<td>3</td>" in content and "131072" in content  # the line and the limit
    assert "<td>4</td><td>chloe@example.fr</td>" in content and "U+0000" in content
    # The other lines are judged: to be created, the right-to-left override dropped.
    assert [row["line"] for row in preview.result["rejected"]] == [3, 4]
    assert "<td>2</td><td>ana@example.fr</td><td>Ana Dupont</td>" in content
    assert "<td>5</td><td>dan@example.fr</td><td>Dan Martin</td>" in content
    assert 'disabled aria-describedby="confirm-blocked"' in content

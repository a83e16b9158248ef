"""The contacts import: preview, all-or-nothing run, updates instead of duplicates."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from contacts.importing import contact_import_preview, contact_import_run
from contacts.models import Account, User
from tests.factories import AccountFactory, StaffUserFactory, UserFactory

FILES = Path(__file__).parent / "import_files"

pytestmark = pytest.mark.django_db


def stored(name_or_bytes) -> str:
    data = name_or_bytes if isinstance(name_or_bytes, bytes) else (FILES / name_or_bytes).read_bytes()
    return default_storage.save("imports/contacts/test.csv", ContentFile(data))


def test_preview_says_what_would_happen_and_writes_nothing():
    AccountFactory(name="ÉDITIONS DU LAC")
    report = contact_import_preview(file_name=stored("excel_utf8_bom_semicolon.csv"))
    assert report.ok
    assert (report.rows, report.created, report.updated, report.rejected_total) == (3, 3, 0, 0)
    assert [row["line"] for row in report.created_sample] == [2, 4, 6]
    # The company is found whatever its case; Chloé, without one, gets an individual account.
    assert report.new_accounts == [{"name": "Chloé Martin", "kind": "individual"}]
    assert User.objects.count() == 0


def test_run_creates_not_registered_contacts_in_found_or_new_accounts():
    lac = AccountFactory(name="Éditions du Lac")
    report = contact_import_run(file_name=stored("excel_utf8_bom_semicolon.csv"))
    assert report.applied
    ana = User.objects.get(email="ana@example.fr")
    assert ana.state == User.State.NOT_REGISTERED
    assert not ana.has_usable_password()
    assert ana.account == lac
    assert timezone.localtime(ana.date_joined).date() == datetime.date(2024, 3, 5)
    assert User.objects.get(email="bruno@example.fr").language == "en"
    chloe = User.objects.get(email="chloe@example.fr")
    assert chloe.account.kind == Account.Kind.INDIVIDUAL
    assert chloe.account.name == "Chloé Martin"


def test_a_new_company_is_created_once():
    report = contact_import_run(file_name=stored("windows1252_comma.csv"))
    assert report.applied
    assert report.new_accounts == [{"name": "Imprimerie Ça, Là", "kind": "company"}]
    assert Account.objects.filter(name="Imprimerie Ça, Là", kind=Account.Kind.COMPANY).count() == 1
    assert User.objects.filter(account__name="Imprimerie Ça, Là").count() == 2


def test_the_same_address_in_another_case_updates_rather_than_duplicates():
    ana = UserFactory(email="ana@example.fr", first_name="Old", last_name="Name", state=User.State.ACTIVE)
    report = contact_import_run(file_name=stored("excel_utf8_bom_semicolon.csv"))
    assert (report.created, report.updated) == (2, 1)
    assert User.objects.filter(email__iexact="ana@example.fr").count() == 1
    ana.refresh_from_db()
    assert (ana.first_name, ana.last_name) == ("Ana", "Dupont")
    assert ana.state == User.State.ACTIVE  # an import never downgrades a registered contact


def test_reimporting_the_same_file_changes_nothing_and_duplicates_nothing():
    contact_import_run(file_name=stored("excel_utf8_bom_semicolon.csv"))
    report = contact_import_run(file_name=stored("excel_utf8_bom_semicolon.csv"))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert User.objects.count() == 3
    assert Account.objects.count() == 2


def test_empty_cells_leave_an_existing_contact_s_values_alone():
    account = AccountFactory(name="Lac")
    UserFactory(email="ana@example.fr", first_name="Ana", last_name="Dupont", language="en", account=account)
    report = contact_import_run(file_name=stored(b"email;prenom;nom;societe;langue\nana@example.fr;Anna;;;\n"))
    assert report.updated == 1
    ana = User.objects.get(email="ana@example.fr")
    assert (ana.first_name, ana.last_name, ana.language, ana.account) == ("Anna", "Dupont", "en", account)


def test_the_same_address_twice_in_a_file_is_rejected_naming_both_lines():
    report = contact_import_preview(file_name=stored("duplicate_emails.csv"))
    assert report.rejected_total == 1
    assert report.rejected[0]["line"] == 4
    assert "ligne 2" in report.rejected[0]["reasons"][0]
    assert "ligne 4" in report.rejected[0]["reasons"][0]
    assert contact_import_run(file_name=stored("duplicate_emails.csv")).applied is False
    assert User.objects.count() == 0


def test_a_bad_row_in_the_middle_imports_nothing():
    UserFactory(email="un@example.fr", first_name="Unchanged")
    report = contact_import_run(file_name=stored("bad_row_middle.csv"))
    assert not report.applied
    assert [(row["line"], row["email"]) for row in report.rejected] == [
        (5, "trois-at-example.fr"),
        (6, "quatre@example.fr"),
    ]
    assert User.objects.count() == 1
    assert User.objects.get().first_name == "Unchanged"
    assert Account.objects.filter(name="Lac").count() == 0


def test_a_rejection_in_a_later_batch_rolls_back_earlier_batches(monkeypatch):
    monkeypatch.setattr("contacts.importing.service.BATCH_SIZE", 2)
    data = b"email;societe\n" + b"".join(f"p{n}@example.fr;Lac\n".encode() for n in range(7)) + b"nope;Lac\n"
    report = contact_import_run(file_name=stored(data))
    assert not report.applied
    assert report.rejected[0]["line"] == 9
    assert User.objects.count() == 0
    assert Account.objects.count() == 0


def test_a_staff_member_s_address_is_rejected():
    StaffUserFactory(email="boss@atelier.example.fr")
    report = contact_import_preview(file_name=stored(b"email;societe\nBoss@Atelier.example.fr;Lac\n"))
    assert report.rejected[0]["line"] == 2
    assert "personnel" in report.rejected[0]["reasons"][0]


def test_a_file_without_an_email_column_is_refused_as_a_whole():
    report = contact_import_preview(file_name=stored(b"nom;prenom\nDupont;Ana\n"))
    assert not report.ok
    assert "email" in report.file_error


def test_unknown_columns_are_ignored_and_said():
    report = contact_import_preview(file_name=stored(b"email;telephone\na@example.fr;0102030405\n"))
    assert report.ok
    assert report.ignored_headings == ["telephone"]


def test_progress_is_reported_in_bytes(monkeypatch):
    monkeypatch.setattr("contacts.importing.service.BATCH_SIZE", 1)
    calls = []
    contact_import_preview(
        file_name=stored("excel_utf8_bom_semicolon.csv"), progress=lambda done, total: calls.append((done, total))
    )
    size = (FILES / "excel_utf8_bom_semicolon.csv").stat().st_size
    assert calls[-1] == (size, size)
    assert len(calls) >= 2


# --- Hostile files: a bad line is rejected with its number, the others previewed ----------------


def preview_job(data: bytes):
    from contacts import tasks
    from portal.models import BackgroundJob

    job = BackgroundJob.objects.create(kind=tasks.KIND_IMPORT_PREVIEW, payload={"file": stored(data)}, total=len(data))
    tasks.import_contacts_preview(job.pk)
    job.refresh_from_db()
    return job


def test_a_one_megabyte_cell_rejects_its_line_in_the_preview_instead_of_an_unexpected_error():
    from portal.models import BackgroundJob

    data = (
        "email;prenom;nom\n"
        "ana@example.fr;Ana;Dupont\n"
        f"bruno@example.fr;{'B' * 1024 * 1024};Martin\n"
        "chloe@example.fr;Chloé;Martin\n"
    ).encode()
    with translation.override("en"):
        job = preview_job(data)
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.message
    result = job.result
    assert (result["file_error"], result["created"], result["rejected_total"]) == ("", 2, 1)
    assert result["rejected"][0]["line"] == 3
    assert "longer than 131072 characters" in result["rejected"][0]["reasons"][0]
    assert [row["line"] for row in result["created_sample"]] == [2, 4]


def test_a_nul_is_refused_in_the_preview_with_its_line_and_the_run_writes_nothing():
    data = b"email;prenom;nom;societe\nana@example.fr;Ana;Dupont;Lac\nbruno@example.fr;Bruno;Mar\x00tin;Lac\n"
    with translation.override("en"):
        report = contact_import_preview(file_name=stored(data))
    assert not report.ok
    assert [(row["line"], row["email"]) for row in report.rejected] == [(3, "bruno@example.fr")]
    assert "(U+0000)" in report.rejected[0]["reasons"][0]
    report = contact_import_run(file_name=stored(data))
    assert not report.applied
    assert not User.objects.exists() and not Account.objects.exists()


def test_a_file_over_the_size_bound_is_refused_as_a_whole(monkeypatch):
    monkeypatch.setattr("contacts.importing.service.MAX_FILE_BYTES", 10)
    with translation.override("en"):
        report = contact_import_preview(file_name=stored(b"email\nana@example.fr\n"))
    assert report.file_error == "The file is larger than 0 MB: split it into several files."
    assert report.rows == 0


def test_a_file_of_too_many_lines_is_refused_and_nothing_of_it_is_kept(monkeypatch):
    monkeypatch.setattr("contacts.importing.parsing.MAX_LINES", 3)
    monkeypatch.setattr("contacts.importing.service.BATCH_SIZE", 1)  # the first lines are written before
    report = contact_import_run(file_name=stored(b"email\na@example.fr\nb@example.fr\nc@example.fr\n"))
    assert report.file_error and not report.applied
    assert not User.objects.exists()


def test_a_new_contact_s_individual_account_name_keeps_within_its_length():
    first, last = "P" * 150, "N" * 150
    report = contact_import_run(file_name=stored(f"email;prenom;nom\nana@example.fr;{first};{last}\n".encode()))
    assert report.applied
    name = User.objects.get(email="ana@example.fr").account.name
    assert name == f"{first} {'N' * 49}"
    assert len(name) == Account._meta.get_field("name").max_length


@pytest.mark.services
def test_on_postgresql_the_preview_and_the_run_never_send_a_nul():
    """PostgreSQL refuses NUL in text and in jsonb: the preview's report and the run must keep it out."""
    from django.db import connection

    from portal.models import BackgroundJob

    assert connection.vendor == "postgresql"
    hostile = (
        b"email;prenom;nom;societe;langue;client_depuis;no\x00tes\n"
        b"ana@example.fr;Ana;Dupont;Lac;fr;05/03/2024\n"
        b"bruno\x00@example.fr;Bruno;Martin;Lac;fr;05/03/2024\n"
        b"chloe@example.fr;Chlo\x00e;Martin;Lac;fr;05/03/2024\n"
        b"dan@example.fr;Dan;Martin;Lac\x00;fr;05/03/2024\n"
        b"eve@example.fr;Eve;Martin;Lac;f\x00r;05/03/2024\n"
        b"fay@example.fr;Fay;Martin;Lac;fr;05/03\x00/2024\n"
    )
    job = preview_job(hostile)
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.message
    assert [row["line"] for row in job.result["rejected"]] == [3, 4, 5, 6, 7]
    assert job.result["ignored_headings"] == ["no\ufffdtes"]
    report = contact_import_run(file_name=stored(hostile))
    assert not report.applied and not User.objects.exists()

    clean = (
        "email;prenom;nom;societe\n"
        f"ana@example.fr;Ana;\u202eDupont;Lac\u2066\n"
        f"bruno@example.fr;{'B' * 150};{'M' * 150};\n"
    ).encode()
    report = contact_import_run(file_name=stored(clean))
    assert report.applied, report.rejected
    ana = User.objects.get(email="ana@example.fr")
    assert (ana.last_name, ana.account.name) == ("Dupont", "Lac")
    assert len(User.objects.get(email="bruno@example.fr").account.name) == 200

"""Every change to a drive, from the browser or a WebDAV client, writes its audit row in the same transaction."""

import pytest

from drive import services
from drive.models import DriveEntry
from portal.audit import audit_entries_of
from tests.drive.factories import folder, upload
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def actions(entry) -> list[str]:
    return list(audit_entries_of(entry).order_by("at", "id").values_list("action", flat=True))


def test_create_upload_rename_move_and_delete_each_leave_a_row_on_the_entry():
    account = AccountFactory()
    target = folder(account, "Épreuves")
    assert actions(target) == ["created"]
    entry = upload(account, "a.txt")
    services.entry_rename(entry=entry, name="b.txt")
    services.entry_move(entry=entry, space="my_files", parent=target)
    assert actions(entry) == ["created", "changed", "moved"]
    (rename,) = audit_entries_of(entry).filter(action="changed")
    assert rename.changes == {"name": ["a.txt", "b.txt"]} and rename.account_id == account.pk
    (move,) = audit_entries_of(entry).filter(action="moved")
    assert move.changes == {"parent": [None, target.pk]}
    pk = entry.pk
    services.entry_delete(entry=entry)
    assert not DriveEntry.objects.filter(pk=pk).exists()
    entry.pk = pk
    assert actions(entry)[-1] == "deleted"


def test_the_uploader_is_the_actor_and_a_refused_change_leaves_no_row():
    account = AccountFactory()
    person = UserFactory(account=account)
    first = upload(account, "a.txt", user=person)
    (created,) = audit_entries_of(first)
    assert created.actor == person
    upload(account, "b.txt", user=person)
    with pytest.raises(services.NameTaken):
        services.entry_rename(entry=first, name="B.TXT")
    assert actions(first) == ["created"]

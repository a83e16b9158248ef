"""Moving the generic link from contacts to submissions keeps its row, its settings, and the staff's
permissions on it (the table stays; the content type follows the model)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("contacts", "0004_business_bounds_and_names"), ("submissions", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.fixture
def old_apps():
    old = migrate(BEFORE)
    yield old
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_link_and_the_permissions_on_it_survive_the_move(old_apps):
    Account = old_apps.get_model("contacts", "Account")
    OldLink = old_apps.get_model("contacts", "SubmissionLink")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    Permission = old_apps.get_model("auth", "Permission")
    Group = old_apps.get_model("auth", "Group")
    account = Account.objects.create(name="Éditions du Phare")
    OldLink.objects.create(token="kept-token", is_enabled=True, account=account, max_jobs_per_day=7)
    content_type, _ = ContentType.objects.get_or_create(app_label="contacts", model="submissionlink")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="change_submissionlink", defaults={"name": "Can change"}
    )
    Group.objects.create(name="Link keepers").permissions.add(permission)

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    link = new.get_model("submissions", "SubmissionLink").objects.get()
    assert (link.token, link.is_enabled, link.max_jobs_per_day, link.account.name) == (
        "kept-token",
        True,
        7,
        "Éditions du Phare",
    )
    kept = new.get_model("auth", "Group").objects.get(name="Link keepers").permissions.get()
    assert (kept.content_type.app_label, kept.content_type.model, kept.codename) == (
        "submissions",
        "submissionlink",
        "change_submissionlink",
    )
    assert not new.get_model("contenttypes", "ContentType").objects.filter(app_label="contacts", model="submissionlink")

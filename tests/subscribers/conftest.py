from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_restored():
    """A request in English leaves English active in the thread: the next module's tests expect French."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client

from __future__ import annotations

import pytest


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client

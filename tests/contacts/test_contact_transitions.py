"""The contact lifecycle in memory: allowed moves, refused moves, is_active in step with the state."""

from __future__ import annotations

import pytest
from django.utils import timezone

from contacts.models import ContactState, IllegalTransition, User

S = ContactState


def contact(state: str) -> User:
    return User(email="a@example.fr", state=state, is_active=state == S.ACTIVE)


def test_register_moves_not_registered_to_inactive_and_sets_password():
    person = contact(S.NOT_REGISTERED)
    now = timezone.now()
    fields = person.register(password="a long pass phrase", terms_accepted_at=now, at=now)
    assert person.state == S.INACTIVE and person.is_active is False
    assert person.check_password("a long pass phrase")
    assert person.terms_accepted_at == now
    assert set(fields) >= {"state", "is_active", "password", "terms_accepted_at", "link_issued_at"}


def test_activate_only_from_inactive():
    person = contact(S.INACTIVE)
    assert "is_active" in person.activate()
    assert person.state == S.ACTIVE and person.is_active is True
    for state in (S.NOT_REGISTERED, S.ACTIVE, S.DEACTIVATED):
        with pytest.raises(IllegalTransition):
            contact(state).activate()


def test_deactivate_and_reactivate():
    person = contact(S.ACTIVE)
    person.deactivate()
    assert person.state == S.DEACTIVATED and person.is_active is False
    person.reactivate()
    assert person.state == S.ACTIVE and person.is_active is True
    for state in (S.NOT_REGISTERED, S.INACTIVE, S.DEACTIVATED):
        with pytest.raises(IllegalTransition):
            contact(state).deactivate()
    for state in (S.NOT_REGISTERED, S.INACTIVE, S.ACTIVE):
        with pytest.raises(IllegalTransition):
            contact(state).reactivate()


def test_remove_identities_only_from_active():
    person = contact(S.ACTIVE)
    person.set_password("secret secret")
    person.invitation_sent_at = person.terms_accepted_at = timezone.now()
    person.remove_identities()
    assert person.state == S.NOT_REGISTERED and person.is_active is False
    assert not person.has_usable_password()
    assert person.invitation_sent_at is None and person.terms_accepted_at is None
    for state in (S.NOT_REGISTERED, S.INACTIVE, S.DEACTIVATED):
        with pytest.raises(IllegalTransition):
            contact(state).remove_identities()


def test_links_only_while_waiting():
    now = timezone.now()
    for state in (S.NOT_REGISTERED, S.INACTIVE):
        assert contact(state).issue_link(at=now) == ["link_issued_at"]
    for state in (S.ACTIVE, S.DEACTIVATED):
        with pytest.raises(IllegalTransition):
            contact(state).issue_link(at=now)
    with pytest.raises(IllegalTransition):
        contact(S.INACTIVE).mark_invited(at=now)
    with pytest.raises(IllegalTransition):
        contact(S.INACTIVE).register(password="x", terms_accepted_at=None, at=now)


def test_transition_table_covers_every_state():
    assert set(User.TRANSITIONS) == set(S.values)
    assert User.TRANSITIONS[S.ACTIVE] == {S.DEACTIVATED, S.NOT_REGISTERED}

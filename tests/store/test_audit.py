"""The audit trail's hash chain: intact chains verify; an edited field, a deleted entry, two
swapped entries and a cut-off tail are each caught and named by sequence number; on SQLite
and on PostgreSQL (`db_url`). The tampering goes through a plain connection of the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sanctions.auth import KeyChecker, create_key, create_user, disable_user, revoke_key
from sanctions.errors import UsageError
from sanctions.store import Store, audit


@pytest.fixture
def store_path(db_url: str) -> Iterator[str]:
    path = db_url
    with Store(path) as store, store.db.transaction() as db:
        for n in range(1, 6):
            audit.append(db, "tester", "test.step", f"step:{n}", {"n": n, "text": "é"})
    yield path


def tamper(path: str, *statements: str) -> None:
    """Run SQL behind the store's back (autocommit), as someone with database access."""
    with Store(path) as store:
        for statement in statements:
            store.db.execute(statement)


def verify(path: str) -> audit.Verification:
    with Store(path) as store:
        return audit.verify(store.db)


def test_an_untouched_chain_verifies(store_path: str) -> None:
    result = verify(store_path)
    assert result.ok and result.entries == 5 and result.first_bad is None
    with Store(store_path) as store:
        entries = list(audit.entries(store.db))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert entries[2].data == {"n": 3, "text": "é"}


@pytest.mark.parametrize("column", ["at", "actor", "action", "subject", "data"])
def test_an_edited_field_is_caught_at_its_entry(store_path: str, column: str) -> None:
    value = '{"n": 99}' if column == "data" else "forged"
    with Store(store_path) as store:
        store.db.execute(f"UPDATE audit_log SET {column} = ? WHERE seq = 3", (value,))
    result = verify(store_path)
    assert not result.ok and result.first_bad == 3
    assert "edited" in (result.problem or "")


def test_a_deleted_entry_is_caught(store_path: str) -> None:
    tamper(store_path, "DELETE FROM audit_log WHERE seq = 2")
    result = verify(store_path)
    assert not result.ok and result.first_bad == 3
    assert "missing" in (result.problem or "")


def test_two_swapped_entries_are_caught(store_path: str) -> None:
    tamper(
        store_path,
        "UPDATE audit_log SET seq = -1 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = -1",
    )
    result = verify(store_path)
    assert not result.ok and result.first_bad == 2


def test_a_cut_off_tail_is_caught(store_path: str) -> None:
    tamper(store_path, "DELETE FROM audit_log WHERE seq >= 4")
    result = verify(store_path)
    assert not result.ok and result.first_bad == 5 and "cut off" in (result.problem or "")


def test_a_rewritten_chain_without_the_head_is_caught(store_path: str) -> None:
    tamper(store_path, "DELETE FROM audit_head")
    assert not verify(store_path).ok


def test_since_filters_entries_by_time(store_path: str) -> None:
    with Store(store_path) as store:
        every = list(audit.entries(store.db))
        later = list(audit.entries(store.db, since=every[3].at))
    assert later == [e for e in every if e.at >= every[3].at]
    assert [e.seq for e in later][-2:] == [4, 5]


def test_user_and_key_changes_are_audited_and_roles_checked(db_url: str) -> None:
    with Store(db_url) as store:
        create_user(store, "ana", "analyst", actor="admin-cli")
        key = create_key(store, "ana-laptop", user="ana", actor="admin-cli")
        principal = KeyChecker().identify(store, key)
        assert principal is not None and (principal.user, principal.role) == ("ana", "analyst")
        assert principal.may("decide") and not principal.may("approve")
        with pytest.raises(UsageError, match="role"):
            create_key(store, "ana-2", user="ana", role="admin")
        with pytest.raises(UsageError, match="unknown role"):
            create_user(store, "bob", "boss", actor="admin-cli")
        disable_user(store, "ana", actor="admin-cli")
        assert KeyChecker().identify(store, key) is None
        revoke_key(store, "ana-laptop", actor="admin-cli")
        actions = [(e.actor, e.action, e.subject) for e in audit.entries(store.db)]
        assert actions == [
            ("admin-cli", "user.created", "user:ana"),
            ("admin-cli", "key.created", "key:ana-laptop"),
            ("admin-cli", "user.disabled", "user:ana"),
            ("admin-cli", "key.revoked", "key:ana-laptop"),
        ]
        assert audit.verify(store.db).ok

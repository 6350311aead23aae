"""List freshness: a list that silently stops updating is a missed designation.

A list's age is the time since we last knew it to be current: the later of its last
successful update check (`sanctions update`, even when nothing had changed) and the load of
its active version. It is stale once older than its expected cadence (the publisher's, from
the registry, or `expected_every` in the settings file). `notify_stale` sends one
`list.stale` webhook event (and writes one audit entry) per stale period: a fresh update
ends the period; the next staleness starts a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..settings import Settings
from ..sources.registry import get_source
from ..store import Store, audit
from ..store import fetch_state as fetch
from . import webhooks


@dataclass(frozen=True)
class ListAge:
    source: str
    version: int
    age_seconds: float
    expected_every: float
    stale: bool
    stale_since: str | None  # when it became (or will become) stale
    current_since: str  # the last time the list was known to be current

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["age_seconds"] = round(self.age_seconds, 1)
        return data


def _parse(moment: str) -> datetime:
    value = datetime.fromisoformat(moment)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def cadence(settings: Settings, source: str) -> float:
    configured = settings.source(source).expected_every
    return configured if configured is not None else get_source(source).cadence


def list_ages(store: Store, settings: Settings, now: datetime | None = None) -> list[ListAge]:
    """The age of every list with an active version, by source name."""
    moment = now or datetime.now(UTC)
    checks = fetch.FetchState(store).sources()
    ages = []
    for version in store.lists():
        known = [_parse(version.loaded_at)]
        state = checks.get(version.source)
        if state is not None and state.last_success:
            known.append(_parse(state.last_success))
        current = max(known)
        every = cadence(settings, version.source)
        since = current + timedelta(seconds=every)
        ages.append(
            ListAge(
                source=version.source,
                version=version.version,
                age_seconds=(moment - current).total_seconds(),
                expected_every=every,
                stale=moment > since,
                stale_since=since.isoformat(timespec="seconds"),
                current_since=current.isoformat(timespec="seconds"),
            )
        )
    return ages


def stale_lists(store: Store, settings: Settings, now: datetime | None = None) -> list[str]:
    return [age.source for age in list_ages(store, settings, now) if age.stale]


def notify_stale(store: Store, settings: Settings, now: datetime | None = None) -> list[str]:
    """Queue one `list.stale` event per stale list and stale period; the sources notified."""
    moment = now or datetime.now(UTC)
    notified = []
    with store.db.transaction() as db:
        for age in list_ages(store, settings, moment):
            if not age.stale or age.stale_since is None:
                continue
            at = moment.isoformat(timespec="seconds")
            if not fetch.record_stale_notice(db, age.source, age.stale_since, at):
                continue  # already told for this stale period
            data = age.to_json()
            audit.append(db, "system", "list.stale", f"list:{age.source}", data)
            webhooks.emit(db, "list.stale", data)
            notified.append(age.source)
    return notified

"""`/ui/entities/{id}`: one listed entity — every field as it stands in the active version,
names by kind and script, identifiers, sanctions — and its history across the versions of
its list with field-level diffs (`store.history`); a removed entity still shows its history.

`/ui/changes/{source}`: what changed between two versions of a list (default: the last
two), `Store.changes` as the API's `/v1/lists/{source}/changes` gives it, with version
pickers; each section shows at most `SHOWN` rows and decodes only the entities it shows.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ...api.deps import api_state
from ...errors import NotFound
from ...model import DateValue, Entity, IdKind, NameKind
from ...store import Store
from ...store.history import REMOVED, Step, entity_history
from ...text.scripts import script_code
from ..render import page
from ..security import Viewer

router = APIRouter(prefix="/ui", include_in_schema=False)
SHOWN = 500  # rows per section of the changes page

KINDS = {
    NameKind.PRIMARY: "Primary name",
    NameKind.ALIAS: "Alias (a.k.a.)",
    NameKind.WEAK: "Weak alias",
    NameKind.FORMER: "Former name (f.k.a.)",
    NameKind.ORIGINAL: "Original script",
}
SCRIPTS = {  # ISO 15924 codes of text/scripts.py, as an analyst reads them
    "latn": "Latin",
    "cyrl": "Cyrillic",
    "arab": "Arabic",
    "hani": "Han",
    "hang": "Hangul",
    "jpan": "Japanese",
    "ethi": "Ethiopic",
    "grek": "Greek",
    "hebr": "Hebrew",
    "thai": "Thai",
    "geor": "Georgian",
    "armn": "Armenian",
    "deva": "Devanagari",
    "zzzz": "Other script",
}
ID_KINDS = {
    IdKind.PASSPORT: "Passport",
    IdKind.NATIONAL_ID: "National ID",
    IdKind.TAX_ID: "Tax ID",
    IdKind.REGISTRATION: "Registration number",
    IdKind.IMO: "IMO number",
    IdKind.MMSI: "MMSI",
    IdKind.CALL_SIGN: "Call sign",
    IdKind.SWIFT_BIC: "SWIFT/BIC",
    IdKind.LEI: "LEI",
    IdKind.CRYPTO: "Crypto wallet",
    IdKind.OTHER: "Other identifier",
}
STEP_LABELS = {
    "added": "First appearance",
    "changed": "Changed",
    "removed": "Removed",
    "reappeared": "Reappeared",
}
# Flat properties by section, in this order; anything else goes under "Other details".
SANCTIONS = ("program", "sanctionsInfo", "listingDate", "modifiedAt", "unscId")
DETAILS = ("birthPlace", "gender", "nationality", "citizenship", "country", "title", "position")
NOTES = ("notes",)
COUNTRY_PROPERTIES = frozenset({"nationality", "citizenship", "country", "flag", "pastFlags"})


def entity_href(entity_id: str) -> str:
    return "/ui/entities/" + quote(entity_id, safe=":@")


LABELS = {
    "associate": "Linked to (unresolved)",
    "associateId": "Linked to",
    "idNumber": "ID number",
    "imoNumber": "IMO number",
    "leiCode": "LEI",
    "mmsi": "MMSI",
    "previousName": "Former name",
    "swiftBic": "SWIFT/BIC",
    "unscId": "UN reference",
}


def _label(prop: str) -> str:
    """'sanctionsInfo' -> 'Sanctions info'."""
    if prop in LABELS:
        return LABELS[prop]
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in prop).strip()
    return words[:1].upper() + words[1:]


def _values(entity: Entity, prop: str) -> list[str]:
    """A property's values; country codes upper case, on one line."""
    values = entity.get(prop)
    return [", ".join(v.upper() for v in values)] if prop in COUNTRY_PROPERTIES else list(values)


def _facts(entity: Entity, props: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    return [(_label(p), _values(entity, p)) for p in props if entity.get(p)]


def _date(value: DateValue) -> str:
    text = f"{value.start} to {value.end}" if value.end else value.start
    return f"circa {text}" if value.circa else text


def script_name(text: str, lang: str | None) -> str:
    code = script_code(text) or lang
    return SCRIPTS.get(code or "", code.upper() if code else "No letters")


def name_groups(entity: Entity) -> list[dict[str, Any]]:
    """The names by kind (primary, alias, weak, former, original), then by script."""
    groups: dict[tuple[NameKind, str], list[str]] = {}
    for name in entity.names:
        key = (name.kind, script_name(name.value, name.lang))
        groups.setdefault(key, []).append(name.value)
    order = list(KINDS)
    ranked = sorted(groups, key=lambda k: (order.index(k[0]), k[1] != "Latin", k[1]))
    return [{"kind": KINDS[k], "script": s, "names": groups[(k, s)]} for k, s in ranked]


def entity_view(entity: Entity) -> dict[str, Any]:
    """Every field of an entity, grouped for the page."""
    shown = set(SANCTIONS) | set(DETAILS) | set(NOTES)
    ftm = entity.to_ftm()
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": entity.schema,
        "datasets": entity.datasets,
        "programs": entity.get("program"),
        "sanctions": _facts(entity, SANCTIONS),
        "birth_dates": [_date(d) for d in entity.birth_dates],
        "details": _facts(entity, DETAILS),
        "names": name_groups(entity),
        "name_count": len(entity.names),
        "identifiers": [
            {
                "type": ID_KINDS.get(i.kind, i.kind.value),
                "number": i.value,
                "country": (i.country or "").upper(),
                "note": i.note or "",
            }
            for i in entity.identifiers
        ],
        "addresses": entity.addresses,
        "links": [
            {
                "name": link.name,
                "relation": link.relation.replace("_", " "),
                "target": link.target_id,
                "href": entity_href(link.target_id) if link.target_id else None,
            }
            for link in entity.links
        ],
        "other": _facts(entity, tuple(sorted(p for p in entity.properties if p not in shown))),
        "notes": entity.get("notes"),
        "ftm": json.dumps(ftm, ensure_ascii=False, indent=2),
    }


def _linked(prop: str, values: list[str]) -> list[tuple[str, str | None]]:
    """Each value with the page it names (associateId values are entity ids)."""
    return [(v, entity_href(v) if prop == "associateId" else None) for v in values]


def _step_view(step: Step, source: str) -> dict[str, Any]:
    compare = None
    if step.version > 1:
        query = urlencode({"from": step.version - 1, "to": step.version})
        compare = f"/ui/changes/{quote(source, safe='')}?{query}"
    return {
        "kind": step.kind,
        "label": STEP_LABELS[step.kind],
        "version": step.version,
        "loaded_at": step.loaded_at,
        "published": step.published,
        "active": step.active,
        "changes": [
            (_label(c.prop), c.prop, _linked(c.prop, c.removed), _linked(c.prop, c.added))
            for c in step.changes
        ],
        "compare": compare,
    }


@router.get("/entities/{entity_id:path}")
def entity_page(request: Request, session: Viewer, entity_id: str) -> Response:
    store = api_state(request).store()
    steps = entity_history(store, entity_id)
    try:
        entity: Entity = store.entity(entity_id)
        missing = None
    except NotFound as exc:
        known = [s.entity for s in steps if s.entity is not None]
        if not known:
            raise
        entity, missing = known[-1], str(exc)
    last = steps[-1] if steps else None
    removed = last if missing is not None and last is not None and last.kind == REMOVED else None
    shown_in = next((s.version for s in reversed(steps) if s.entity is not None), None)
    source = entity.source
    latest = store.versions(source)[-1].version
    return page(
        request,
        "entity.html",
        session,
        e=entity_view(entity),
        source=source,
        changes_href=f"/ui/changes/{quote(source, safe='')}",
        screen_href="/ui/screen?" + urlencode({"name": entity.caption}),
        missing=missing,
        removed=_step_view(removed, source) if removed else None,
        shown_in=shown_in,
        steps=[_step_view(s, source) for s in reversed(steps)],
        unchanged_since=last.version if last and last.version < latest else None,
        latest=latest,
    )


# -- changes between two versions of a list ----------------------------------------------------


def _version(text: str, source: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise NotFound(f"source {source!r} has no version {text!r}")
    return int(text)


def _rows(
    store: Store, ids: list[str], hashes: dict[str, str], properties: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """The first `SHOWN` ids with their caption and schema in the given version."""
    rows = []
    for entity_id in ids[:SHOWN]:
        digest = hashes.get(entity_id)
        entity = store.entity_by_hash(digest) if digest else None
        rows.append(
            {
                "id": entity_id,
                "href": entity_href(entity_id),
                "caption": entity.caption if entity else entity_id,
                "schema": entity.schema if entity else "",
                "properties": [_label(p) for p in properties.get(entity_id, [])],
            }
        )
    return rows


@router.get("/changes/{source}")
def changes_page(
    request: Request,
    session: Viewer,
    source: str,
    from_: str = Query("", alias="from", max_length=20),
    to: str = Query("", max_length=20),
) -> Response:
    store = api_state(request).store()
    versions = store.versions(source)  # NotFound for an unknown source -> the 404 page
    diff = store.changes(source, _version(from_, source), _version(to, source))
    by_seq = {v.version: v for v in versions}
    older = by_seq.get(diff.from_version) if diff.from_version is not None else None
    newer = by_seq[diff.to_version]
    new_hashes = store.member_hashes(source, diff.to_version)
    old_hashes = store.member_hashes(source, older.version) if older else {}
    changed_ids = [c["id"] for c in diff.changed]
    changed_props = {c["id"]: list(c["properties"]) for c in diff.changed}
    sections = [
        ("added", "Added", diff.added, _rows(store, diff.added, new_hashes, {})),
        ("removed", "Removed", diff.removed, _rows(store, diff.removed, old_hashes, {})),
        (
            "modified",
            "Modified",
            changed_ids,
            _rows(store, changed_ids, new_hashes, changed_props),
        ),
    ]
    chosen = {"from": diff.from_version, "to": diff.to_version}
    chosen = {k: v for k, v in chosen.items() if v is not None}
    flags = [f"--{k} {v}" for k, v in chosen.items()]
    return page(
        request,
        "changes.html",
        session,
        source=source,
        versions=versions,
        older=older,
        newer=newer,
        sections=[
            {
                "id": key,
                "title": title,
                "total": len(ids),
                "rows": rows,
                "more": len(ids) - len(rows),
            }
            for key, title, ids, rows in sections
        ],
        shown=SHOWN,
        cli_command=" ".join(["sanctions changes", source, *flags, "--json"]),
        api_path=f"/v1/lists/{quote(source, safe='')}/changes?{urlencode(chosen)}",
    )

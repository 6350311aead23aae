"""The alert queue and the alert review pages with their decision, approval and rejection
forms, in-process over a real store (tests/web/conftest.py: 13 open alerts from a real
monitoring run on four customers)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from uihelpers import as_user, csrf_of, sign_in

from sanctions.store import Store, audit
from sanctions.store import alerts as alert_rows
from sanctions.web.views import alerts as alerts_view

ROW = re.compile(r'<tr data-href="/ui/alerts/(\d+)" tabindex="-1">(.*?)</tr>', re.S)
SCORE = re.compile(r'<td class="num">(\d\.\d\d)</td>')


def rows(html: str) -> list[int]:
    return [int(m.group(1)) for m in ROW.finditer(html)]


def scores(html: str) -> list[float]:
    return [float(SCORE.search(m.group(2)).group(1)) for m in ROW.finditer(html)]  # type: ignore[union-attr]


def state_of(db: Path, alert_id: int) -> str:
    with Store(db) as store:
        alert = alert_rows.get(store.db, alert_id)
        assert alert is not None
        return alert.state


def audit_count(db: Path) -> int:
    with Store(db) as store:
        return sum(1 for _ in audit.entries(store.db))


def post(client: TestClient, path: str, **data: str) -> object:
    """Post a form with the CSRF token of the page the user would be on."""
    token = csrf_of(client.get("/ui/alerts/1").text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


# -- signed out --------------------------------------------------------------------------------


def test_signed_out_requests_go_to_sign_in_and_change_nothing(
    anon: TestClient, ui_db: Path
) -> None:
    for path in ("/ui/alerts?state=open&min_score=0.9", "/ui/alerts/1"):
        response = anon.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/ui/login?next=%2Fui%2Falerts")
        assert "GERTLER" not in response.text
    before = audit_count(ui_db)
    response = anon.post(
        "/ui/alerts/1/decision",
        data={"decision": "false_positive", "reason": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and "/ui/login" in response.headers["location"]
    assert state_of(ui_db, 1) == "open" and audit_count(ui_db) == before


# -- the queue ---------------------------------------------------------------------------------


def test_queue_lists_the_undecided_alerts_with_keyboard_navigation(
    shared_client: TestClient,
) -> None:
    page = as_user(shared_client, "vera").get("/ui/alerts")
    assert page.status_code == 200
    html = page.text
    assert '<table class="queue" data-keynav>' in html
    assert 'id="alert-filters"' in html and 'method="get"' in html
    assert rows(html) == list(range(1, 14))
    assert "1–13 of 13" in html
    assert "<kbd>j</kbd>" in html and "<kbd>k</kbd>" in html and "<kbd>Enter</kbd>" in html
    # default states ticked, the decided ones not
    for state in ("open", "escalated", "pending_approval"):
        assert f'value="{state}" id="state-{state}" checked' in html
    for state in ("false_positive", "true_match", "closed"):
        assert f'value="{state}" id="state-{state}">' in html
    first = ROW.search(html)
    assert first is not None
    cells = first.group(2)
    assert 'class="state-open"' in cells and "c-1" in cells and "Dan Gertler" in cells
    assert "GERTLER, Dan" in cells and 'href="/ui/entities/ofac-sdn:23252"' in cells
    assert "ofac-sdn v2" in cells
    # the counts by state, from by_state
    assert re.search(r'class="state-open">open</a> <span class="num">13</span>', html)
    # every input is labelled
    for name in ("min_score", "list", "customer"):
        assert f'<label for="{name}">' in html and f'id="{name}"' in html


def test_queue_filters(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    everything = client.get("/ui/alerts").text
    high = client.get("/ui/alerts?min_score=0.9")
    assert high.status_code == 200
    expected = [i for i, s in zip(rows(everything), scores(everything), strict=True) if s >= 0.9]
    assert rows(high.text) == expected and 0 < len(expected) < 13
    assert all(s >= 0.9 for s in scores(high.text))
    assert 'name="min_score" type="number" min="0" max="1" step="0.01" value="0.9"' in high.text

    c4 = client.get("/ui/alerts?customer=c-4").text
    assert len(rows(c4)) == 11 and "Dan Gertler" not in c4
    c1 = client.get("/ui/alerts?customer=c-1").text
    assert rows(c1) == [1]

    assert len(rows(client.get("/ui/alerts?list=ofac-sdn").text)) == 13
    un = client.get("/ui/alerts?list=un-sc").text
    assert rows(un) == [] and "No alert matches these filters." in un
    assert '<option value="un-sc" selected>' in un

    decided = client.get("/ui/alerts?filtered=1&state=false_positive&state=true_match").text
    assert rows(decided) == [] and 'id="state-open">' in decided  # open no longer ticked
    comma = client.get("/ui/alerts?state=open,escalated").text
    assert len(rows(comma)) == 13


def test_queue_refuses_bad_filters_with_a_message(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    for query, words in (
        ("min_score=abc", "not a number"),
        ("min_score=2", "outside [0, 1]"),
        ("state=nonsense", "unknown state"),
    ):
        response = client.get(f"/ui/alerts?{query}")
        assert response.status_code == 422, query
        assert '<p class="error" role="alert">' in response.text and words in response.text
        assert rows(response.text) == []


def test_queue_pages_keep_the_filters(
    shared_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alerts_view, "LIMIT", 5)
    client = as_user(shared_client, "vera")
    first = client.get("/ui/alerts?state=open").text
    assert rows(first) == [1, 2, 3, 4, 5] and "1–5 of 13" in first
    assert 'rel="prev"' not in first
    assert 'href="/ui/alerts?filtered=1&amp;state=open&amp;offset=5" rel="next"' in first
    last = client.get("/ui/alerts?filtered=1&state=open&offset=10").text
    assert rows(last) == [11, 12, 13] and "11–13 of 13" in last
    assert 'rel="next"' not in last
    assert 'href="/ui/alerts?filtered=1&amp;state=open&amp;offset=5" rel="prev"' in last
    beyond = client.get("/ui/alerts?offset=100").text
    assert rows(beyond) == [] and "0–0 of 13" in beyond and 'rel="prev"' in beyond


def _add_alerts(db: Path, count: int, entity_id: str = "ofac-sdn:23252") -> list[int]:
    """More alerts like alert 1 (the store's own insert), for paging and a delisted entity."""
    with Store(db) as store:
        model = alert_rows.get(store.db, 1)
        assert model is not None
        ids = []
        with store.db.transaction() as tx:
            for n in range(count):
                ids.append(
                    alert_rows.insert(
                        tx,
                        customer_id="c-3",
                        entity_id=entity_id if count == 1 else f"{entity_id}{n}",
                        state="open",
                        score=0.8,
                        customer_revision=1,
                        list_source="ofac-sdn",
                        list_version=1,
                        fingerprint=f"test-{n}",
                        hit={**model.hit, "entity_id": entity_id, "caption": "DELISTED PARTY"},
                        at=audit.now(),
                        run_id=model.run_id,
                    )
                )
        return ids


def test_queue_renders_fifty_rows_a_page(anon: TestClient, ui_db: Path) -> None:
    _add_alerts(ui_db, 60)
    sign_in(anon, "vera")
    first = anon.get("/ui/alerts").text
    assert len(rows(first)) == 50 and "1–50 of 73" in first
    second = anon.get("/ui/alerts?offset=50").text
    assert len(rows(second)) == 23 and "51–73 of 73" in second
    assert rows(second)[0] == rows(first)[-1] + 1


def test_htmx_filtering_swaps_only_the_rows(shared_client: TestClient) -> None:
    client = as_user(shared_client, "vera")
    part = client.get("/ui/alerts?customer=c-1", headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert "<html" not in part.text and 'id="alert-filters"' not in part.text
    assert rows(part.text) == [1] and "data-keynav" in part.text
    refused = client.get("/ui/alerts?min_score=x", headers={"HX-Request": "true"})
    assert refused.status_code == 200 and "not a number" in refused.text  # htmx swaps no 422


# -- the alert page ----------------------------------------------------------------------------


def test_alert_page_shows_both_sides_and_the_explanation(shared_client: TestClient) -> None:
    page = as_user(shared_client, "vera").get("/ui/alerts/1")
    assert page.status_code == 200
    html = page.text
    assert re.search(r"<h1>Alert 1\b", html)
    assert '<strong id="alert-state" class="state-open">open</strong>' in html
    assert 'class="cols"' in html
    customer = html.split('id="customer-heading"')[1].split("</section>")[0]
    assert "Dan Gertler" in customer and "1973-12-23" in customer
    assert 'href="/ui/customers/c-1"' in customer
    entity = html.split('id="entity-heading"')[1].split("</section>")[0]
    assert "GERTLER, Dan" in entity and 'href="/ui/entities/ofac-sdn:23252"' in entity
    assert "Tel Aviv, Israel" in entity and "GLOMAG" in entity
    # the matched names, highlighted, and the explanation's pairs, features and notes
    assert "<mark>Gertler</mark>" in html and "<mark>GERTLER,</mark>" in html
    assert "<td>gertler</td><td>gertler</td>" in html
    assert "birth date 0.06" in html and "born 1973-12-23, listed 1973-12-23" in html
    events = html.split('<ol id="events"')[1].split("</ol>")[0]
    assert "opened" in events and "tests" in events
    # a viewer reads but gets no form
    assert 'id="decision-form"' not in html and "may read this alert but not decide it" in html


def test_analyst_sees_the_decision_form(shared_client: TestClient) -> None:
    html = as_user(shared_client, "anna").get("/ui/alerts/1").text
    assert '<form id="decision-form"' in html and 'action="/ui/alerts/1/decision"' in html
    assert '<select name="decision" id="decision">' in html
    assert '<textarea name="reason" id="reason"' in html and '<label for="reason">' in html
    assert '<button type="submit" id="decide"' in html
    for value in ("false_positive", "true_match", "escalate"):
        assert f'<option value="{value}"' in html
    assert 'name="csrf" value="' in html
    assert 'id="approval-form"' not in html  # nothing pending


def test_unknown_alert_is_404(shared_client: TestClient) -> None:
    response = as_user(shared_client, "vera").get("/ui/alerts/99999")
    assert response.status_code == 404 and "no alert 99999" in response.text


def test_alert_on_a_delisted_entity_says_so(anon: TestClient, ui_db: Path) -> None:
    with Store(ui_db) as store:
        old = store.member_hashes("ofac-sdn", 1)
        gone = sorted(set(old) - set(store.member_hashes("ofac-sdn", 2)))[0]
    [alert_id] = _add_alerts(ui_db, 1, entity_id=gone)
    html = sign_in(anon, "vera").get(f"/ui/alerts/{alert_id}").text
    entity = html.split('id="entity-heading"')[1].split("</section>")[0]
    assert "No longer on the list" in entity and "has since been removed" in entity
    assert "DELISTED PARTY" in entity and "GERTLER, Dan" in entity  # the hit's caption, name
    assert f'href="/ui/entities/{gone}"' in entity


# -- decisions ---------------------------------------------------------------------------------


def test_false_positive_takes_effect_and_is_audited(anon: TestClient, ui_db: Path) -> None:
    sign_in(anon, "anna")
    response = post(anon, "/ui/alerts/1/decision", decision="false_positive", reason="other DOB")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/ui/alerts/1?done=decided"  # type: ignore[attr-defined]
    assert state_of(ui_db, 1) == "false_positive"
    with Store(ui_db) as store:
        entries = [e for e in audit.entries(store.db) if e.subject == "alert:1"]
    decided = [e for e in entries if e.action == "alert.decided"]
    assert len(decided) == 1 and decided[0].actor == "anna"
    assert decided[0].data["reason"] == "other DOB"
    html = anon.get("/ui/alerts/1?done=decided").text
    assert '<p class="notice" role="status">Decision recorded.</p>' in html
    assert 'class="state-false_positive">false positive</strong>' in html
    assert 'id="decision-form"' not in html  # decided: no form
    events = html.split('<ol id="events"')[1].split("</ol>")[0]
    assert "<strong>anna</strong> decided" in events and "other DOB" in events
    # the queue: gone from the default states, there with every state or its own
    assert 1 not in rows(anon.get("/ui/alerts").text)
    assert 1 in rows(anon.get("/ui/alerts?filtered=1").text)
    assert rows(anon.get("/ui/alerts?state=false_positive").text) == [1]
    # deciding it again is a conflict, shown with the error's status
    again = post(anon, "/ui/alerts/1/decision", decision="true_match", reason="changed my mind")
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "only open or escalated alerts" in again.text  # type: ignore[attr-defined]
    assert state_of(ui_db, 1) == "false_positive"


def test_true_match_waits_for_a_second_user(anon: TestClient, ui_db: Path) -> None:
    sign_in(anon, "anna")
    response = post(anon, "/ui/alerts/2/decision", decision="true_match", reason="same person")
    assert response.headers["location"] == "/ui/alerts/2?done=proposed"  # type: ignore[attr-defined]
    assert state_of(ui_db, 2) == "pending_approval"
    html = anon.get("/ui/alerts/2").text
    assert 'id="alert-state" class="state-pending_approval"' in html
    assert '<dd id="proposer">anna</dd>' in html and "same person" in html
    assert "<strong>true match</strong>" in html
    assert 'id="approval-form"' not in html  # an analyst may not approve
    assert 'id="decision-form"' not in html  # pending: no new decision
    # an analyst posting an approval is refused by the route
    refused = post(anon, "/ui/alerts/2/approval")
    assert refused.status_code == 403 and state_of(ui_db, 2) == "pending_approval"  # type: ignore[attr-defined]
    assert "this needs approver or higher" in refused.text  # type: ignore[attr-defined]

    anon.cookies.clear()
    sign_in(anon, "arno")
    html = anon.get("/ui/alerts/2").text
    assert '<form id="approval-form"' in html
    assert '<button type="submit" id="approve" class="primary">' in html  # enabled
    assert '<textarea name="reason" id="reject-reason"' in html and 'id="reject"' in html
    approved = post(anon, "/ui/alerts/2/approval", reason="checked the passport")
    assert approved.status_code == 303  # type: ignore[attr-defined]
    assert approved.headers["location"] == "/ui/alerts/2?done=approved"  # type: ignore[attr-defined]
    assert state_of(ui_db, 2) == "true_match"
    with Store(ui_db) as store:
        decided = [
            e
            for e in audit.entries(store.db)
            if e.subject == "alert:2" and e.action == "alert.decided"
        ]
    assert [(e.actor, e.data["proposed_by"]) for e in decided] == [("arno", "anna")]
    html = anon.get("/ui/alerts/2").text
    assert 'class="state-true_match">true match</strong>' in html
    assert "checked the passport" in html.split('<ol id="events"')[1]


def test_the_proposer_cannot_approve(anon: TestClient, ui_db: Path) -> None:
    sign_in(anon, "arno")
    post(anon, "/ui/alerts/3/decision", decision="true_match", reason="the IRGC itself")
    assert state_of(ui_db, 3) == "pending_approval"
    html = anon.get("/ui/alerts/3").text
    assert re.search(r'<button type="submit" id="approve"[^>]* disabled', html)
    assert "a different user must approve it" in html
    before = audit_count(ui_db)
    refused = post(anon, "/ui/alerts/3/approval")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert "four-eyes needs a different user" in refused.text  # type: ignore[attr-defined]
    assert state_of(ui_db, 3) == "pending_approval" and audit_count(ui_db) == before

    anon.cookies.clear()
    sign_in(anon, "adam")
    html = anon.get("/ui/alerts/3").text
    assert '<button type="submit" id="approve" class="primary">' in html
    assert post(anon, "/ui/alerts/3/approval").status_code == 303  # type: ignore[attr-defined]
    assert state_of(ui_db, 3) == "true_match"


def test_rejection_sends_the_proposal_back(anon: TestClient, ui_db: Path) -> None:
    sign_in(anon, "anna")
    post(anon, "/ui/alerts/4/decision", decision="escalate", reason="needs a senior look")
    assert state_of(ui_db, 4) == "escalated"
    html = anon.get("/ui/alerts/4").text
    assert '<option value="escalate"' not in html  # already escalated
    post(anon, "/ui/alerts/4/decision", decision="true_match", reason="the Qods Force")
    assert state_of(ui_db, 4) == "pending_approval"

    anon.cookies.clear()
    sign_in(anon, "arno")
    empty = post(anon, "/ui/alerts/4/rejection", reason="  ")
    assert empty.status_code == 400 and state_of(ui_db, 4) == "pending_approval"  # type: ignore[attr-defined]
    rejected = post(anon, "/ui/alerts/4/rejection", reason="a different force")
    assert rejected.headers["location"] == "/ui/alerts/4?done=rejected"  # type: ignore[attr-defined]
    assert state_of(ui_db, 4) == "escalated"  # back where it was proposed from
    html = anon.get("/ui/alerts/4?done=rejected").text
    assert "Proposal rejected" in html and 'id="decision-form"' in html
    assert "<strong>arno</strong> rejected" in html and "a different force" in html


def test_a_viewer_may_not_decide(anon: TestClient, ui_db: Path) -> None:
    sign_in(anon, "vera")
    before = audit_count(ui_db)
    response = post(anon, "/ui/alerts/1/decision", decision="false_positive", reason="no")
    assert response.status_code == 403  # type: ignore[attr-defined]
    # refused by the route's role check, before the service's own
    assert "has the viewer role; this needs analyst or higher" in response.text  # type: ignore[attr-defined]
    for path in ("/ui/alerts/1/approval", "/ui/alerts/1/rejection"):
        refused = post(anon, path, reason="no")
        assert refused.status_code == 403  # type: ignore[attr-defined]
        assert "this needs approver or higher" in refused.text  # type: ignore[attr-defined]
    assert state_of(ui_db, 1) == "open" and audit_count(ui_db) == before


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_a_post_without_the_csrf_token_changes_nothing(
    anon: TestClient, ui_db: Path, token: str | None
) -> None:
    sign_in(anon, "anna")
    before = audit_count(ui_db)
    data = {"decision": "false_positive", "reason": "forged"}
    if token is not None:
        data["csrf"] = token
    response = anon.post("/ui/alerts/1/decision", data=data, follow_redirects=False)
    assert response.status_code == 403 and "security token" in response.text
    assert state_of(ui_db, 1) == "open" and audit_count(ui_db) == before


def test_an_empty_reason_is_refused(anon: TestClient, ui_db: Path) -> None:
    sign_in(anon, "anna")
    before = audit_count(ui_db)
    for reason in ("", "   \n "):
        response = post(anon, "/ui/alerts/1/decision", decision="false_positive", reason=reason)
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert '<p class="error" role="alert">a decision needs a reason' in response.text  # type: ignore[attr-defined]
    unknown = post(anon, "/ui/alerts/1/decision", decision="maybe", reason="unsure")
    assert unknown.status_code == 400 and "unknown decision" in unknown.text  # type: ignore[attr-defined]
    assert "unsure" in unknown.text  # type: ignore[attr-defined]  # the typed reason is kept
    assert state_of(ui_db, 1) == "open" and audit_count(ui_db) == before

"""The leak test: every route, every role, canary stories that must never show.

Canaries: W (withdrawn by T1), N (T1's, narrowed to no scope), O (T2's, research
consent) and E (entered on someone's behalf by R1, no research consent). Each role
has the canaries it must never see; every rule in app.url_map is requested for
every method with each canary story id. A route whose arguments this test cannot
fill fails the test, so new routes cannot slip past it.
"""
from __future__ import annotations

import html
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
from urllib.parse import quote_plus

import pytest
from conftest import sign_in
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.services import create_token
from storybank.archive.consent import change_consent
from storybank.archive.models import ConsentEvent, Story, StoryRevision
from storybank.archive.stories import enter_on_behalf
from storybank.archive.validation import StoryDraft
from storybank.archive.withdrawal import withdraw_story
from storybank.coding.codebook import install_starter
from storybank.coding.codings import apply_coding
from storybank.coding.memos import add_memo
from storybank.coding.models import Code, Memo
from storybank.deid import approval, decisions
from storybank.extensions import db
from storybank.interop.models import ImportProject
from storybank.interop.qdpx_import import import_qdpx

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


@dataclass
class World:
    ids: dict[str, int]
    canaries: dict[str, str]
    users: dict[str, object]
    coding_id: int = 0
    memo_id: int = 0
    code_id: int = 0
    sets: dict[str, int] | None = None  # story set, item, session and insight built on the canaries


def _canary(name: str) -> str:
    return f"CANARY{name}x{secrets.token_hex(6)}"


def build_world(make_user, make_story) -> World:
    t1 = make_user("storyteller")
    t2 = make_user("storyteller")
    r1 = make_user("researcher")
    canaries = {k: _canary(k) for k in "WNOE"}
    w = make_story(t1, title=f"W {canaries['W']}", body=f"Withdrawn words {canaries['W']}")
    n = make_story(t1, title=f"N {canaries['N']}", body=f"Narrowed words {canaries['N']}")
    o = make_story(t2, title=f"O {canaries['O']}", body=f"Other teller {canaries['O']}",
                   consent={"research": True, "workshop": False, "publication": False})
    e = enter_on_behalf(r1, StoryDraft(title=f"E {canaries['E']}", body=f"Entered {canaries['E']}",
                                       kind="lived_experience", consent={"research": False},
                                       attribution="anonymous", collection_method="interview"))
    tx.commit()
    # R1 imported a project from another tool: its source (E's canary) waits for consent, readable by R1 alone.
    import_qdpx(r1, _canary_qdpx(canaries["E"]))
    tx.commit()
    # Researchers coded and wrote memos on the canaries while they could: none of it may leak after.
    install_starter(r1)
    # Keywords every canary's text matches, so each story would have suggestions if any reached anyone.
    db.session.get(Code, _first_code_id()).keywords = "words, teller, entered"
    codings = {}
    for key, story in (("W", w), ("N", n), ("O", o)):
        coding = apply_coding(r1, story.id, _first_code_id(), 0, 8)
        add_memo(r1, f"memo on {canaries[key]}", coding_id=coding.id)
        add_memo(r1, f"story memo {canaries[key]}", story_id=story.id)
        codings[key] = coding.id
    tx.commit()
    # Workshop versions approved while the teller allowed it: W's registry entry and log hold its canary,
    # N's approved version still contains its own canary. None of it may reach anyone after.
    decisions.review(r1, w.id)
    decisions.add_identifier(r1, w.id, canaries["W"], "PERSON")
    decisions.review(r1, n.id)
    decisions.add_identifier(r1, n.id, "Narrowed", "PERSON")
    for story in (w, n):
        decisions.accept_all(r1, story.id)
        approval.send(r1, story.id)
        approval.teller_approve(t1, story.id)
    # A host put W and N (whole and excerpts) in a set, read them in a session and linked an insight to them.
    host = make_user("host")
    sets = _build_sets(host, w, n, canaries)
    approval.teller_request_changes(t1, w.id, f"please also hide {canaries['W']}")
    tx.commit()
    withdraw_story(t1, w.id)
    change_consent(t1, n.id, {"research": False, "workshop": False})
    tx.commit()
    users = {
        "t1": t1, "t2": t2, "r1": r1,
        "researcher": make_user("researcher"),
        "host": host,
        "admin": make_user("admin"),
        "all_roles": make_user("storyteller", "researcher", "host", "admin"),
    }
    memo_on_n = db.session.scalar(select(Memo.id).where(Memo.story_id == n.id))
    return World(ids={"W": w.id, "N": n.id, "O": o.id, "E": e.id}, canaries=canaries, users=users,
                 coding_id=codings["N"], memo_id=memo_on_n, code_id=_first_code_id(), sets=sets)


def _build_sets(host, w, n, canaries) -> dict[str, int]:
    from storybank.workshops import sessions as session_service
    from storybank.workshops import sets as set_service
    from storybank.workshops.texts import workshop_texts

    story_set = set_service.create_set(host, "Canary set", "What leaks?", "words")
    assert {i.story_id for i in story_set.items} == {w.id, n.id}  # the saved search found both
    texts = workshop_texts({w.id, n.id})  # excerpts chosen in the workshop text, as a host does
    item = set_service.add_item(host, story_set.id, w.id, start=0, end=len(texts[w.id].body), note="the host note")
    set_service.add_item(host, story_set.id, n.id, start=0, end=len(texts[n.id].body))
    tx.commit()
    session = session_service.record_session(host, story_set.id, "2026-11-30", "Canary hall", 9)
    choices = [value for value, _label in session_service.link_choices(host, session)]
    insight = session_service.add_insight(host, session.id, "An insight in the host's words", choices,
                                          [_first_code_id()])
    tx.commit()
    return {"set_id": story_set.id, "item_id": item.id, "session_id": session.id, "insight_id": insight.id}


def _canary_qdpx(canary: str) -> bytes:
    """A one-source .qdpx whose text and coding hold the canary."""
    code, source = "5b0c5c4e-0000-4000-8000-000000000001", "5b0c5c4e-0000-4000-8000-000000000002"
    qde = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="Imported study" origin="QualCoder"><CodeBook><Codes>'
           f'<Code guid="{code}" name="Imported code" isCodable="true"/></Codes></CodeBook><Sources>'
           f'<TextSource guid="{source}" name="Imported {canary}" plainTextPath="internal://{source}.txt">'
           f'<PlainTextSelection guid="5b0c5c4e-0000-4000-8000-000000000003" startPosition="0" endPosition="8">'
           f'<Coding guid="5b0c5c4e-0000-4000-8000-000000000004"><CodeRef targetGUID="{code}"/></Coding>'
           f'</PlainTextSelection></TextSource></Sources></Project>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{source}.txt", f"Imported words {canary}")
    return buffer.getvalue()


def _first_code_id() -> int:
    return db.session.scalar(select(Code.id).order_by(Code.id))


# Who must never see which canary. T1 may see N (their own); R1 may see E (they entered it);
# researchers may see O (research consent).
FORBIDDEN = {
    "anonymous": "WNOE",
    "t1": "WOE",
    "researcher": "WNE",
    "host": "WNOE",
    "admin": "WNOE",
    "all_roles": "WNE",
}
ALLOWED_STORY = {role: set("WNOE") - set(forbidden) for role, forbidden in FORBIDDEN.items()}
ALLOWED_STORY["t1"].add("W")  # the teller sees the tombstone of their withdrawn story (without its words)


def _fill(rule, story_id: int, world: World) -> str:
    values = {}
    for arg in rule.arguments:
        if arg == "story_id":
            values[arg] = story_id
        elif arg == "number":
            values[arg] = 1
        elif arg == "user_id":
            values[arg] = world.users["t2"].id
        elif arg == "token":
            values[arg] = secrets.token_urlsafe(24)
        elif arg == "filename":
            values[arg] = "storybank.css"
        elif arg == "code_id":
            values[arg] = world.code_id
        elif arg == "coding_id":
            values[arg] = world.coding_id  # on the narrowed canary: 404 for everyone now
        elif arg == "memo_id":
            values[arg] = world.memo_id
        elif arg == "table":
            values[arg] = "cooccurrence"
        elif arg == "project_id":
            values[arg] = db.session.scalar(select(ImportProject.id))  # R1's import holding E's canary
        elif arg == "token_id":
            values[arg] = _someone_elses_token(world)  # T2's token: revoking it must be 404 for every walker
        elif arg in ("set_id", "item_id", "session_id", "insight_id"):
            values[arg] = world.sets[arg]  # the host's set holding W and N, its item on W, session, insight
        else:
            pytest.fail(f"test_access cannot fill argument {arg!r} of {rule.rule}: add it to _fill() so the "
                        "new route is walked for every role")
    path = rule.rule
    for arg, value in values.items():
        path = re.sub(rf"<(?:[a-z]+:)?{arg}>", str(value), path)
    return path


def _someone_elses_token(world: World) -> int:
    from storybank.accounts.models import ApiToken

    t2 = world.users["t2"]
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == t2.id))
    if token_id is None:
        create_token(t2, "T2's own")
        tx.commit()
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == t2.id))
    return token_id


def _texts(response) -> str:
    data = response.get_data()
    parts = [data.decode("utf-8", "replace")]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(parts)


def _session_csrf(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("csrf_token")


def _form_token(client, known: dict) -> str:
    """The CSRF token a form of this client carries, read from a page again only when its session's changed.

    A token stays good as long as the session holds the secret it was made from (signing out, for
    one, drops it), so one page read serves every form until then, not one read per form.
    """
    secret = _session_csrf(client)
    if secret is None or known.get("secret") != secret:
        token_page = client.get("/login").get_data(as_text=True)
        known["token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
        known["secret"] = _session_csrf(client)
    return known["token"]


def _form_data(client, known_token: dict) -> dict:
    token = _form_token(client, known_token)
    return {"csrf_token": token, "confirm": "y", "title": "changed", "body": "changed", "research": "y",
            "workshop": "y", "publication": "y", "attribution": "name", "kind": "lived_experience",
            "form_version": "1", "email": "walker@example.org", "password": "a long password"}


def _snapshot() -> list:
    db.session.expire_all()
    return [
        [(s.id, s.status, s.title, s.teller_id) for s in db.session.scalars(select(Story).order_by(Story.id))],
        [(r.story_id, r.number, r.body) for r in db.session.scalars(select(StoryRevision).order_by(StoryRevision.id))],
        db.session.scalar(select(func.count()).select_from(ConsentEvent)),
    ]


def _walk(app, world: World, role: str):
    """Yield (method, path, response, named_story) for every rule and method as this role."""
    user = world.users.get(role)
    page_client = sign_in(app.test_client(), user) if user else app.test_client()
    api_headers = {}
    if user is not None:
        api_headers = {"Authorization": f"Bearer {create_token(user)}"}
        tx.commit()
    # Sign-out comes last, or it would end the session the rest of the walk relies on.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout")
    known_token: dict = {}
    for rule in rules:
        if rule.endpoint == "static":
            continue
        is_api = rule.rule.startswith("/api/")
        client = app.test_client() if is_api else page_client
        in_path = "story_id" in rule.arguments
        # A story named in the path, or else carried in the query string, the form or the JSON body
        # (as memos, set items, the audit filter and others take it): every canary, then a missing one.
        story_ids = [*world.ids.items(), ("missing", 987654)]
        if not in_path:
            story_ids.append((None, 0))
        for named, sid in story_ids:
            path = _fill(rule, sid, world)
            carried = {} if in_path or named is None else _carried_ids(sid, world)
            for method in sorted(set(rule.methods or ()) & set(METHODS)):
                kwargs = {"headers": api_headers} if is_api else {}
                if method == "GET":
                    kwargs["query_string"] = carried
                elif is_api:
                    kwargs["json"] = {"title": "changed", "body": "changed", "research": True,
                                      "workshop": True, "kind": "lived_experience", **carried}
                else:
                    kwargs["data"] = {**_form_data(client, known_token), **carried}
                # Only a story named in the path must answer 404; a carried id must still never leak.
                yield method, path, client.open(path, method=method, **kwargs), (named if in_path else None), is_api


def _carried_ids(story_id: int, world: World) -> dict:
    """Ids that requests carry outside the path, all pointing at a canary (or its coding, item, code)."""
    return {"story_id": story_id, "story": story_id, "coding_id": world.coding_id, "code_id": world.code_id,
            "code": world.code_id, "links": f"item:{world.sets['item_id']}", "revision_id": story_id}


@pytest.mark.parametrize("role", sorted(FORBIDDEN))
def test_no_route_shows_a_story_this_role_may_not_see(app, make_user, make_story, role):
    world = build_world(make_user, make_story)
    before = _snapshot()
    forbidden = [world.canaries[c] for c in FORBIDDEN[role]]
    failures = []
    walked = 0
    for method, path, response, named, is_api in _walk(app, world, role):
        walked += 1
        text = _texts(response)
        leaked = [c for c in forbidden if c in text]
        if leaked:
            failures.append(f"{role} {method} {path}: shows {leaked}")
        if named and named != "missing" and named not in ALLOWED_STORY[role]:
            if role == "anonymous":
                ok = response.status_code == (401 if is_api else 302) and (is_api or "/login" in response.location)
            else:
                ok = response.status_code == 404
            if not ok:
                failures.append(f"{role} {method} {path}: status {response.status_code} for story {named}")
        if response.status_code == 403:
            failures.append(f"{role} {method} {path}: 403 reveals that something exists")
    assert walked > 50
    assert failures == [], "\n".join(failures)
    # Requests by anyone but the teller changed nothing about the canary stories.
    if role != "t1":
        after = _snapshot()
        canary_ids = set(world.ids.values())
        assert [s for s in after[0] if s[0] in canary_ids] == [s for s in before[0] if s[0] in canary_ids]
        assert [r for r in after[1] if r[0] in canary_ids] == [r for r in before[1] if r[0] in canary_ids]


def test_a_hosts_set_shows_placeholders_where_the_canaries_were(app, make_user, make_story):
    """The walk proves nothing leaks; this proves the set pages it walked really held the canaries' places."""
    world = build_world(make_user, make_story)
    host = world.users["host"]
    client = sign_in(app.test_client(), host)
    set_id = world.sets["set_id"]
    page = client.get(f"/sets/{set_id}").get_data(as_text=True)
    assert page.count("A story was withdrawn by its teller.") == 2  # W whole and W excerpt
    assert page.count("This story is no longer available for workshops.") == 2  # N narrowed
    assert "the host note" in page
    assert 'class="story-card' not in client.get(f"/sets/{set_id}/cards").get_data(as_text=True)
    token = create_token(host)
    tx.commit()
    api = app.test_client().get(f"/api/v1/sets/{set_id}", headers={"Authorization": f"Bearer {token}"})
    items = api.get_json()["items"]  # nothing of the stories: only the host's own item ids, to remove them
    assert [{k: v for k, v in i.items() if k not in ("id", "position")} for i in items] == [
        {"placeholder": "withdrawn"}] * 4
    assert [i["position"] for i in items] == [1, 2, 3, 4]


def test_the_walk_covers_every_route(app):
    """A reminder with teeth: the routes the walk knows how to fill are all the routes there are."""
    known = {"story_id", "number", "user_id", "token", "filename", "code_id", "coding_id", "memo_id", "table",
             "set_id", "item_id", "session_id", "insight_id"}
    known |= {"project_id", "token_id"}
    for rule in app.url_map.iter_rules():
        assert set(rule.arguments) <= known, f"{rule.rule} has arguments the leak test cannot fill"


def test_narrowing_is_immediate_for_pages_and_api(app, make_user, make_story):
    teller = make_user("storyteller")
    researcher = make_user("researcher")
    story = make_story(teller)
    page = sign_in(app.test_client(), researcher)
    token = create_token(researcher)
    tx.commit()
    api = {"Authorization": f"Bearer {token}"}
    assert page.get(f"/stories/{story.id}").status_code == 200
    assert app.test_client().get(f"/api/v1/stories/{story.id}", headers=api).status_code == 200
    change_consent(teller, story.id, {"research": False})
    tx.commit()
    assert page.get(f"/stories/{story.id}").status_code == 404
    assert app.test_client().get(f"/api/v1/stories/{story.id}", headers=api).status_code == 404


@pytest.mark.parametrize("role", ["researcher", "host", "all_roles", "r1"])
def test_searching_for_a_canary_finds_only_what_the_role_may_see(app, make_user, make_story, role):
    """Search is a read path too: the canaries' own words, typed into every search form and the API."""
    world = build_world(make_user, make_story)
    user = world.users[role]
    token = create_token(user)
    tx.commit()
    client = sign_in(app.test_client(), user)
    may_find = {"researcher": "O", "all_roles": "O", "r1": "O", "host": ""}[role]
    for name, canary in world.canaries.items():
        for query in (canary, canary.lower()[:-2] + "*", canary.lower() + "~", f'"{canary}"'):
            for purpose in ("research", "workshop"):
                page = client.get("/search", query_string={"q": query, "purpose": purpose})
                api = client.get("/api/v1/search", query_string={"q": query, "purpose": purpose},
                                 headers={"Authorization": f"Bearer {token}"})
                excerpts = client.get("/search", query_string={"q": query, "show": "excerpts"})
                for response in (page, api, excerpts):
                    assert response.status_code in (200, 400)
                    if name in may_find and purpose == "research":
                        continue
                    body = response.get_data(as_text=True)
                    for echo in (query, html.escape(query), html.escape(query, quote=False),
                                 query.replace('"', "&#34;"), quote_plus(query)):
                        body = body.replace(echo, "")  # the search box shows what was typed
                    assert canary[8:] not in body, (role, name, query, purpose)
                    if response is api and response.status_code == 200:
                        assert response.get_json()["total"] == 0, (role, name, query, purpose)

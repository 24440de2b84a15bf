"""A storyteller erases their account: every story withdrawn as usual, tombstones kept, the account gone."""
from __future__ import annotations

from conftest import PASSWORD, csrf_token, sign_in

from storybank.accounts.models import ApiToken, User
from storybank.archive.models import STATUS_WITHDRAWN, Story, StoryRevision
from storybank.extensions import db


def test_a_storyteller_deletes_their_account(app, make_user, make_story, login_as):
    teller = make_user("storyteller")
    other = make_story(make_user("storyteller"), body="Someone else's words stay.")
    stories = [make_story(teller, body=f"My own words number {n}.") for n in range(2)]
    client = sign_in(app.test_client(), teller)
    teller_id, email = teller.id, teller.email
    page = client.get("/account/delete")
    assert page.status_code == 200
    token = csrf_token(client, "/account/delete")

    unticked = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    assert unticked.status_code == 400 and "Nothing was deleted" in unticked.get_data(as_text=True)
    wrong = client.post("/account/delete", data={"csrf_token": token, "password": "not it at all", "confirm": "y"})
    assert wrong.status_code == 400 and "Nothing was deleted" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, teller_id) is not None

    done = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "y"})
    assert done.status_code == 302
    assert "2 stories were withdrawn" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, teller_id) is None
    assert db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == teller_id)) is None
    for story in stories:
        tombstone = db.session.get(Story, story.id)
        assert tombstone.status == STATUS_WITHDRAWN and tombstone.teller_id is None and tombstone.removed_counts
        assert db.session.scalar(db.select(StoryRevision).where(StoryRevision.story_id == story.id)) is None
    assert db.session.get(Story, other.id).status != STATUS_WITHDRAWN
    assert client.get("/stories").status_code == 302  # signed out
    again = app.test_client()
    answer = again.post("/login", data={"csrf_token": csrf_token(again, "/login"), "email": email,
                                        "password": PASSWORD})
    assert answer.status_code == 401


def test_only_plain_storyteller_accounts_delete_themselves(app, make_user):
    researcher = sign_in(app.test_client(), make_user("researcher"))
    assert researcher.get("/account/delete").status_code == 404
    both = make_user("storyteller", "researcher")
    client = sign_in(app.test_client(), both)
    answer = client.post("/account/delete", data={"csrf_token": csrf_token(client, "/account/delete"),
                                                  "password": PASSWORD, "confirm": "y"})
    assert answer.status_code == 400 and "ask an administrator" in answer.get_data(as_text=True)
    assert db.session.get(User, both.id) is not None

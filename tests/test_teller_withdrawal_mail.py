"""When mail is set up, everyone who took a copy of a withdrawn story is also asked by e-mail, without its words."""
from __future__ import annotations

import html

from accounts_helpers import body_of, links_in, mail_config, smtp_server
from conftest import csrf_token, make_app, sign_in

from storybank import tx
from storybank.accounts.services import create_user
from storybank.archive.stories import submit_story
from storybank.archive.validation import StoryDraft
from storybank.extensions import db
from storybank.interop.qdpx_export import export_qdpx


def test_holders_are_emailed_and_the_teller_sees_it(tmp_path, sqlite_template, postgres_url):
    with smtp_server() as (inbox, port):
        app = make_app("sqlite", tmp_path, sqlite_template, postgres_url, **mail_config(port))
        with app.app_context():
            teller = create_user(None, "teller@example.org", "correct horse battery", ["storyteller"])
            holder = create_user(None, "holder@example.org", "correct horse battery", ["researcher"])
            tx.commit()
            story = submit_story(teller, StoryDraft(title="Taken away title", body="Words that must not travel.",
                                                    kind="lived_experience", consent={"research": True},
                                                    attribution="anonymous"))
            tx.commit()
            export_qdpx(holder)
            tx.commit()
            client = sign_in(app.test_client(), teller)
            token = csrf_token(client, f"/stories/{story.id}/withdraw")
            assert client.post(f"/stories/{story.id}/withdraw",
                               data={"csrf_token": token, "confirm": "y"}).status_code == 302
            [message] = inbox.wait_for(1)
            assert message["X-Envelope-To"] == "holder@example.org"
            assert message["Subject"] == "Please delete your copy of a withdrawn story"
            text = body_of(message)
            assert f"story {story.id}" in text and "project file" in text
            assert "Taken away title" not in text and "must not travel" not in text
            assert links_in(message) == ["https://stories.example.org/notices"]
            tombstone = html.unescape(client.get(f"/stories/{story.id}").get_data(as_text=True))
            assert "to delete it, in storybank and by e-mail." in tombstone
            db.session.remove()
            db.engine.dispose()

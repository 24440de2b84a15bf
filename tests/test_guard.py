"""Deny by default: an endpoint that declares no permission stops the app from starting."""
from __future__ import annotations

import pytest
from flask import Blueprint

import storybank
from storybank import guard, policy


def test_every_real_endpoint_declares_an_action(app):
    for endpoint in app.view_functions:
        action = guard.action_for(app, endpoint)
        assert action is not None, endpoint
        assert action in policy.ACTIONS or action in (policy.PUBLIC, policy.SIGNED_IN)


def test_an_undeclared_endpoint_fails_the_check(app):
    app.add_url_rule("/forgotten", "forgotten", lambda: "oops")
    with pytest.raises(RuntimeError, match="forgotten"):
        guard.check_every_endpoint_declared(app)


def test_create_app_refuses_to_start_with_an_undeclared_endpoint(app, monkeypatch):
    real = storybank._register_blueprints

    def with_a_forgotten_route(application):
        real(application)
        extra = Blueprint("extra", __name__)
        extra.add_url_rule("/extra", "undeclared", lambda: "no permission declared")
        application.register_blueprint(extra)

    monkeypatch.setattr(storybank, "_register_blueprints", with_a_forgotten_route)
    with pytest.raises(RuntimeError, match="extra.undeclared"):
        storybank.create_app({k: app.config[k] for k in ("INSTANCE_PATH", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY")})


def test_unknown_actions_cannot_be_declared():
    with pytest.raises(KeyError):
        guard.requires("story.read_everything")


@pytest.mark.parametrize(("roles", "path"), [
    (("storyteller",), "/admin/users"),
    (("storyteller",), "/admin/audit"),
    (("storyteller",), "/research/stories"),
    (("host",), "/research/enter"),
    (("researcher",), "/stories/new"),
    (("researcher",), "/admin/consent-forms"),
    (("admin",), "/stories"),
])
def test_a_missing_role_is_not_found_never_forbidden(login_as, roles, path):
    client, _ = login_as(*roles)
    answer = client.get(path)
    assert answer.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    answer = client.get("/stories/new")
    assert answer.status_code == 302 and answer.location.startswith("/login?next=")

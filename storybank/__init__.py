"""storybank: a consent-first archive of stories and the research done with them."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from storybank import config as config_module
from storybank import guard, mail, policy, request_input, tx
from storybank.assets import asset_dir
from storybank.errors import DomainError
from storybank.extensions import csrf, db, limiter, login_manager, migrate

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """secure_delete zeroes freed pages, so deleted story text does not linger in the file."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        # Several server processes share one file: readers never block the writer, writers wait their turn.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    settings = config_module.from_environment(overrides)
    if overrides:
        settings.update(overrides)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=False,
                template_folder=str(asset_dir("templates")), static_folder=str(asset_dir("static")))
    app.config.update(config_module.BASE)
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the SQLite file and the index live there

    db.init_app(app)
    migrate.init_app(app, db, directory=str(asset_dir("migrations")))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."

    from storybank import models  # noqa: F401  (registers every table)
    from storybank.accounts.sessions import load_user
    from storybank.wiring import connect_features

    connect_features(app)  # every cross-feature hook, in one place

    login_manager.user_loader(load_user)  # "<id>:<session version>": a copied cookie dies at sign-out

    from storybank.search.redaction import install_log_redaction

    install_log_redaction()  # search words never reach the access logs
    _register_blueprints(app)
    # Templates may ask the policy to hide a button (never the real check): {% if can('story.code') %}.
    app.jinja_env.globals["can"] = lambda action: policy.can(current_user, action)
    from storybank import serving

    serving.install(app)  # proxies, request ids and the request log, before the policy check
    _register_request_handling(app)
    request_input.install(app)  # NUL, lone surrogates, deep JSON: 400 before any view
    _register_error_handlers(app)
    guard.check_every_endpoint_declared(app)

    from storybank.cli import register_commands

    register_commands(app)
    if app.config.get("SEARCH_REPAIR_ON_START", True):
        _repair_search_index(app)
    return app


def _repair_search_index(app: Flask) -> None:
    """Apply index changes a crash left behind (the outbox), before serving anything."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from storybank.search.indexing import repair

    with app.app_context():
        try:
            repair()
        except (OperationalError, ProgrammingError):  # no database yet: `storybank db upgrade` comes first
            db.session.rollback()
        finally:
            db.session.remove()


def _register_blueprints(app: Flask) -> None:
    from storybank.api.routes import bp as api_bp  # every API module, each adding its endpoints
    from storybank.web import (
        account,
        admin,
        agreement,
        analysis,
        auth,
        codebook,
        coding,
        drafts,
        exchange,
        health,
        main,
        memos,
        notices,
        research,
        search,
        set_sessions,
        sets,
        stories,
        suggestions,
        workshop,
    )
    from storybank.web import claim as _claim  # noqa: F401  (claim-link routes on the auth blueprint)

    for module in (main, health, auth, stories, research, search, codebook, coding, agreement, analysis, memos,
                   suggestions, workshop, sets, set_sessions, exchange, admin, notices, drafts, account):
        app.register_blueprint(module.bp)
    csrf.exempt(api_bp)  # the API takes bearer tokens only, never the session cookie
    app.register_blueprint(api_bp)


def _is_api() -> bool:
    """API requests, including unmatched /api/ URLs, answer in JSON."""
    return request.blueprint == "api" or request.path.startswith("/api/")


def _answers_json() -> bool:
    """The API, and a page's script that asks for JSON (forms sent in place), get errors as JSON."""
    wanted = request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    return _is_api() or wanted


def _register_request_handling(app: Flask) -> None:
    @app.before_request
    def enforce_policy() -> Any:
        if request.endpoint is None:
            return None
        action = guard.action_for(app, request.endpoint)
        if _is_api():
            from storybank.accounts.services import user_for_token

            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            g.actor = user_for_token(token) if token else None
            if g.actor is None:
                g.actor = AnonymousUserMixin()
        else:
            g.actor = current_user
        if action == policy.PUBLIC:
            return None
        if not g.actor.is_authenticated:
            if _is_api():
                return _json_error("Authentication required: send 'Authorization: Bearer TOKEN'.", 401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if action is None or not policy.can(g.actor, action):
            if _is_api():
                return _json_error("Not found.", 404)
            return render_template("error.html", message="Not found.", status=404), 404
        return None

    @app.teardown_appcontext
    def close_search_readers(_exc: BaseException | None) -> None:
        """No reader outlives its request or command: an idle worker must not hold a withdrawn story's files."""
        engine = app.extensions.get("storybank_search")
        if engine is not None:
            engine.close_readers()

    @app.after_request
    def finish(response: Any) -> Any:
        if response.status_code < 400:
            try:
                tx.commit()
            except DomainError as err:  # saved, but what follows the commit failed (the search index)
                response = _domain_answer(err)
        else:
            tx.rollback()
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint != "static" and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store"
        return response

    @app.teardown_request
    def rollback_on_error(exc: BaseException | None) -> None:
        if exc is not None:
            tx.rollback()


def _json_error(message: str, status: int, detail: Any = None) -> Any:
    response = jsonify({"error": message, "detail": detail})
    response.status_code = status
    return response


def _domain_answer(err: DomainError) -> Any:
    if _answers_json():
        return _json_error(err.message, err.status, err.detail or ({"field": err.field} if err.field else None))
    return make_response(render_template("error.html", message=err.message, status=err.status), err.status)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(err: DomainError) -> Any:
        tx.rollback()
        return _domain_answer(err)

    @app.errorhandler(DBAPIError)
    def busy(err: DBAPIError) -> Any:
        """The database was busy with someone else's change (a lock, a serialization failure): 409, not 500."""
        if not request_input.is_contention(err):
            raise err
        tx.rollback()
        message = "Someone else saved a change here just now; reload the page and try again."
        if _answers_json():
            return _json_error(message, 409)
        return render_template("error.html", message=message, status=409), 409

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError) -> Any:
        from storybank.web.drafts import keep_unsent_story

        kept = keep_unsent_story()  # a story form whose session ended: the text is never lost
        if kept is not None:
            return kept
        message = "This form has expired or was not sent from storybank. Go back, reload the page and try again."
        if _answers_json():
            return _json_error(message, 400)
        return render_template("error.html", message=message, status=400), 400

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Any:
        messages = {
            404: "Not found.",
            405: "That action is not available here.",
            413: "That is too large to accept: the limit is "
                 f"{app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB. Nothing was saved.",
            429: "Too many attempts. Wait a minute and try again.",
        }
        status = err.code or 500
        message = messages.get(status, err.description or err.name)
        if _answers_json():
            return _json_error(message, status)
        return render_template("error.html", message=message, status=status), status

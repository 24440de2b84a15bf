"""Story sets, cards, presentation, sessions and insights (hosts)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard, policy
from storybank.audit.service import record
from storybank.errors import InvalidInput, NotFound
from storybank.search.query import QuerySyntaxError
from storybank.web.forms import EmptyForm
from storybank.workshops import sets as set_service
from storybank.workshops.cards import export_zip, render_cards
from storybank.workshops.sessions import list_sessions
from storybank.workshops.texts import workshop_texts

bp = Blueprint("sets", __name__)
CARD_TEXT_LIMIT = 1000  # characters of Markdown that fit an A6 card at 11 pt (measured in Chromium, see the journey)


@bp.get("/sets")
@guard.requires("sets.build")
def index() -> str:
    return render_template("sets/index.html", sets=set_service.list_sets(current_user), form=EmptyForm(),
                           entered={})


@bp.post("/sets")
@guard.requires("sets.build")
def create() -> Any:
    form = EmptyForm()
    f = request.form
    try:
        if not form.validate_on_submit():
            raise InvalidInput("The form expired. Please try again.")
        story_set = set_service.create_set(current_user, f.get("title"), f.get("question"), f.get("query"))
    except InvalidInput as err:
        return render_template("sets/index.html", sets=set_service.list_sets(current_user), form=form,
                               error=err.message, entered=f), 400
    n = len(story_set.items)
    flash(f"Made the set “{story_set.title}”" + (f" with {n} stor{'y' if n == 1 else 'ies'} from the search." if
                                                   story_set.query else "."))
    return redirect(url_for("sets.show", set_id=story_set.id))


def _set_page(set_id: int, error: str | None = None, entered: dict | None = None) -> tuple[str, int]:
    story_set = set_service.get_set(current_user, set_id)
    cards = render_cards(current_user, story_set, audit="set page")
    q = request.args.get("q", "")[:2000]
    results, search_error = None, None
    if q:
        try:
            results = set_service.story_choices(current_user, story_set, q, request.args.get("page", 1, type=int) or 1)
        except (QuerySyntaxError, InvalidInput) as err:
            search_error = str(err) if isinstance(err, QuerySyntaxError) else err.message
    whole = {c.item.story_id for c in cards if not c.excerpt}
    sessions = [s for s in list_sessions(current_user) if s.set_id == story_set.id]
    return render_template("sets/show.html", story_set=story_set, cards=cards, form=EmptyForm(), q=q,
                           results=results, search_error=search_error, whole=whole, sessions=sessions,
                           error=error, entered=entered or {}, limit=CARD_TEXT_LIMIT), 400 if error else 200


@bp.get("/sets/<int:set_id>")
@guard.requires("sets.build")
def show(set_id: int) -> Any:
    return _set_page(set_id)


def _act(set_id: int, action: Any, done: str | None, anchor: str = "") -> Any:
    """Run one change from a form; on bad input re-render the set page with the message."""
    set_service.get_set(current_user, set_id)  # someone else's set is 404 before any 400
    if not EmptyForm().validate_on_submit():
        return _set_page(set_id, "The form expired. Please try again.")
    try:
        result = action()
    except InvalidInput as err:
        return _set_page(set_id, err.message, dict(request.form))
    if done:
        flash(done.format(result=result))
    return redirect(url_for("sets.show", set_id=set_id) + (f"#{anchor}" if anchor else ""))


@bp.post("/sets/<int:set_id>")
@guard.requires("sets.build")
def update(set_id: int) -> Any:
    f = request.form
    return _act(set_id, lambda: set_service.update_set(current_user, set_id, f.get("title"), f.get("question"),
                                                        f.get("query")), "Saved.")


@bp.post("/sets/<int:set_id>/delete")
@guard.requires("sets.build")
def delete(set_id: int) -> Any:
    set_service.get_set(current_user, set_id)
    if not EmptyForm().validate_on_submit() or request.form.get("confirm") != "yes":
        return _set_page(set_id, "Tick the box to confirm deleting the set.")
    title = set_service.delete_set(current_user, set_id)
    flash(f"Deleted the set “{title}”. Sessions recorded with it keep their insights.")
    return redirect(url_for("sets.index"))


@bp.post("/sets/<int:set_id>/items")
@guard.requires("sets.build")
def add_item(set_id: int) -> Any:
    f = request.form

    def action() -> str:
        item = set_service.add_item(current_user, set_id, f.get("story_id"), f.get("start") or None,
                                    f.get("end") or None, f.get("note", ""), f.get("prompt", ""),
                                    f.get("quote") or None)
        return "an excerpt" if item.start is not None else "the story"
    return _act(set_id, action, "Added {result} to the set.")


@bp.post("/sets/<int:set_id>/items/<int:item_id>")
@guard.requires("sets.build")
def update_item(set_id: int, item_id: int) -> Any:
    f = request.form
    return _act(set_id, lambda: set_service.update_item(current_user, set_id, item_id, f.get("note"),
                                                         f.get("prompt")), "Saved the note and prompt.",
                f"item-{item_id}")


@bp.post("/sets/<int:set_id>/items/<int:item_id>/move")
@guard.requires("sets.build")
def move_item(set_id: int, item_id: int) -> Any:
    return _act(set_id, lambda: set_service.move_item(current_user, set_id, item_id, request.form.get("direction")),
                None, f"item-{item_id}")


@bp.post("/sets/<int:set_id>/items/<int:item_id>/delete")
@guard.requires("sets.build")
def remove_item(set_id: int, item_id: int) -> Any:
    return _act(set_id, lambda: set_service.remove_item(current_user, set_id, item_id), "Removed from the set.")


@bp.post("/sets/<int:set_id>/order")
@guard.requires("sets.build")
def order(set_id: int) -> Any:
    """Drag and drop sends the whole new order as JSON (with the CSRF token in a header)."""
    data = request.get_json(silent=True)
    if isinstance(data, dict):
        ids = data.get("order")
    else:
        ids = [v for v in request.form.get("order", "").split(",") if v.strip()]
    story_set = set_service.reorder(current_user, set_id, ids)
    return jsonify({"order": [item.id for item in story_set.items]})


@bp.get("/sets/<int:set_id>/refresh")
@guard.requires("sets.build")
def refresh(set_id: int) -> Any:
    story_set, new = set_service.refresh(current_user, set_id)
    return render_template("sets/refresh.html", story_set=story_set, hits=new, form=EmptyForm())


@bp.post("/sets/<int:set_id>/refresh")
@guard.requires("sets.build")
def refresh_add(set_id: int) -> Any:
    chosen = request.form.getlist("story_id")

    def action() -> int:
        if not chosen:
            raise InvalidInput("Tick the stories to add.")
        for story_id in chosen:
            set_service.add_item(current_user, set_id, story_id)
        return len(chosen)
    return _act(set_id, action, "Added {result} new stor" + ("y" if len(chosen) == 1 else "ies") +
                " from the saved search.")


@bp.get("/sets/<int:set_id>/stories/<int:story_id>/excerpt")
@guard.requires("sets.build")
def excerpt(set_id: int, story_id: int) -> Any:
    """Choose an excerpt in the workshop version: the host never sees the original words."""
    story_set = set_service.get_set(current_user, set_id)
    story = policy.get_story(current_user, story_id, "workshop")
    text = workshop_texts({story.id}).get(story.id)
    if text is None:
        raise NotFound("No such story.")
    return render_template("sets/excerpt.html", story_set=story_set, story=story, text=text, form=EmptyForm())


@bp.get("/sets/<int:set_id>/cards")
@guard.requires("sets.build")
def cards(set_id: int) -> str:
    story_set = set_service.get_set(current_user, set_id)
    every = render_cards(current_user, story_set, audit="cards")
    shown = [c for c in every if c.available]
    return render_template("sets/cards.html", story_set=story_set, cards=shown, limit=CARD_TEXT_LIMIT,
                           left_out=len(every) - len(shown))


@bp.get("/sets/<int:set_id>/present")
@guard.requires("sets.build")
def present(set_id: int) -> str:
    story_set = set_service.get_set(current_user, set_id)
    shown = [c for c in render_cards(current_user, story_set) if c.available]
    at = max(1, min(request.args.get("at", 1, type=int) or 1, max(1, len(shown))))
    card = shown[at - 1] if shown else None
    if card is not None:  # audited per story shown, as the host pages through
        record(current_user, "story.read", story_id=card.item.story_id, purpose="workshop", via="presentation",
               set_id=story_set.id)
    return render_template("sets/present.html", story_set=story_set, card=card, at=at, total=len(shown))


@bp.get("/sets/<int:set_id>/export.zip")
@guard.requires("sets.build")
def export(set_id: int) -> Response:
    story_set = set_service.get_set(current_user, set_id)
    name, data = export_zip(current_user, story_set)
    return Response(data, mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'})

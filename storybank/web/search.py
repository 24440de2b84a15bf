"""The search page: stories or coded excerpts, with facets and "did you mean"."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from storybank import guard, policy
from storybank.errors import InvalidInput
from storybank.search import service
from storybank.search.query import QuerySyntaxError

bp = Blueprint("search", __name__)


@bp.get("/search")
@guard.requires("story.search")
def page() -> object:
    text = request.args.get("q", "")[:2000]
    mode = request.args.get("show", "stories")
    purposes = policy.purposes_for(current_user, service.SEARCH_PURPOSES)
    purpose = request.args.get("purpose") or None
    page_no = request.args.get("page", 1, type=int) or 1
    if mode == "excerpts" and not policy.can(current_user, "excerpt.search"):
        mode = "stories"
    context = {"q": text, "mode": mode, "purposes": purposes, "purpose": purpose, "results": None,
               "syntax_error": None, "error": None}
    status = 200
    try:
        if mode == "excerpts":
            context["results"] = service.search_excerpts(current_user, text, page=page_no)
            context["purpose"] = "research"
        else:
            results = service.search(current_user, text, purpose=purpose, page=page_no)
            context["results"] = results
            context["purpose"] = results.purpose
    except QuerySyntaxError as err:
        context["syntax_error"] = err
        status = 400
    except InvalidInput as err:
        context["error"] = err.message
        status = 400

    def link(**changes: object) -> str:
        args = {"q": text, "show": mode if mode != "stories" else None, "purpose": context["purpose"]}
        args.update(changes)
        return url_for("search.page", **{k: v for k, v in args.items() if v})

    return render_template("search/page.html", link=link, **context), status

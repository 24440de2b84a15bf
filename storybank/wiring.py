"""Every cross-feature hook, connected in one visible place at app creation.

Read top to bottom, this is what happens elsewhere when a story is withdrawn,
revised, claimed, or told / has its consent changed. Withdrawal steps run in
this order, before the archive deletes the story's revisions.
"""
from __future__ import annotations

from flask import Flask

from storybank.hooks import EXTENSION, FeatureHooks


def connect_features(app: Flask) -> FeatureHooks:
    from storybank import ledger
    from storybank.coding import codings, reanchor, suggest, suggest_classifier
    from storybank.deid import following, proposing, reading
    from storybank.workshops import hooks as story_sets

    hooks = FeatureHooks()
    # Coding: codings, memos and notices go with the story; codings follow each revision's text.
    hooks.add("coding", "withdrawal", codings.delete_codings_of)
    hooks.add("coding", "revision", reanchor.reanchor)
    # Suggestions: decisions go, and a model that learned from the story is deleted (also when research is taken away).
    hooks.add("suggestions", "withdrawal", suggest.delete_decisions_of)
    hooks.add("suggestions", "withdrawal", suggest_classifier.forget_withdrawn_story)
    hooks.add("suggestions", "consent", suggest_classifier.forget_unconsented_story)  # research taken away
    # Workshop versions: proposed when told, follow revisions and claims, go with the story; search reads them.
    hooks.add("workshop versions", "consent", proposing.on_saved)
    hooks.add("workshop versions", "claim", following.follow_claim)
    hooks.add("workshop versions", "revision", following.follow_revision)
    hooks.add("workshop versions", "withdrawal", following.withdraw_step)
    hooks.add("workshop versions", "workshop_text", reading.approved_texts)
    # Story sets: excerpts follow revisions; a withdrawal leaves placeholders and removes quotations.
    hooks.add("story sets", "revision", story_sets.follow_revision)
    hooks.add("story sets", "withdrawal", story_sets.withdraw_step)
    # Withdrawal ledger: the story id and time, outside the database, so a restore cannot bring the story back.
    hooks.add("withdrawal ledger", "withdrawal", ledger.record_withdrawal)
    app.extensions[EXTENSION] = hooks
    return hooks

"""Wire workshop versions into the archive: saving, consent, revisions, withdrawal and search."""
from __future__ import annotations

from storybank.archive.claims import register_claim_hook
from storybank.archive.consent import register_consent_hook
from storybank.archive.stories import register_revision_hook
from storybank.archive.withdrawal import register_step
from storybank.deid.versions import approved_text, follow_claim, follow_revision, on_saved, withdraw_step
from storybank.search.documents import register_workshop_text

register_consent_hook(on_saved)
register_claim_hook(follow_claim)
register_revision_hook(follow_revision)
register_step(withdraw_step)
register_workshop_text(approved_text)

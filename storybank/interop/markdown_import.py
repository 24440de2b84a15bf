"""Import a folder of Markdown stories with YAML front matter; idempotent by file ref."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from storybank import policy
from storybank.accounts.models import User
from storybank.accounts.services import find_by_email
from storybank.archive.models import Story
from storybank.archive.stories import import_story
from storybank.archive.validation import StoryDraft, clean_draft
from storybank.errors import InvalidInput
from storybank.extensions import db

MAX_FILE_BYTES = 2 * 1024 * 1024
KNOWN_KEYS = {
    "ref", "title", "kind", "site", "storyteller_role", "collection_method", "collected_by", "collected_on",
    "language", "consent", "attribution", "signifiers", "teller",
}


@dataclass
class ParsedStory:
    path: Path
    ref: str
    draft: StoryDraft
    teller_email: str | None = None


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def import_key(ref: str) -> str:
    return hashlib.sha256(ref.encode()).hexdigest()


def parse_file(path: Path) -> ParsedStory:
    """Read one file, or raise InvalidInput saying exactly what is wrong with it."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidInput(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidInput(f"not UTF-8 text (byte {err.start})") from None
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise InvalidInput("no front matter: the file must start with a line '---'")
    end = text.find("\n---", 3)
    if end < 0:
        raise InvalidInput("front matter is not closed: add a line '---' after it")
    try:
        meta = yaml.safe_load(text[4:end])
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise InvalidInput(f"front matter is not valid YAML{where}: {getattr(err, 'problem', err)}") from None
    if not isinstance(meta, dict):
        raise InvalidInput("front matter must be a YAML mapping of keys to values")
    unknown = set(meta) - KNOWN_KEYS
    if unknown:
        raise InvalidInput(f"unknown front-matter key {sorted(unknown)[0]!r}")
    body = text[end + 4:].split("\n", 1)[1] if "\n" in text[end + 4:] else ""
    collected_on = meta.get("collected_on")
    if collected_on is not None and not isinstance(collected_on, date):
        raise InvalidInput("collected_on must be a date like 2024-03-12")
    consent = meta.get("consent") or {}
    draft = StoryDraft(
        title=meta.get("title"),  # type: ignore[arg-type]
        body=body.lstrip("\n"),  # kept as written to the end, so an exported story reads back unchanged
        kind=meta.get("kind"),  # type: ignore[arg-type]
        site=str(meta.get("site") or ""),
        storyteller_role=str(meta.get("storyteller_role") or ""),
        collection_method=str(meta.get("collection_method") or "written"),
        collected_by=str(meta.get("collected_by") or ""),
        collected_on=collected_on,
        language=str(meta.get("language") or "en"),
        signifiers=meta.get("signifiers"),
        consent=consent,
        attribution=meta.get("attribution", "anonymous"),
    )
    clean_draft(draft)
    if not body.strip():
        raise InvalidInput("the story body after the front matter is empty")
    ref = str(meta.get("ref") or path.stem)
    return ParsedStory(path=path, ref=ref, draft=draft, teller_email=meta.get("teller"))


def story_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder")
    return sorted(p for p in folder.rglob("*.md") if p.is_file() and not p.name.startswith("."))


def import_folder(
    actor: User | None,
    files: Iterable[Path],
    tellers: dict[str, User] | None = None,
    progress: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every good file; collect a problem for each bad one. The caller commits once."""
    report = ImportReport()
    seen: set[str] = set()
    for path in files:
        try:
            parsed = parse_file(path)
            key = import_key(parsed.ref)
            if key in seen:
                raise InvalidInput(f"ref {parsed.ref!r} is used by another file in this import")
            seen.add(key)
            if db.session.scalar(select(Story.id).where(Story.import_key == key)) is not None:
                report.skipped.append(parsed.ref)
                continue
            teller = (tellers or {}).get(parsed.ref)
            if teller is None and parsed.teller_email:
                teller = find_by_email(parsed.teller_email)
                if teller is None or not policy.can(teller, "story.own"):
                    raise InvalidInput(f"teller {parsed.teller_email!r} is not a storyteller account")
            import_story(actor, parsed.draft, key, teller=teller)
            report.imported.append(parsed.ref)
        except InvalidInput as err:
            report.problems.append((path.name, err.message))
        except OSError as err:
            report.problems.append((path.name, f"cannot read: {err.strerror}"))
        finally:
            if progress is not None:
                progress(path)
    return report

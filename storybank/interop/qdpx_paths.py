"""Finding a source's text inside a .qdpx from the path its exporter wrote.

The standard writes `internal://<guid>.txt` for texts inside the file (in `sources/`),
`relative://` and `absolute://` for texts beside or outside it. Real tools vary: no
scheme at all, a leading `/` or `sources/`, `internal:///`, URL-encoded names, Windows
backslashes, `file://` URLs. Whatever the form, the text is looked for in the ZIP (a
text shipped inside the file is used even when the path says it lives elsewhere); a
path that climbs out with `..` is refused as unsafe rather than reported missing.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Protocol
from urllib.parse import unquote

from storybank.errors import InvalidInput

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://", re.ASCII)
_DRIVE = re.compile(r"^[A-Za-z]:/")


class Members(Protocol):
    def find(self, wanted: str) -> str | None: ...


def _forms(path: str) -> tuple[str | None, list[str]]:
    """The path's scheme and its candidate member names (decoded and as written), slashes normalised."""
    match = _SCHEME.match(path)
    scheme = match.group(1).lower() if match else None
    rest = path[match.end():] if match else path
    forms = []
    for form in (unquote(rest), rest):
        form = form.replace("\\", "/")
        if form not in forms:
            forms.append(form)
    return scheme, forms


def find_text_member(files: Members, path: str, what: str) -> str | None:
    """The ZIP member holding the text `path` names, or None when the file does not carry it.

    Raises InvalidInput for a path that climbs out of the file (`..`), naming `what`.
    """
    path = (path or "").strip()
    if not path:
        return None
    scheme, forms = _forms(path)
    for form in forms:
        if ".." in PurePosixPath(form).parts:
            raise InvalidInput(f"{what} names its text by an unsafe path {path[:120]!r}: '..' would reach outside "
                               "the project file, so nothing was imported. Export the project again with its "
                               "texts inside.")
    outside = scheme in ("relative", "absolute", "file") or any(_DRIVE.match(f.lstrip("/")) for f in forms)
    for form in forms:
        inner = form.lstrip("/")
        candidates = [inner, f"sources/{inner}"]
        if outside or "/" in inner:  # a path beside or outside the file: its text may still be in sources/
            name = PurePosixPath(inner).name
            candidates += [f"sources/{name}", name]
        for candidate in candidates:
            found = files.find(candidate) if candidate else None
            if found is not None:
                return found
    return None

"""Where the app finds its templates, static files, migrations and demo stories.

In a checkout they sit at the project's top level; a built wheel carries them
inside the package (see setup.cfg), so the same code serves both.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """The folder `name` (templates, static, migrations, stories) for this installation."""
    packaged = PACKAGE / name
    if packaged.is_dir():
        return packaged
    return PACKAGE.parent / name

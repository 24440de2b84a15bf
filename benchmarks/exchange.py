"""How long REFI-QDA, Markdown and CSV exchange take on a coded archive.

Builds a synthetic archive (default 1,000 stories of about 400 words and 20,000
codings by three coders, as benchmarks/analysis.py does), times each export through
the app's own services, then imports the .qdpx into a second, empty database (a
new installation) and times that; then a colleague's copy of the same file (the same
sources, their own coders) merged into the stories already there, and the export of
that import's project space (the importer's own material). Prints a table.

    python benchmarks/exchange.py [--stories N] [--codings N]
"""
from __future__ import annotations

import argparse
import io
import re
import shutil
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from analysis import ROOT, build
from flask_migrate import upgrade
from sqlalchemy import select

from storybank import create_app, tx
from storybank.accounts.models import User
from storybank.accounts.services import create_user
from storybank.archive.consent import current_form
from storybank.coding.codebook import install_starter
from storybank.coding.models import Code
from storybank.extensions import db
from storybank.interop.csv_export import codings_csv
from storybank.interop.markdown_export import markdown_files
from storybank.interop.qdc import export_qdc
from storybank.interop.qdpx_export import export_qdpx
from storybank.interop.qdpx_import import import_qdpx


def _app(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    return create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'b.sqlite3'}",
                       "SECRET_KEY": "bench" * 8, "INDEX_DIR": str(folder / "search-index"),
                       "SEARCH_REPAIR_ON_START": False, "IMPORT_MAX_BYTES": 2 * 1024**3})


def colleague_copy(data: bytes) -> bytes:
    """The same project as a colleague's copy: every user gets a new GUID and name, so their codings are new."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name.endswith(".qde"):
                qde = content.decode()
                for guid in dict.fromkeys(re.findall(r'<User guid="([^"]+)"', qde)):
                    qde = qde.replace(guid, str(uuid.uuid4()))
                qde = re.sub(r'<User guid="([^"]+)" name="[^"]*"',
                             lambda m: f'<User guid="{m.group(1)}" name="Colleague {m.group(1)[:8]}"', qde)
                content = qde.encode()
            target.writestr(name, content)
    return out.getvalue()


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    tx.commit()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--codings", type=int, default=20_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="storybank-exchange-bench-"))
    rows = []
    try:
        source = _app(folder / "a")
        with source.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            coders = [create_user(None, f"coder{i}@example.org", "bench password", ["researcher"]) for i in range(3)]
            install_starter(coders[0])
            form = current_form()
            tx.commit()
            codes = list(db.session.scalars(select(Code.id).where(Code.parent_id.is_not(None))))
            build(args.stories, args.codings, [c.id for c in coders], codes, form.id)
            user = db.session.get(User, coders[0].id)
            ms, qdpx = timed(lambda: export_qdpx(user))
            rows.append(("export .qdpx", ms, f"{len(qdpx) / 1e6:.1f} MB"))
            ms, qdc = timed(lambda: export_qdc(user))
            rows.append(("export .qdc", ms, f"{len(qdc) / 1e3:.0f} kB"))
            ms, files = timed(lambda: markdown_files(user))
            rows.append(("export Markdown", ms, f"{len(files):,} files"))
            ms, text = timed(lambda: codings_csv(user))
            rows.append(("export codings CSV", ms, f"{len(text) / 1e6:.1f} MB"))
            db.session.remove()
            db.engine.dispose()
        target = _app(folder / "b")
        with target.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            importer = create_user(None, "importer@example.org", "bench password", ["researcher"])
            tx.commit()
            ms, project = timed(lambda: import_qdpx(importer, qdpx))
            rows.append(("import that .qdpx (new installation)", ms,
                         f"{project.counts['stories']:,} stories, {project.counts['codings']:,} codings"))
            copy = colleague_copy(qdpx)
            ms, merged = timed(lambda: import_qdpx(importer, copy))
            added = sum(v for k, v in merged.counts.items() if k.startswith("codings added"))
            rows.append(("a colleague's copy: codings joining those stories", ms,
                         f"{added:,} codings added to {merged.counts['already_present']:,} stories"))
            ms, back = timed(lambda: export_qdpx(importer, project_id=project.id))
            rows.append(("export that import's project space", ms, f"{len(back) / 1e6:.1f} MB"))
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.codings:,} codings by 3 coders on {args.stories:,} stories (SQLite)\n")
    print("| step | ms | result |")
    print("|---|---|---|")
    for name, ms, result in rows:
        print(f"| {name} | {ms:,.0f} | {result} |")


if __name__ == "__main__":
    main()

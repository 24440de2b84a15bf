"""Search words never reach access logs: the function other logging calls, and the dev server and gunicorn logs."""
from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

from conftest import ROOT

from storybank.search import redact_query_string, redact_request_line
from storybank.search.redaction import RedactSearchWords


def test_search_words_are_redacted_and_everything_else_kept():
    assert redact_query_string("/search?q=Jane+Doe&page=2&purpose=workshop") == \
        "/search?q=[redacted]&page=2&purpose=workshop"
    assert redact_query_string("/api/v1/search?site=Salford&kind=practitioner&theme=Hope&q=") == \
        "/api/v1/search?site=[redacted]&kind=practitioner&theme=[redacted]&q=[redacted]"
    assert redact_query_string("/search?%71=Jane") == "/search?%71=[redacted]"  # an encoded name
    assert redact_query_string("/stories/4") == "/stories/4"
    assert redact_query_string("/login?next=/search?q%3DJane%2BDoe%26page%3D2") == \
        "/login?next=/search%3Fq%3D[redacted]%26page%3D2"  # the sign-in redirect carries the search along
    assert redact_request_line("GET /memos?q=Jane%20Doe HTTP/1.1") == "GET /memos?q=[redacted] HTTP/1.1"


def test_the_werkzeug_request_log_line_is_redacted(app, caplog):
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", "GET /search?q=Jane+Doe HTTP/1.1", "200", "-"), None)
    assert any(isinstance(f, RedactSearchWords) for f in logging.getLogger("werkzeug").filters)
    for f in logging.getLogger("werkzeug").filters:
        f.filter(record)
    assert "Jane" not in record.getMessage() and "q=[redacted]" in record.getMessage()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorns_access_log_holds_no_search_words(tmp_path, sqlite_template):
    import shutil

    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "storybank.sqlite3")
    log = tmp_path / "access.log"
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "STORYBANK_INSTANCE_PATH": str(instance), "STORYBANK_SECURE_COOKIES": "0",
           "PYTHONPATH": str(ROOT)}  # this checkout's code, not whichever one is installed
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", str(log),
         "--access-logformat", '%(h)s "%(r)s" %(s)s %(U)s?%(q)s', "storybank:create_app()"],
        env=env, cwd=str(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        for path in ("/search?q=Zebediah+Crisis&page=2", "/api/v1/search?q=Zebediah&site=Salford"):
            with suppress(OSError):  # signed out: a redirect or 401 is fine, the request is logged all the same
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(log).read_text().count("search") < 2:
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(20)
    text = log.read_text()
    assert "/search?q=[redacted]&page=2" in text
    assert "Zebediah" not in text and "Salford" not in text

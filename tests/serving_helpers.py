"""Start `storybank serve` (gunicorn) on a free loopback port for a test, and stop it after."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(app: Flask) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYBANK_")}
    env.update({
        "STORYBANK_INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "STORYBANK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORYBANK_INDEX_DIR": app.config["INDEX_DIR"],
        "STORYBANK_SECRET_KEY": app.config["SECRET_KEY"],
        "STORYBANK_DEID_ON_SAVE": "0",
        "STORYBANK_SECURE_COOKIES": "0",
    })
    return env


def call(base: str, method: str, path: str, token: str | None = None, body: dict | None = None,
         headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw, status, answer_headers = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as err:
        raw, status, answer_headers = err.read(), err.code, dict(err.headers)
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode("utf-8", "replace")
    return status, answer_headers, payload


@contextmanager
def running_server(app: Flask, workers: int, log: Path, extra_env: dict | None = None) -> Iterator[str]:
    """Yield the base URL once /readyz answers 200; SIGTERM on the way out (the server stops itself)."""
    port = free_port()
    env = {**server_env(app), **(extra_env or {})}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from storybank.cli import main; main()", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"storybank serve stopped: {log.read_text()[-2000:]}")
            try:
                if call(base, "GET", "/readyz", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"storybank serve never became ready: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

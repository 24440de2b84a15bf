"""Sign-in limits: failures count per account and, with a higher bound, per address, shared through Redis."""
from __future__ import annotations

import http.cookiejar
import json
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager

import pytest
import redis
from conftest import PASSWORD, ROOT, csrf_token

REDIS_URL = "redis://127.0.0.1:6379/0"


def _login(client, email: str, password: str, address: str = "10.0.0.7"):
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "email": email,
                                       "password": password})


def test_failures_lock_the_account_not_everyone_behind_one_address(app, make_user):
    target, neighbour = make_user("storyteller"), make_user("researcher")
    attacker = app.test_client()
    assert [_login(attacker, target.email, "wrong password!").status_code for _ in range(10)] == [401] * 10
    blocked = _login(attacker, target.email, PASSWORD)
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
    # The account is held even from another address (the attacker may have many) ...
    assert _login(app.test_client(), target.email, PASSWORD, address="10.9.9.9").status_code == 429
    # ... but someone else behind the same proxy address still gets in.
    assert _login(app.test_client(), neighbour.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_meets_the_higher_bound(app, make_user):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "15 per 15 minutes"
    user = make_user("storyteller")
    client = app.test_client()
    statuses = [_login(client, f"nobody{i}@example.org", "wrong password!").status_code for i in range(15)]
    assert statuses == [401] * 15
    assert _login(client, user.email, PASSWORD).status_code == 429
    assert _login(app.test_client(), user.email, PASSWORD, address="10.1.2.3").status_code == 302


def test_successful_sign_ins_do_not_count(app, make_user):
    user = make_user("storyteller")
    for _ in range(12):
        assert _login(app.test_client(), user.email, PASSWORD).status_code == 302


@contextmanager
def _server(app, prefix: str):
    """storybank in its own process, sharing the database and a Redis limiter storage."""
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH", "INDEX_DIR", "SECRET_KEY")}
    config.update(TESTING=True, SESSION_COOKIE_SECURE=False, RATELIMIT_STORAGE_URI=REDIS_URL,
                  RATELIMIT_KEY_PREFIX=prefix, SEARCH_REPAIR_ON_START=False)
    script = (
        "import json, sys, threading\n"
        "from werkzeug.serving import make_server\n"
        "from storybank import create_app\n"
        "server = make_server('127.0.0.1', 0, create_app(json.loads(sys.argv[1])), threaded=True)\n"
        "print(server.server_port, flush=True)\n"
        # Stops itself when the test goes away (its standard input closes).
        "threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()\n"
        "server.serve_forever()\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script, json.dumps(config)], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def _http_login(base: str, email: str, password: str) -> int:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                         _NoRedirect())
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode()
    try:
        return opener.open(f"{base}/login", data=data).status
    except urllib.error.HTTPError as err:
        return err.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_limits_are_shared_by_every_process_through_redis(app, make_user):
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as probe:
            probe.ping()
    except redis.RedisError as err:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {err}")
    user = make_user("storyteller")
    prefix = f"storybank-test-accounts-{secrets.token_hex(4)}"
    try:
        with ExitStack() as stack:
            first, second = (stack.enter_context(_server(app, prefix)) for _ in range(2))
            statuses = [_http_login(base, user.email, "wrong password!") for base in [first, second] * 5]
            assert statuses == [401] * 10  # ten failures, spread over two processes
            assert _http_login(first, user.email, PASSWORD) == 429
            assert _http_login(second, user.email, PASSWORD) == 429
        with redis.Redis.from_url(REDIS_URL) as client:
            assert list(client.scan_iter(f"*{prefix}*"))  # the counts really were in Redis
    finally:
        with redis.Redis.from_url(REDIS_URL) as client:
            for key in client.scan_iter(f"*{prefix}*"):
                client.delete(key)

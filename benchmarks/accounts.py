"""What the account checks cost per request: sign-in (scrypt), password strength (zxcvbn), TOTP.

Times each through the app's own functions on one SQLite database and prints a
table of median and 95th-percentile milliseconds, so the sign-in limits and the
"same answer" pages can be judged against what a request already costs.

    python benchmarks/accounts.py [--repeat R]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyotp
from flask_migrate import upgrade

from storybank import create_app, tx
from storybank.accounts import two_factor
from storybank.accounts.passwords import check_password
from storybank.accounts.services import authenticate, create_user
from storybank.accounts.tokens import create_token, user_for_token
from storybank.assets import asset_dir

PASSWORD = "lantern orchard quietly"


def _time(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}"})
        with app.app_context():
            upgrade(directory=str(asset_dir("migrations")))
            user = create_user(None, "bench@example.org", PASSWORD, ["researcher"], "Bench Person")
            token = create_token(user)
            secret = two_factor.new_secret()
            user.totp_secret = secret
            tx.commit()
            rows = [
                ("sign-in, right password (scrypt)", lambda: authenticate(user.email, PASSWORD)),
                ("sign-in, unknown address (same work)", lambda: authenticate("nobody@example.org", PASSWORD)),
                ("password strength, strong (zxcvbn)", lambda: check_password(PASSWORD, email=user.email)),
                ("password strength, 100 characters", lambda: check_password("correct horse " * 8, email=user.email)),
                ("TOTP code check", lambda: two_factor._step_matching(secret, pyotp.TOTP(secret).now(), None)),
                ("API token lookup", lambda: user_for_token(token)),
            ]
            print(f"{'operation':40} {'median ms':>10} {'p95 ms':>10}   ({args.repeat} runs each)")
            for name, fn in rows:
                median, p95 = _time(fn, args.repeat)
                print(f"{name:40} {median:10.2f} {p95:10.2f}")


if __name__ == "__main__":
    main()

"""The production server: gunicorn through its application API, and what every served app gets.

`storybank serve` runs gunicorn with N worker processes; each worker builds
its own app (nothing is shared across a fork: database pools, index handles).
`storybank.wsgi:app` is the same app for people running gunicorn themselves.
"""
from __future__ import annotations

import os
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from werkzeug.middleware.proxy_fix import ProxyFix

from storybank import request_log


def install(app: Flask) -> None:
    """Trust X-Forwarded-* from exactly STORYBANK_PROXIES proxies (0: trust none), and log every request."""
    proxies = int(app.config.get("PROXIES", 0))
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
                                x_prefix=proxies)
    request_log.install(app)


def default_workers() -> int:
    return int(os.environ.get("STORYBANK_WORKERS", "0")) or min(4, 2 * (os.cpu_count() or 1) + 1)


class StorybankServer(BaseApplication):
    """gunicorn configured in code; the app is created in each worker after the fork."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        from storybank import create_app

        app = create_app()
        request_log.configure_logging(app.config.get("LOG_JSON", False))
        return app


def serve(host: str, port: int, workers: int, timeout: int = 60) -> None:
    """Run until stopped (SIGTERM or Ctrl-C stop it gracefully)."""
    StorybankServer({
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": 20,
        "accesslog": None,  # the app logs each request itself, with its request id and without query strings
        "errorlog": "-",
        "proc_name": "storybank",
        "control_socket_disable": True,  # no socket in the home folder; stop with SIGTERM, reload with SIGHUP
        "secure_scheme_headers": {},  # X-Forwarded-* are ProxyFix's to trust (STORYBANK_PROXIES), not gunicorn's
    }).run()

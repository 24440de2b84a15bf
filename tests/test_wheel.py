"""A built wheel is a working app: templates, static files and migrations travel inside it.

The wheel is installed without dependencies into a fresh virtualenv that borrows
the test environment's packages through a plain path line (so no editable
checkout finder comes along), and is run from a folder outside the checkout.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    source = tmp_path_factory.mktemp("wheel-source") / "storybank"
    # Built from a copy: building in place would leave build/ and *.egg-info in the checkout.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "instance", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache",
        "test-artifacts", "node_modules"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet", "-w", str(out)],
                   check=True, cwd=out, timeout=300)
    (built,) = out.glob("storybank-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("wheel-venv")
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # The test environment's dependencies, as a plain path: its .pth files (the editable finder) are not run.
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet",
                    str(wheel)], check=True, timeout=300)
    return target


def _run(venv_dir: Path, cwd: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STORYBANK_", "PYTHON"))}
    env["STORYBANK_INSTANCE_PATH"] = str(cwd / "instance")
    env["STORYBANK_SECRET_KEY"] = "wheel-test-secret"
    command = [str(venv_dir / "bin" / "python"), "-c", code] if code else [str(venv_dir / "bin" / "storybank"), *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_wheel_carries_templates_static_files_and_migrations(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "storybank/templates/login.html" in names
    assert "storybank/static/storybank.css" in names
    assert "storybank/migrations/env.py" in names
    assert any(n.startswith("storybank/migrations/versions/0001_") for n in names)
    assert not any("__pycache__" in n for n in names)


def test_installed_wheel_upgrades_the_database_and_serves_the_sign_in_page(installed, tmp_path):
    upgraded = _run(installed, tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "instance" / "storybank.sqlite3").is_file()

    page = _run(installed, tmp_path, code=(
        "import storybank, sys\n"
        "from storybank import create_app\n"
        "app = create_app({'SESSION_COOKIE_SECURE': False})\n"
        "r = app.test_client().get('/login')\n"
        "css = app.test_client().get('/static/storybank.css')\n"
        "print(storybank.__file__)\n"
        "print(r.status_code, css.status_code)\n"
        "print('name=\"password\"' in r.get_data(as_text=True))\n"
    ))
    assert page.returncode == 0, page.stderr
    location, statuses, has_form = page.stdout.strip().splitlines()[-3:]
    assert location.startswith(str(installed)), "the app was imported from the checkout, not the wheel"
    assert statuses == "200 200"
    assert has_form == "True"

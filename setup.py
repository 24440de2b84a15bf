"""Build hook: the top-level templates/, static/, migrations/ and stories/ travel inside the wheel.

Metadata and dependencies live in setup.cfg; this only copies the folders a
checkout keeps beside the package into `storybank/` in the built package,
where `storybank.assets.asset_dir` finds them.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ASSET_DIRS = ("templates", "static", "migrations", "stories")


class BuildWithAssets(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "storybank"
        for name in ASSET_DIRS:
            destination = target / name
            if destination.exists():
                shutil.rmtree(destination)
            shutil.copytree(root / name, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithAssets})

"""Copies lessons/ and templates/ into the package as generator/bundled/, so a plain
`pip install .` carries the built-in content (pyproject.toml holds everything else)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithContent(build_py):
    def run(self):
        super().run()
        for name in ("lessons", "templates"):
            target = Path(self.build_lib) / "generator" / "bundled" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(Path(__file__).parent / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithContent})

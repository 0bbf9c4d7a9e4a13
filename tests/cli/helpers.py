"""Helpers for the CLI tests: run `python -m prefect_compat ...` in a clean subprocess.

Every run gets its own PREFECT__HOME_DIR (so checkpoints never land in the real
home), no user/backend config file, and the repository on PYTHONPATH.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "scripts"


class CLI:
    """Runs the command line in a subprocess with an isolated Prefect home."""

    def __init__(self, tmp_path: Path) -> None:
        self.cwd = tmp_path
        self.home = tmp_path / "home"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
        self.env.update(
            PREFECT__HOME_DIR=str(self.home),
            PREFECT__USER_CONFIG_PATH=str(tmp_path / "no-user-config.toml"),
            PREFECT__BACKEND_CONFIG_PATH=str(tmp_path / "no-backend-config.toml"),
            PYTHONPATH=os.pathsep.join([str(REPO), self.env.get("PYTHONPATH", "")]).rstrip(
                os.pathsep
            ),
        )

    @property
    def results(self) -> Path:
        return self.home / "results"

    def __call__(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "prefect_compat", *map(str, args)],
            cwd=str(self.cwd),
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def python(self, code: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=str(self.cwd),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def script(name: str) -> str:
    return str(SCRIPTS / name)

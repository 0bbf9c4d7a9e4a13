"""Helpers for the CLI tests: run `python -m prefect_compat ...` in a clean subprocess.

Every run gets its own PREFECT__HOME_DIR (so checkpoints never land in the real
home), no user/backend config file, and the repository on PYTHONPATH.
"""

from __future__ import annotations

import ctypes
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

    def bound_by_permissions(self, *args: str) -> subprocess.CompletedProcess:
        """Like calling the CLI, but file permissions apply even when the tests run as root.

        Root reads everything through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH; the child
        drops both from its capability bounding set before exec, so a 0o000 directory
        is unreadable to it as it would be to any other user.
        """
        return subprocess.run(
            [sys.executable, "-m", "prefect_compat", *map(str, args)],
            cwd=str(self.cwd),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            preexec_fn=_drop_permission_override if os.geteuid() == 0 else None,
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


PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop_permission_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

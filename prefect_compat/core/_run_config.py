"""Apply a flow's `LocalRun` / `UniversalRun` run config around a local `flow.run()`.

What it is for: a local agent would start the flow run with the run config's
environment variables and, for `LocalRun`, in its working directory. prefect-compat
runs flows in-process, so `Flow.run` wraps the run in `applied(flow.run_config)`:
`env` entries are set (a None value unsets the variable), the working directory is
entered, and both are put back exactly as they were when the run ends, however it
ends. Other run configs (Docker, Kubernetes, ECS, Vertex) describe infrastructure
and change nothing here.

What it must not do: leave anything changed behind. Environment variables and the
working directory are process-wide, so two flows run at once in threads share them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["applied"]


def _settings(run_config: Any) -> tuple[dict[str, Any], str | None]:
    from prefect_compat.run_configs import LocalRun, UniversalRun

    if isinstance(run_config, LocalRun):
        return dict(run_config.env or {}), run_config.working_dir
    if isinstance(run_config, UniversalRun):
        return dict(run_config.env or {}), None
    return {}, None


@contextmanager
def applied(run_config: Any) -> Iterator[None]:
    """Set the run config's env vars and working directory for the block, then restore."""
    if run_config is None:
        yield
        return
    env, working_dir = _settings(run_config)
    saved = {name: os.environ.get(name) for name in env}
    cwd = os.getcwd() if working_dir else None
    try:
        for name, value in env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = str(value)
        if working_dir:
            os.chdir(working_dir)
        yield
    finally:
        if cwd is not None:
            os.chdir(cwd)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

"""The one error for everything that needs a Prefect backend (Cloud or Server).

prefect-compat runs flows in this process (and on Dask) without an API server, so
registering a flow, starting an agent or uploading flow storage has nowhere to go.
Each of those raises `NoBackendError` naming what was asked and what to do instead.
It subclasses `PrefectException`, so `except PrefectException` in user code sees it.
"""

from __future__ import annotations

from prefect_compat.exceptions import PrefectException

__all__ = ["NoBackendError", "no_backend"]


class NoBackendError(PrefectException):
    """Raised by operations that need Prefect Cloud or Server."""


def no_backend(what: str) -> NoBackendError:
    """The error for `what` (e.g. "flow.register()"), with the local alternatives."""
    return NoBackendError(
        f"{what} needs a Prefect backend (Prefect Cloud or Server), and prefect-compat "
        "runs flows without one. Run the flow in this process with flow.run(), or from "
        "the command line with `prefect-compat run <flow file>`."
    )

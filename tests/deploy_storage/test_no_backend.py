"""`flow.register()` and `flow.run_agent()` need Prefect Cloud/Server: one clear error.

On Prefect 1.4.1 without a reachable server, `register()` first pickles the flow into
its storage, then retries the connection until requests' ConnectionError, and
`run_agent()` raises ValueError about a missing API key (0.13.19: AuthorizationError).
Here both fail at once with `NoBackendError` (a PrefectException) naming what to use.
"""

from __future__ import annotations

import pytest

import prefect_compat
from prefect_compat import Flow
from prefect_compat.exceptions import NoBackendError, PrefectException
from prefect_compat.storage import Local


def test_register_raises_the_no_backend_error_and_writes_nothing(tmp_path):
    flow = Flow("registered", storage=Local(directory=str(tmp_path)))
    with pytest.raises(
        NoBackendError,
        match=r"^flow\.register\(\) of flow 'registered' needs a Prefect Cloud/Server "
        r"backend.*flow\.run\(\).*`prefect-compat run script\.py`",
    ):
        flow.register(project_name="p", labels=["a"], idempotency_key="k", extra="ignored")
    assert list(tmp_path.iterdir()) == []


def test_run_agent_raises_the_no_backend_error():
    with pytest.raises(PrefectException, match=r"^flow\.run_agent\(\) for flow 'x' needs"):
        Flow("x").run_agent(token="t", show_flow_logs=True)


def test_register_while_a_flow_file_loads_warns_and_returns_none():
    """As in Prefect 1.4.1: `prefect register`/script storage load files with loading_flow."""
    with prefect_compat.context(loading_flow=True):
        with pytest.warns(UserWarning, match="call `flow.register` during execution of flow file"):
            assert Flow("x").register(project_name="p") is None

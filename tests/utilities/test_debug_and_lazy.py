"""`utilities.debug.raise_on_exception` and the install hints of `_lazy.require`."""

from __future__ import annotations


def test_raise_on_exception_helper_reraises_task_errors():
    import pytest

    from prefect_compat import Flow, task
    from prefect_compat.utilities.debug import raise_on_exception

    @task
    def boom():
        raise KeyError("debug me")

    with Flow("debug") as flow:
        boom()

    with raise_on_exception(), pytest.raises(KeyError, match="debug me"):
        flow.run()
    assert flow.run().is_failed()  # outside the block: a Failed state again


def test_missing_optional_dependency_names_pip_package_and_extra(monkeypatch):
    import sys

    import pytest

    from prefect_compat._lazy import require

    monkeypatch.setitem(sys.modules, "google.cloud.storage", None)
    with pytest.raises(ImportError, match=r"google-cloud-storage.*prefect-compat\[gcp\]"):
        require("google.cloud.storage", extra="gcp", feature="GCSResult")

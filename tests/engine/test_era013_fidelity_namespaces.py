"""0.13-era modules list only Prefect's public names (no helper imports leak into dir())."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "prefect_compat.engine.result_handlers": [
        "AzureResultHandler",
        "ConstantResultHandler",
        "GCSResultHandler",
        "JSONResultHandler",
        "LocalResultHandler",
        "ResultHandler",
        "S3ResultHandler",
        "SecretResultHandler",
        "azure_result_handler",
        "constant_result_handler",
        "gcs_result_handler",
        "json_result_handler",
        "local_result_handler",
        "result_handler",
        "s3_result_handler",
        "secret_result_handler",
    ],
    "prefect_compat.engine.executors": [
        "DaskExecutor",
        "Executor",
        "LocalDaskExecutor",
        "LocalExecutor",
        "base",
        "dask",
        "local",
    ],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names_are_prefect_013s(module):
    """As observed with dir() on Prefect 0.13.19 (its `prefect` name aside)."""
    names = dir(importlib.import_module(module))
    public = sorted(n for n in names if not n.startswith("_"))
    assert public == PUBLIC[module]

"""`prefect.engine.results`: the Result classes, one module each."""

from __future__ import annotations

from prefect_compat.engine.results.azure_result import AzureResult
from prefect_compat.engine.results.constant_result import ConstantResult
from prefect_compat.engine.results.gcs_result import GCSResult
from prefect_compat.engine.results.local_result import LocalResult
from prefect_compat.engine.results.prefect_result import PrefectResult
from prefect_compat.engine.results.result_handler_result import ResultHandlerResult
from prefect_compat.engine.results.s3_result import S3Result
from prefect_compat.engine.results.secret_result import SecretResult

__all__ = [
    "AzureResult",
    "ConstantResult",
    "GCSResult",
    "LocalResult",
    "PrefectResult",
    "ResultHandlerResult",
    "S3Result",
    "SecretResult",
]

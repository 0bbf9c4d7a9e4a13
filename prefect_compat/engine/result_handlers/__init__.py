"""`prefect.engine.result_handlers` (0.13): the 0.10-era handlers, superseded by Results.

Given to a Task or Flow, each becomes its Result (see `_compat/handlers.py` and
docs/migration.md). Cloud handlers import their SDK only when used.
"""

from prefect_compat.engine.result_handlers.azure_result_handler import AzureResultHandler
from prefect_compat.engine.result_handlers.constant_result_handler import ConstantResultHandler
from prefect_compat.engine.result_handlers.gcs_result_handler import GCSResultHandler
from prefect_compat.engine.result_handlers.json_result_handler import JSONResultHandler
from prefect_compat.engine.result_handlers.local_result_handler import LocalResultHandler
from prefect_compat.engine.result_handlers.result_handler import ResultHandler
from prefect_compat.engine.result_handlers.s3_result_handler import S3ResultHandler
from prefect_compat.engine.result_handlers.secret_result_handler import SecretResultHandler

__all__ = [
    "AzureResultHandler",
    "ConstantResultHandler",
    "GCSResultHandler",
    "JSONResultHandler",
    "LocalResultHandler",
    "ResultHandler",
    "S3ResultHandler",
    "SecretResultHandler",
]

"""0.10-style result handlers: conversion to Results, validation, deprecation warnings.

Task and Flow call `accept_result_handler(result, result_handler)` when given
`result_handler=`, and `ResultHandlerResult.from_result_handler` calls
`result_from_handler`. Conversion walks an ordered table and takes the first
isinstance match, as Prefect 0.13 does: a subclass of a built-in handler becomes that
handler's Result and its own read/write are not used (the warning says so). Any other
object with `read` and `write` is wrapped in `ResultHandlerResult`. Each handler class
warns once per process, at the user's line.

The handler classes live at their 0.13 paths (`engine/result_handlers/*.py`) and use
the small helpers at the bottom of this module to reach the same Storage seam as the
Results. Must not: be imported by `_engine/` or `_storage/`; import a cloud SDK.
"""

from __future__ import annotations

import json
import sys
import uuid
import warnings
from datetime import datetime, timezone
from typing import Any, Callable, Tuple

from prefect_compat import _context
from prefect_compat._storage.base import NotFound, Storage
from prefect_compat.engine.result.base import Result
from prefect_compat.engine.serializers import PickleSerializer
from prefect_compat.exceptions import ResultNotFoundError, ResultReadError

__all__ = [
    "ResultHandlerDeprecationWarning",
    "accept_result_handler",
    "check_handler",
    "conversions",
    "result_from_handler",
]

PREFECT_MESSAGE = "Result Handlers are deprecated; please use the new style Result classes instead."
DOCS = "(see docs/migration.md)"


class ResultHandlerDeprecationWarning(DeprecationWarning, UserWarning):
    """A result handler was used where a Result is expected.

    A DeprecationWarning (what it is) that is also a UserWarning (what Prefect 0.13
    emitted), so filters and `pytest.warns` written for either keep working.
    """


# Handler classes that have warned in this process (one warning per class).
_WARNED: set = set()

Conversion = Tuple[type, Callable[[Any], Result], str]
_TABLE: Tuple[Conversion, ...] | None = None


def _conversions() -> Tuple[Conversion, ...]:
    """(handler class, Result factory, replacement to suggest), in Prefect's order."""
    global _TABLE
    if _TABLE is None:
        from prefect_compat.engine import result_handlers as h

        _TABLE = (
            (h.ConstantResultHandler, _constant_result, "ConstantResult(value=...)"),
            (h.GCSResultHandler, _gcs_result, "GCSResult(bucket=...)"),
            (h.JSONResultHandler, _prefect_result, "PrefectResult()"),
            (h.LocalResultHandler, _local_result, "LocalResult(dir=...)"),
            (h.S3ResultHandler, _s3_result, "S3Result(bucket=..., boto3_kwargs=...)"),
            (h.SecretResultHandler, _secret_result, "SecretResult(secret_task)"),
            (
                h.AzureResultHandler,
                _azure_result,
                "AzureResult(container=..., connection_string=...)",
            ),
        )
    return _TABLE


# 0.13's public `CONVERSIONS`: (handler class, {result kwarg: handler attribute}, Result
# class), in Prefect's order. Entries whose modules are not installed are left out.
_CONVERSION_PATHS: Tuple[Tuple[str, dict, str], ...] = (
    (
        "constant_result_handler.ConstantResultHandler",
        {"value": "value"},
        "constant_result.ConstantResult",
    ),
    ("gcs_result_handler.GCSResultHandler", {"bucket": "bucket"}, "gcs_result.GCSResult"),
    ("json_result_handler.JSONResultHandler", {}, "prefect_result.PrefectResult"),
    ("local_result_handler.LocalResultHandler", {"dir": "dir"}, "local_result.LocalResult"),
    (
        "s3_result_handler.S3ResultHandler",
        {"bucket": "bucket", "boto3_kwargs": "boto3_kwargs"},
        "s3_result.S3Result",
    ),
    (
        "secret_result_handler.SecretResultHandler",
        {"secret_task": "secret_task"},
        "secret_result.SecretResult",
    ),
    (
        "azure_result_handler.AzureResultHandler",
        {
            "container": "container",
            "connection_string": "connection_string",
            "connection_string_secret": "connection_string_secret",
        },
        "azure_result.AzureResult",
    ),
)


def conversions() -> list:
    """`[(handler class, {kwarg: attribute}, Result class), ...]` (0.13's CONVERSIONS)."""
    import importlib

    table = []
    for handler_path, attrs, result_path in _CONVERSION_PATHS:
        try:
            classes = [
                getattr(importlib.import_module(f"prefect_compat.engine.{package}.{module}"), name)
                for package, (module, name) in (
                    ("result_handlers", handler_path.split(".")),
                    ("results", result_path.split(".")),
                )
            ]
        except ModuleNotFoundError:
            continue
        table.append((classes[0], dict(attrs), classes[1]))
    return table


def _constant_result(handler: Any) -> Result:
    from prefect_compat.engine.results.constant_result import ConstantResult

    return ConstantResult(value=handler.value)


def _prefect_result(handler: Any) -> Result:
    from prefect_compat.engine.results.prefect_result import PrefectResult

    return PrefectResult()


def _local_result(handler: Any) -> Result:
    from prefect_compat.engine.results.local_result import LocalResult

    return LocalResult(dir=handler.dir)


def _secret_result(handler: Any) -> Result:
    from prefect_compat.engine.results.secret_result import SecretResult

    return SecretResult(handler.secret_task)


def _s3_result(handler: Any) -> Result:
    from prefect_compat.engine.results.s3_result import S3Result

    _warn_dropped_secret(handler, "aws_credentials_secret", "AWS_CREDENTIALS", "boto3_kwargs")
    return S3Result(bucket=handler.bucket, boto3_kwargs=dict(handler.boto3_kwargs))


def _gcs_result(handler: Any) -> Result:
    from prefect_compat.engine.results.gcs_result import GCSResult

    _warn_dropped_secret(handler, "credentials_secret", "GCP_CREDENTIALS", "")
    return GCSResult(bucket=handler.bucket)


def _azure_result(handler: Any) -> Result:
    from prefect_compat.engine.results.azure_result import AzureResult

    if handler.connection_string is None:
        warn_at_user(
            f"AzureResultHandler(container={handler.container!r}) has no connection string; "
            f"it becomes an AzureResult, which does not read the "
            f"{handler.azure_credentials_secret!r} secret (as in Prefect 0.13), so its writes "
            "fail. Pass connection_string=, set AZURE_STORAGE_CONNECTION_STRING, or use "
            f"result=AzureResult(container=..., connection_string_secret=...) {DOCS}.",
            UserWarning,
        )
    return AzureResult(
        container=handler.container,
        connection_string=handler.connection_string,
        connection_string_secret=getattr(handler, "connection_string_secret", None),
    )


def _warn_dropped_secret(handler: Any, attr: str, default: str, kwargs: str) -> None:
    name = getattr(handler, attr, None)
    if name is None or name == default:
        return
    cls = type(handler).__name__
    result = cls.replace("ResultHandler", "Result")
    where = f"under {default}" + (f" or pass them in {kwargs}" if kwargs else "")
    warn_at_user(
        f"{cls}({attr}={name!r}) becomes {result}, which does not read secret {name!r} (as in "
        f"Prefect 0.13): it uses the {default} secret in context, else the SDK's default "
        f"credentials. Store the credentials {where} {DOCS}.",
        UserWarning,
    )


def result_from_handler(handler: Any) -> Result:
    """The Result that stands for `handler` (first isinstance match in the table).

    Raises TypeError for a class instead of an instance, a Result, or an object
    without both `read` and `write`.
    """
    if isinstance(handler, Result):
        raise TypeError(
            f"Expected a result handler, got the Result {handler!r}: pass it as "
            f"result={type(handler).__name__}(...) instead of result_handler=."
        )
    check_handler(handler)
    for handler_type, factory, replacement in _conversions():
        if isinstance(handler, handler_type):
            _warn_once(type(handler), _builtin_message(type(handler), handler_type, replacement))
            return factory(handler)
    from prefect_compat.engine.results.result_handler_result import ResultHandlerResult

    name = type(handler).__name__
    _warn_once(
        type(handler),
        f"{PREFECT_MESSAGE} {name} is a custom result handler; it runs wrapped in "
        f"ResultHandlerResult. Port its read/write to a Result subclass {DOCS}",
    )
    return ResultHandlerResult(handler)


def accept_result_handler(result: Any, result_handler: Any) -> Any:
    """What Task/Flow `__init__` store as `.result`: `result`, or the converted handler.

    As in Prefect 0.13 the handler wins when both are given; we also say so.
    """
    if result_handler is None:
        return result
    converted = result_from_handler(result_handler)
    if result is not None:
        warn_at_user(
            "Both result= and result_handler= were given; result_handler= is used and "
            "result= is ignored, as in Prefect 0.13. Pass only result=.",
            UserWarning,
        )
    return converted


def check_handler(handler: Any) -> None:
    """Refuse what cannot work as a handler, naming the class and the missing method."""
    if isinstance(handler, type):
        raise TypeError(
            f"result_handler= got the class {handler.__name__}; pass an instance, "
            f"e.g. {handler.__name__}(...)."
        )
    from prefect_compat.engine.result_handlers.result_handler import ResultHandler

    for method in ("write", "read"):
        found = getattr(handler, method, None)
        base = getattr(ResultHandler, method)
        if not callable(found) or getattr(found, "__func__", None) is base:
            cls = type(handler)
            raise TypeError(
                f"Result handler {cls.__module__}.{cls.__qualname__} does not implement "
                f"{method}(). A result handler needs write(value) -> location and "
                f"read(location) -> value: add {method}() to {cls.__name__}, or use a "
                f"Result class with result= instead {DOCS}."
            )


def _builtin_message(cls: type, matched: type, replacement: str) -> str:
    text = f"{PREFECT_MESSAGE} {cls.__name__} is deprecated; use result={replacement} {DOCS}"
    if cls is not matched:
        text += (
            f". {cls.__name__} subclasses {matched.__name__}, so it becomes a plain "
            f"{replacement.split('(', maxsplit=1)[0]} and its own read/write are not used (as in "
            "Prefect 0.13)."
        )
    return text


def _warn_once(cls: type, message: str) -> None:
    if cls in _WARNED:
        return
    _WARNED.add(cls)
    warn_at_user(message, ResultHandlerDeprecationWarning)


def warn_at_user(message: str, category: type) -> None:
    """`warnings.warn` attributed to the first caller outside prefect_compat."""
    frame: Any = sys._getframe(0)
    level = 1
    while frame is not None and _ours(frame.f_globals.get("__name__", "")):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


def _ours(module: str) -> bool:
    return module == "prefect_compat" or module.startswith("prefect_compat.")


# -- helpers for the handler classes -------------------------------------------------------

_PICKLE = PickleSerializer()


def dated_key() -> str:
    """`YYYY/M/D/<uuid4>.prefect_result` (UTC, no zero padding): the cloud handlers' keys."""
    now = datetime.now(timezone.utc)
    return f"{now.year}/{now.month}/{now.day}/{uuid.uuid4()}.prefect_result"


def pickle_bytes(value: Any) -> bytes:
    return _PICKLE.serialize(value)


def read_pickle(storage: Storage, location: str, owner: str) -> Any:
    """Load a cloudpickle (plain or base64-wrapped) stored at `location`."""
    try:
        data = storage.read_bytes(location)
    except NotFound as exc:
        raise ResultNotFoundError(
            f"{owner}: nothing is stored at {location!r} ({exc}). Pass read() a location "
            "that write() returned."
        ) from exc
    try:
        return _PICKLE.deserialize(data)
    except Exception as exc:  # noqa: BLE001 - unpickling corrupt data raises anything
        raise ResultReadError(
            f"{owner}: cannot load {location!r}: the data is corrupt or was not written by a "
            f"result handler ({exc!r})."
        ) from exc


def secret_value(name: str, owner: str, param: str) -> Any:
    """Secret `name` from `context.secrets` (JSON text is parsed), or a clear error."""
    secrets = _context.get("secrets") or {}
    if name not in secrets:
        raise ValueError(
            f"{owner}({param}={name!r}) needs the secret {name!r}, which is not set in "
            f"context.secrets. Set it (e.g. PREFECT__CONTEXT__SECRETS__{name}='{{...}}') "
            f"or drop {param}= to use the SDK's default credentials."
        )
    value = secrets[name]
    return json.loads(value) if isinstance(value, str) else value

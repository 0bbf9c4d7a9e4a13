"""`prefect.serialization.result_handlers` (0.13): result handlers as dicts.

Only configuration is kept (a directory, a bucket, the name of a credentials
secret); a handler without any (`ConstantResultHandler`, user subclasses) is written
as `CustomResultHandler` and loads as the base `ResultHandler`, as in Prefect 0.13.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict, Mapping, Tuple

from prefect_compat.serialization._schema import (
    Schema,
    as_mapping,
    check_version,
    fail,
    format_version,
    join,
    load_str,
    require,
)

__all__ = [
    "AzureResultHandlerSchema",
    "BaseResultHandlerSchema",
    "CustomResultHandlerSchema",
    "GCSResultHandlerSchema",
    "JSONResultHandlerSchema",
    "LocalResultHandlerSchema",
    "ResultHandlerSchema",
    "S3ResultHandlerSchema",
    "SecretResultHandlerSchema",
]

_HANDLERS = "prefect_compat.engine.result_handlers."

# type name -> (module of the class, attributes kept); SecretResultHandler is special
_TABLE: Dict[str, Tuple[str, Tuple[str, ...]]] = {
    "LocalResultHandler": (_HANDLERS + "local_result_handler", ("dir",)),
    "JSONResultHandler": (_HANDLERS + "json_result_handler", ()),
    "S3ResultHandler": (_HANDLERS + "s3_result_handler", ("bucket", "aws_credentials_secret")),
    "GCSResultHandler": (_HANDLERS + "gcs_result_handler", ("bucket", "credentials_secret")),
    "AzureResultHandler": (
        _HANDLERS + "azure_result_handler",
        ("container", "azure_credentials_secret"),
    ),
    "SecretResultHandler": (_HANDLERS + "secret_result_handler", ("name",)),
    "CustomResultHandler": (_HANDLERS + "result_handler", ()),
}


def dump_handler(handler: Any, where: str = "", typed: bool = True) -> Dict[str, Any]:
    name = type(handler).__name__
    if name not in _TABLE:
        name = "CustomResultHandler"
    if name == "SecretResultHandler":
        out: Dict[str, Any] = {"name": handler.secret_task.name}
    else:
        out = {attr: getattr(handler, attr, None) for attr in _TABLE[name][1]}
    out["__version__"] = format_version()
    if typed:
        out["type"] = name
    return out


def load_handler(data: Any, where: str = "", name: str | None = None) -> Any:
    data = as_mapping(data, where, "a result handler")
    check_version(data, where, required=name is None)
    if name is None:
        name = require(data, "type", where)
        if name not in _TABLE:
            known = ", ".join(sorted(_TABLE))
            raise fail(join(where, "type"), f"Unsupported value: {name!r} (known: {known}).")
    module, attrs = _TABLE[name]
    kwargs = {attr: load_str(require(data, attr, where), join(where, attr)) for attr in attrs}
    return _build(name, module, kwargs)


def _build(name: str, module: str, kwargs: Mapping[str, Any]) -> Any:
    if name == "CustomResultHandler":
        return importlib.import_module(module).ResultHandler()
    if name == "SecretResultHandler":
        from prefect_compat.tasks.secrets.base import PrefectSecret

        cls = importlib.import_module(module).SecretResultHandler
        return cls(PrefectSecret(name=kwargs["name"]))
    cls = getattr(importlib.import_module(module), name)
    if name == "LocalResultHandler":
        return cls(dir=kwargs["dir"], validate=False)  # loading must not create directories
    return cls(**kwargs)


class ResultHandlerSchema(Schema):
    """Any result handler, tagged with its class name in `type`."""

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_handler(obj, where)

    def _load(self, data: Any, where: str) -> Any:
        return load_handler(data, where)


class BaseResultHandlerSchema(Schema):
    """One handler class, without the `type` key."""

    kind = "CustomResultHandler"

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_handler(obj, where, typed=False)

    def _load(self, data: Any, where: str) -> Any:
        return load_handler(data, where, name=self.kind)


class CustomResultHandlerSchema(BaseResultHandlerSchema):
    kind = "CustomResultHandler"


class LocalResultHandlerSchema(BaseResultHandlerSchema):
    kind = "LocalResultHandler"


class JSONResultHandlerSchema(BaseResultHandlerSchema):
    kind = "JSONResultHandler"


class S3ResultHandlerSchema(BaseResultHandlerSchema):
    kind = "S3ResultHandler"


class GCSResultHandlerSchema(BaseResultHandlerSchema):
    kind = "GCSResultHandler"


class AzureResultHandlerSchema(BaseResultHandlerSchema):
    kind = "AzureResultHandler"


class SecretResultHandlerSchema(BaseResultHandlerSchema):
    kind = "SecretResultHandler"

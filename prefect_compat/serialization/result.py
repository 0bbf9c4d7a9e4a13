"""`prefect.serialization.result`: a Result's type and location as a dict, never its value.

`StateResultSchema` is what a serialized state carries under `_result` and in
`cached_inputs`: `{"type": "LocalResult", "dir": ..., "location": ...,
"__version__": ...}`. Loading gives a Result of that class with its location and no
value; `state.load_result()` reads the value back from storage. The value itself is
never written, exactly as in Prefect: a state dict stays small and holds nothing
that is not JSON.

One table (`_kinds`) says, per result class name, which extra attributes are kept and
how the class is rebuilt. A Result subclass not in the table is dumped as
`CustomResult` and loads as a plain `Result` with the same location (Prefect's rule).
The single-class schemas (`LocalResultSchema`, ...) dump the same fields without the
`type` key.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Dict, Mapping, NamedTuple, Tuple

from prefect_compat.serialization._schema import (
    Schema,
    as_mapping,
    check_version,
    fail,
    format_version,
    join,
    load_json_dict,
    load_str,
    require,
)

__all__ = [
    "AzureResultSchema",
    "ConstantResultSchema",
    "CustomResultSchema",
    "GCSResultSchema",
    "LocalResultSchema",
    "NoResultSchema",
    "PrefectResultSchema",
    "ResultHandlerResultSchema",
    "ResultSchema",
    "S3ResultSchema",
    "SafeResultSchema",
    "SecretResultSchema",
    "StateResultSchema",
]


class _Kind(NamedTuple):
    """How one result class is written (`fields`) and rebuilt (`build`)."""

    fields: Tuple[str, ...]  # keys besides __version__/type, all required on load
    dump: Callable[[Any], Dict[str, Any]]
    build: Callable[[Mapping[str, Any], str], Any]


def _text(data: Mapping[str, Any], field: str, where: str) -> Any:
    return load_str(data[field], join(where, field))


def _location(result: Any) -> Dict[str, Any]:
    return {"location": result.location}


def _with(*attrs: str) -> Callable[[Any], Dict[str, Any]]:
    def dump(result: Any) -> Dict[str, Any]:
        out = _location(result)
        for attr in attrs:
            out[attr] = getattr(result, attr)
        return out

    return dump


def _class(cls_path: str) -> Callable[[], Any]:
    """Import `pkg.mod.Class` on first use and remember it."""
    found: list = []

    def get() -> Any:
        if not found:
            module, _, name = cls_path.rpartition(".")
            found.append(getattr(importlib.import_module(module), name))
        return found[0]

    return get


def _plain(cls_path: str) -> Callable[[Mapping[str, Any], str], Any]:
    """Builder for classes rebuilt from `location` alone."""
    cls = _class(cls_path)

    def build(data: Mapping[str, Any], where: str) -> Any:
        return cls()(location=_text(data, "location", where))

    return build


def _keyed(cls_path: str, attr: str) -> Callable[[Mapping[str, Any], str], Any]:
    """Builder for classes rebuilt from `location` plus one str attribute (bucket, ...)."""
    cls = _class(cls_path)

    def build(data: Mapping[str, Any], where: str) -> Any:
        return cls()(**{attr: _text(data, attr, where), "location": _text(data, "location", where)})

    return build


def _build_no_result(data: Mapping[str, Any], where: str) -> Any:
    from prefect_compat.engine.result.base import NoResult

    return NoResult


def _build_local(data: Mapping[str, Any], where: str) -> Any:
    from prefect_compat.engine.result.base import Result
    from prefect_compat.engine.results.local_result import LocalResult

    # The stored dir was resolved when the result was made, so the constructor's work
    # (home-dir rules, creating the directory) is skipped: loading must not touch disk
    # and runs once per journal entry.
    new = LocalResult.__new__(LocalResult)
    new.dir = _text(data, "dir", where)
    Result.__init__(new, location=_text(data, "location", where))
    return new


def _secret_type(result: Any) -> Dict[str, Any]:
    return {"location": result.location, "secret_type": type(result.secret_task).__name__}


def _build_secret(data: Mapping[str, Any], where: str) -> Any:
    from prefect_compat.engine.results.secret_result import SecretResult
    from prefect_compat.tasks.secrets import EnvVarSecret, PrefectSecret

    kind = _text(data, "secret_type", where)
    location = _text(data, "location", where)
    # the secret's name is the location; unknown secret classes read it as PrefectSecret
    task_cls = EnvVarSecret if kind == "EnvVarSecret" else PrefectSecret
    return SecretResult(task_cls(name=location), location=location)


def _handler_type(result: Any) -> Dict[str, Any]:
    return {
        "location": result.location,
        "result_handler_type": type(result.result_handler).__name__,
    }


def _build_handler_result(data: Mapping[str, Any], where: str) -> Any:
    from prefect_compat.engine.result.base import Result
    from prefect_compat.engine.result_handlers import ResultHandler
    from prefect_compat.engine.results.result_handler_result import ResultHandlerResult

    _text(data, "result_handler_type", where)
    # the handler itself is not stored (Prefect keeps only its type name), so the
    # loaded Result holds the base ResultHandler, as Prefect's does
    new = ResultHandlerResult.__new__(ResultHandlerResult)
    new.result_handler = ResultHandler()
    Result.__init__(new, location=_text(data, "location", where))
    return new


def _safe_dump(result: Any) -> Dict[str, Any]:
    from prefect_compat.serialization.result_handlers import ResultHandlerSchema

    return {
        "value": result.value,
        "result_handler": ResultHandlerSchema().dump(result.result_handler),
    }


def _build_safe(data: Mapping[str, Any], where: str) -> Any:
    from prefect_compat.engine.result.base import SafeResult
    from prefect_compat.serialization.result_handlers import load_handler

    handler = load_handler(data["result_handler"], join(where, "result_handler"))
    return SafeResult(data["value"], result_handler=handler)


_RESULTS = "prefect_compat.engine.results."
_TABLE: Dict[str, _Kind] = {
    "NoResultType": _Kind((), lambda r: {}, _build_no_result),
    "Result": _Kind(("location",), _location, _plain("prefect_compat.engine.result.base.Result")),
    "CustomResult": _Kind(
        ("location",), _location, _plain("prefect_compat.engine.result.base.Result")
    ),
    "LocalResult": _Kind(("location", "dir"), _with("dir"), _build_local),
    "PrefectResult": _Kind(
        ("location",), _location, _plain(_RESULTS + "prefect_result.PrefectResult")
    ),
    "ConstantResult": _Kind(
        ("location",), _location, _plain(_RESULTS + "constant_result.ConstantResult")
    ),
    "S3Result": _Kind(
        ("location", "bucket"), _with("bucket"), _keyed(_RESULTS + "s3_result.S3Result", "bucket")
    ),
    "GCSResult": _Kind(
        ("location", "bucket"), _with("bucket"), _keyed(_RESULTS + "gcs_result.GCSResult", "bucket")
    ),
    "AzureResult": _Kind(
        ("location", "container"),
        _with("container"),
        _keyed(_RESULTS + "azure_result.AzureResult", "container"),
    ),
    "SecretResult": _Kind(("location", "secret_type"), _secret_type, _build_secret),
    "ResultHandlerResult": _Kind(
        ("location", "result_handler_type"), _handler_type, _build_handler_result
    ),
    "SafeResult": _Kind(("value", "result_handler"), _safe_dump, _build_safe),
}


def _kind_name(result: Any, where: str) -> str:
    name = type(result).__name__
    if name in _TABLE:
        return name
    from prefect_compat.engine.result.base import Result

    if isinstance(result, Result):
        return "CustomResult"
    raise fail(
        where,
        f"{result!r:.80} ({type(result).__name__}) is not a Result, so it cannot be "
        "serialized. A state's result must be a Result instance (e.g. Result(value)).",
        action="dump",
    )


def dump_result(result: Any, where: str = "") -> Dict[str, Any]:
    """`{..fields.., "__version__": ..., "type": ...}` for any Result (the value is left out)."""
    name = _kind_name(result, where)
    out = _TABLE[name].dump(result)
    out["__version__"] = format_version()
    out["type"] = name
    return out


def load_result(data: Any, where: str = "") -> Any:
    """The Result a `dump_result` dict describes (location set, no value)."""
    data = as_mapping(data, where, "a result")
    check_version(data, where)
    name = require(data, "type", where)
    kind = _TABLE.get(name) if isinstance(name, str) else None
    if kind is None:
        known = ", ".join(sorted(_TABLE))
        raise fail(
            join(where, "type"), f"Unsupported value: {name!r} (known result types: {known})."
        )
    return _load_kind(kind, data, where)


def _load_kind(kind: _Kind, data: Mapping[str, Any], where: str) -> Any:
    for field in kind.fields:
        require(data, field, where)
    return kind.build(data, where)


def dump_results(results: Any, where: str) -> Dict[str, Any]:
    """`cached_inputs`: {name: Result} -> {name: result dict}."""
    if not results:
        return {}
    return {key: dump_result(value, join(where, str(key))) for key, value in results.items()}


def load_results(data: Any, where: str) -> Dict[str, Any]:
    data = load_json_dict(data, where, optional=True)
    if not data:
        return {}
    return {key: load_result(value, join(where, str(key))) for key, value in data.items()}


class StateResultSchema(Schema):
    """Any Result, tagged with its class name in `type` (what states carry)."""

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_result(obj, where)

    def _load(self, data: Any, where: str) -> Any:
        return load_result(data, where)


class _OneKindSchema(Schema):
    """One result class, without the `type` key (Prefect's per-class result schemas)."""

    kind = "Result"

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        out = _TABLE[self.kind].dump(obj)
        out["__version__"] = format_version()
        return out

    def _load(self, data: Any, where: str) -> Any:
        data = as_mapping(data, where, "a result")
        check_version(data, where, required=False)
        return _load_kind(_TABLE[self.kind], data, where)


class ResultSchema(_OneKindSchema):
    """The base Result: its location only."""

    kind = "Result"


class NoResultSchema(_OneKindSchema):
    kind = "NoResultType"


class CustomResultSchema(_OneKindSchema):
    kind = "CustomResult"


class LocalResultSchema(_OneKindSchema):
    kind = "LocalResult"


class PrefectResultSchema(_OneKindSchema):
    kind = "PrefectResult"


class ConstantResultSchema(_OneKindSchema):
    kind = "ConstantResult"


class S3ResultSchema(_OneKindSchema):
    kind = "S3Result"


class GCSResultSchema(_OneKindSchema):
    kind = "GCSResult"


class AzureResultSchema(_OneKindSchema):
    kind = "AzureResult"


class SecretResultSchema(_OneKindSchema):
    kind = "SecretResult"


class ResultHandlerResultSchema(_OneKindSchema):
    """0.13: a ResultHandlerResult (only the handler's class name is kept)."""

    kind = "ResultHandlerResult"


class SafeResultSchema(_OneKindSchema):
    """0.13: a SafeResult, i.e. a stored location plus the handler that reads it."""

    kind = "SafeResult"

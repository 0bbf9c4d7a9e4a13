"""`prefect.serialization.task`: a task's metadata as Prefect writes it in `flow.serialize()`.

Only settings are kept (name, slug, tags, retries, trigger and cache validator by
dotted path, input and output types); never the task's code. Loading gives a base
`Task` (or `Parameter`) carrying those settings, as Prefect's does.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, Mapping

from prefect_compat.serialization._objects import _dotted
from prefect_compat.serialization._schema import (
    Schema,
    as_mapping,
    check_version,
    fail,
    format_version,
    join,
    require,
)

__all__ = ["ParameterSchema", "TaskMethodsMixin", "TaskSchema"]


def _type_name(value: Any) -> str:
    """A type as Prefect writes it, `str(type)`: `typing.Any`, `<class 'int'>`,
    `typing.List[int]`; a postponed (string) annotation as written."""
    if isinstance(value, str):
        return "typing.Any" if value in ("Any", "typing.Any") else value
    return str(value)


def _seconds(value: Any) -> Any:
    """A timedelta as Prefect writes it: whole seconds, rounded down (`3`; 1.5 s -> 1)."""
    if isinstance(value, datetime.timedelta):
        return value // datetime.timedelta(seconds=1)
    return value


def _class_path(obj: Any) -> str:
    return _dotted(type(obj))


class TaskMethodsMixin:
    """Helpers the task schemas share (Prefect's mixin of the same name)."""

    def get_attribute(self, obj: Any, key: str, default: Any = None) -> Any:
        """`obj.key`, with Prefect's value conventions for the fields it converts."""
        value = getattr(obj, key, default)
        if key in ("retry_delay", "cache_for"):
            return _seconds(value)
        if key in ("trigger", "cache_validator"):
            return None if value is None else {"fn": _dotted(value), "kwargs": {}}
        return value

    def load_inputs(self, value: Mapping[str, Any]) -> Dict[str, Dict[str, Any]]:
        return {
            name: {"required": spec.get("required", True), "type": spec.get("type")}
            for name, spec in value.items()
        }

    def load_outputs(self, value: Any) -> Any:
        return value

    def create_object(self, data: Mapping[str, Any], slug: str | None = None) -> Any:
        from prefect_compat.core.task import Task

        task = Task(
            name=data.get("name"), slug=slug or data.get("slug"), tags=data.get("tags") or None
        )
        return task


def dump_task(task: Any, slug: str | None = None, where: str = "") -> Dict[str, Any]:
    mixin = TaskMethodsMixin()
    inputs = task.inputs() if callable(getattr(task, "inputs", None)) else {}
    out = {
        "name": task.name,
        "slug": slug or task.slug,
        "tags": sorted(task.tags or ()),
        "max_retries": task.max_retries,
        "retry_delay": mixin.get_attribute(task, "retry_delay"),
        "timeout": _seconds(task.timeout),
        "trigger": mixin.get_attribute(task, "trigger"),
        "cache_validator": mixin.get_attribute(task, "cache_validator"),
        "cache_for": mixin.get_attribute(task, "cache_for"),
        "cache_key": task.cache_key,
        "skip_on_upstream_skip": task.skip_on_upstream_skip,
        "auto_generated": bool(getattr(task, "auto_generated", False)),
        "inputs": {
            k: {"required": v["required"], "type": _type_name(v["type"])} for k, v in inputs.items()
        },
        "outputs": _type_name(task.outputs())
        if callable(getattr(task, "outputs", None))
        else "typing.Any",
        "type": _class_path(task),
        "__version__": format_version(),
    }
    return out


def _name(data: Mapping[str, Any], where: str) -> str:
    name = require(data, "name", where)
    if not isinstance(name, str):
        raise fail(join(where, "name"), f"Not a valid string: {name!r:.80}.")
    return name


def load_task(data: Any, where: str = "") -> Any:
    from prefect_compat.core.task import Task
    from prefect_compat.utilities.importtools import import_object

    data = as_mapping(data, where, "a task")
    check_version(data, where, required=False)
    if str(data.get("type", "")).endswith(".Parameter"):
        return load_parameter(data, where)
    kwargs: Dict[str, Any] = {"name": _name(data, where), "slug": data.get("slug")}
    kwargs["tags"] = data.get("tags") or None
    kwargs["max_retries"] = data.get("max_retries") or 0
    if data.get("retry_delay") is not None:
        kwargs["retry_delay"] = datetime.timedelta(seconds=data["retry_delay"])
    if kwargs["max_retries"] and "retry_delay" not in kwargs:
        kwargs["retry_delay"] = datetime.timedelta(0)
    for key in ("timeout", "cache_key"):
        if data.get(key) is not None:
            kwargs[key] = data[key]
    if data.get("cache_for") is not None:
        kwargs["cache_for"] = datetime.timedelta(seconds=data["cache_for"])
    # a cache validator only matters with cache_for (Task warns about it otherwise)
    for key in ("trigger", "cache_validator") if "cache_for" in kwargs else ("trigger",):
        spec = data.get(key)
        if spec:
            try:
                kwargs[key] = import_object(spec["fn"])
            except (ImportError, AttributeError, KeyError, TypeError) as exc:
                raise fail(join(where, key), f"Cannot import {spec!r}: {exc}") from exc
    if "skip_on_upstream_skip" in data:
        kwargs["skip_on_upstream_skip"] = data["skip_on_upstream_skip"]
    return Task(**kwargs)


def _json_default(param: Any) -> Any:
    """A Parameter's default, refused (as Prefect refuses it) when JSON cannot hold it."""
    try:
        json.dumps(param.default)
    except (TypeError, ValueError) as exc:
        raise fail(
            "default",
            f"Parameter {param.name!r}: when running with Prefect Cloud/Server, values for "
            f"`Parameter.default` must be JSON compatible. Unable to serialize "
            f"`{param.default!r:.80}`. Use a JSON value (str, number, bool, None, list, dict) "
            "and convert it inside the task.",
            action="dump",
        ) from exc
    return param.default


def dump_parameter(param: Any, slug: str | None = None) -> Dict[str, Any]:
    return {
        "name": param.name,
        "slug": slug or param.slug or param.name,
        "tags": sorted(param.tags or ()),
        "default": _json_default(param),
        "required": param.required,
        "outputs": "typing.Any",
        "type": _class_path(param),
        "__version__": format_version(),
    }


def load_parameter(data: Any, where: str = "") -> Any:
    from prefect_compat.core.parameter import Parameter

    data = as_mapping(data, where, "a parameter")
    return Parameter(
        _name(data, where),
        default=data.get("default"),
        required=bool(data.get("required", False)),
        tags=data.get("tags") or None,
    )


class TaskSchema(TaskMethodsMixin, Schema):
    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_task(obj, where=where)

    def _load(self, data: Any, where: str) -> Any:
        return load_task(data, where)


class ParameterSchema(TaskMethodsMixin, Schema):
    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_parameter(obj)

    def _load(self, data: Any, where: str) -> Any:
        return load_parameter(data, where)

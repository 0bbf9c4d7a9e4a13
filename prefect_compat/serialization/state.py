"""`prefect.serialization.state`: states as plain-JSON dicts, in Prefect's format.

`StateSchema().dump(Retrying("m", run_count=2))` gives what Prefect 1.4.1 gives:

    {"type": "Retrying", "__version__": "1.4.1", "message": "m", "context": {},
     "cached_inputs": {}, "_result": {"type": "NoResultType", "__version__": "1.4.1"},
     "start_time": "2021-01-01T00:00:00+00:00", "run_count": 2}

Every state carries `message`, `context`, `cached_inputs` and `_result` (its Result's
type and location, never the value); `_FIELDS` adds each class's own fields. As in
Prefect, a Mapped state keeps `n_map_states` but neither its result nor its children
(they load back as `map_states = [None] * n_map_states`), and the base `State` class
itself cannot be dumped. `__version__` names the Prefect release whose format is
written (`compat.prefect_version`: 1.4.1, or 0.13.19). The two formats differ in one
point: 0.13.19 writes a state's Result that has no location as `NoResultType`.

Loading is stricter than Prefect's: every field Prefect writes must be present, the
`type` must be a known state class and `__version__` a Prefect Core 0.x/1.x one;
otherwise `ValidationError` names the field and nothing is built. Unknown extra keys
are ignored, as in Prefect.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Tuple

from prefect_compat.engine import state as states
from prefect_compat.serialization._schema import (
    FORMAT_VERSIONS,
    Schema,
    as_mapping,
    check_version,
    dump_datetime,
    dump_json,
    dump_str,
    fail,
    format_version,
    join,
    load_datetime,
    load_int,
    load_json_dict,
    load_str,
    require,
)
from prefect_compat.serialization.result import dump_result, dump_results, load_result, load_results

__all__ = [
    "BaseStateSchema",
    "CachedSchema",
    "CancelledSchema",
    "CancellingSchema",
    "ClientFailedSchema",
    "FailedSchema",
    "FinishedSchema",
    "LoopedSchema",
    "MappedSchema",
    "MetaStateSchema",
    "PausedSchema",
    "PendingSchema",
    "QueuedSchema",
    "ResumeSchema",
    "RetryingSchema",
    "RunningSchema",
    "ScheduledSchema",
    "SkippedSchema",
    "StateSchema",
    "SubmittedSchema",
    "SuccessSchema",
    "TimedOutSchema",
    "TriggerFailedSchema",
    "ValidationFailedSchema",
    "get_safe",
]

Dump = Callable[[Any, str], Any]
Load = Callable[[Any, str], Any]


def _dump_state_or_none(value: Any, where: str) -> Any:
    return None if value is None else dump_state(value, where)


def _load_state_or_none(value: Any, where: str) -> Any:
    return None if value is None else load_state(value, where)


def _dump_int(value: Any, where: str) -> Any:
    return value


def _json_or_none(value: Any, where: str) -> Any:
    return load_json_dict(value, where, optional=True)


def _load_context(value: Any, where: str) -> Any:
    # a null context loads as an empty one, as in Prefect
    return load_json_dict(value, where, optional=True) or {}


# field -> (attribute on the state, dump, load, constructor keyword)
_CODECS: Dict[str, Tuple[str, Dump, Load, str]] = {
    "message": ("message", lambda v, w: dump_str(v), load_str, "message"),
    "context": (
        "context",
        lambda v, w: dump_json(dict(v) if v else {}, w),
        _load_context,
        "context",
    ),
    "cached_inputs": ("cached_inputs", dump_results, load_results, "cached_inputs"),
    "_result": ("_result", dump_result, load_result, "result"),
    "start_time": ("start_time", dump_datetime, load_datetime, "start_time"),
    "run_count": ("run_count", _dump_int, load_int, "run_count"),
    "loop_count": ("loop_count", _dump_int, load_int, "loop_count"),
    "n_map_states": ("n_map_states", _dump_int, load_int, "n_map_states"),
    "state": ("state", _dump_state_or_none, _load_state_or_none, "state"),
    "cached_parameters": ("cached_parameters", dump_json, _json_or_none, "cached_parameters"),
    "hashed_inputs": ("hashed_inputs", dump_json, _json_or_none, "hashed_inputs"),
    "cached_result_expiration": (
        "cached_result_expiration",
        dump_datetime,
        load_datetime,
        "cached_result_expiration",
    ),
}

_BASE = ("message", "context", "cached_inputs", "_result")
_SCHEDULED = (*_BASE, "start_time")
_META = (*_BASE, "state")

# Every dumpable state class and the fields Prefect writes for it.
_FIELDS: Dict[str, Tuple[str, ...]] = {
    "Pending": _BASE,
    "Scheduled": _SCHEDULED,
    "Paused": _SCHEDULED,
    "Resume": _SCHEDULED,
    "Retrying": (*_SCHEDULED, "run_count"),
    "Submitted": _META,
    "ClientFailed": _META,
    "Queued": (*_META, "start_time"),
    "Running": _BASE,
    "Cancelling": _BASE,
    "Finished": _BASE,
    "Looped": (*_BASE, "loop_count"),
    "Success": _BASE,
    "Cached": (*_BASE, "cached_parameters", "cached_result_expiration", "hashed_inputs"),
    "Mapped": ("message", "context", "cached_inputs", "n_map_states"),
    "Skipped": _BASE,
    "Cancelled": _BASE,
    "Failed": _BASE,
    "TimedOut": _BASE,
    "TriggerFailed": _BASE,
    "ValidationFailed": _BASE,
}


def _fields_of(cls: type, where: str, action: str) -> Tuple[str, ...]:
    if cls is states.State and action == "load":
        return _BASE  # BaseStateSchema().load(...) builds a plain State, as in Prefect
    fields = _FIELDS.get(cls.__name__)
    if fields is None or getattr(states, cls.__name__, None) is not cls:
        raise fail(
            join(where, "type") if action == "load" else where,
            f"Unsupported object type: {cls.__name__}. Only the concrete state classes of "
            "prefect.engine.state can be serialized (a subclass of your own cannot: "
            "Prefect drops it too).",
            action=action,
        )
    return fields


def _unstored_as_no_result(result: Any) -> Any:
    """0.13.19 writes a state's Result that has no location as `NoResultType`.

    (1.4.1 writes it as it is, `location: null`; cached inputs are written as they are
    by both.) A 0.13 `SafeResult` has no location and is kept.
    """
    from prefect_compat.engine.result.base import NoResult, Result

    if isinstance(result, Result) and getattr(result, "location", "") is None:
        return NoResult
    return result


def dump_state(state: Any, where: str = "", typed: bool = True) -> Dict[str, Any]:
    """The dict Prefect writes for `state` (see the module docstring)."""
    fields = _fields_of(type(state), where, "dump")
    attrs = state.__dict__
    version = format_version()
    out: Dict[str, Any] = {}
    for field in fields:
        attr, dump, _, _ = _CODECS[field]
        value = attrs[attr] if attr in attrs else getattr(state, attr)
        if field == "_result" and version == FORMAT_VERSIONS["0.13"]:
            value = _unstored_as_no_result(value)
        out[field] = dump(value, join(where, field))
    out["__version__"] = version
    if typed:
        out["type"] = type(state).__name__
    return out


def load_state(data: Any, where: str = "", cls: type | None = None) -> Any:
    """The state a `dump_state` dict describes; every field is checked before building."""
    data = as_mapping(data, where, "a state")
    check_version(data, where, required=cls is None)
    if cls is None:
        name = require(data, "type", where)
        cls = getattr(states, name, None) if isinstance(name, str) else None
        if name not in _FIELDS or not isinstance(cls, type):
            known = ", ".join(sorted(_FIELDS))
            raise fail(
                join(where, "type"), f"Unsupported value: {name!r} (known state types: {known})."
            )
    kwargs: Dict[str, Any] = {}
    for field in _fields_of(cls, where, "load"):
        _, _, load, keyword = _CODECS[field]
        value = load(require(data, field, where), join(where, field))
        if value is not None or field in ("message", "start_time", "state"):
            kwargs[keyword] = value
    return _build(cls, kwargs)


def _build(cls: type, kwargs: Dict[str, Any]) -> Any:
    # a null start_time means "now" (Scheduled, Retrying, Queued, ...) or "until resumed"
    # (Paused): the constructors decide, as Prefect's do
    if cls is states.Mapped:
        count = kwargs.pop("n_map_states", None) or 0
        kwargs["map_states"] = [None] * count  # children are not stored, as in Prefect
    result = kwargs.pop("result", None)
    state = cls(**kwargs)
    if result is not None:
        state._result = result  # as loaded: a 0.13 SafeResult must not be wrapped in a Result
    return state


def get_safe(obj: Any, context: Mapping[str, Any]) -> Any:
    """The attribute named by `context["attr"]` (Prefect's schema accessor helper)."""
    return getattr(obj, str(context.get("attr")), None)


class StateSchema(Schema):
    """Any concrete state class, tagged with its class name in `type`."""

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_state(obj, where)

    def _load(self, data: Any, where: str) -> Any:
        return load_state(data, where)


class BaseStateSchema(Schema):
    """One state class, without the `type` key (Prefect's per-class schemas)."""

    state_class: type = states.State

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_state(obj, where, typed=False)

    def _load(self, data: Any, where: str) -> Any:
        return load_state(data, where, cls=self.state_class)


def _per_class(name: str, base: type = BaseStateSchema) -> type:
    return type(
        f"{name}Schema", (base,), {"state_class": getattr(states, name), "__module__": __name__}
    )


class MetaStateSchema(BaseStateSchema):
    """Base of the schemas for states that wrap another state (Submitted, Queued, ...)."""


PendingSchema = _per_class("Pending")
ScheduledSchema = _per_class("Scheduled")
PausedSchema = _per_class("Paused")
ResumeSchema = _per_class("Resume")
RetryingSchema = _per_class("Retrying")
SubmittedSchema = _per_class("Submitted", MetaStateSchema)
ClientFailedSchema = _per_class("ClientFailed", MetaStateSchema)
QueuedSchema = _per_class("Queued", MetaStateSchema)
RunningSchema = _per_class("Running")
CancellingSchema = _per_class("Cancelling")
FinishedSchema = _per_class("Finished")
LoopedSchema = _per_class("Looped")
SuccessSchema = _per_class("Success")
CachedSchema = _per_class("Cached")
MappedSchema = _per_class("Mapped")
SkippedSchema = _per_class("Skipped")
CancelledSchema = _per_class("Cancelled")
FailedSchema = _per_class("Failed")
TimedOutSchema = _per_class("TimedOut")
TriggerFailedSchema = _per_class("TriggerFailed")
ValidationFailedSchema = _per_class("ValidationFailed")

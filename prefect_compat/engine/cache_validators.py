"""Cache validators: may an earlier Cached state stand in for running the task again?

A validator is a pure function `(state, inputs, parameters) -> bool`. `state` is a
candidate `Cached` state, `inputs` maps argument names to this run's inputs and
`parameters` holds this run's flow parameters. Every validator except `never_use`
first requires the cache not to have expired.

Inputs may be given as Results (what our engine passes) or as plain values (what
Prefect's engine passes to user-written validators); both compare by value.
States written by Prefect itself carry `hashed_inputs` (dask tokens) instead of
`cached_inputs`; comparing those needs dask, which is imported only then.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, Optional

from prefect_compat.engine.result.base import Result

__all__ = [
    "all_inputs",
    "all_parameters",
    "duration_only",
    "never_use",
    "partial_inputs_only",
    "partial_parameters_only",
]

Validator = Callable[[Any, Optional[Dict[str, Any]], Optional[Dict[str, Any]]], bool]


def _values(inputs: Dict[str, Any] | None) -> Dict[str, Any]:
    """Plain input values, whether `inputs` holds Results or the values themselves."""
    if not inputs:
        return {}
    return {key: v.value if isinstance(v, Result) else v for key, v in inputs.items()}


def _cached_values(state: Any) -> Dict[str, Any]:
    return {key: result.value for key, result in (state.cached_inputs or {}).items()}


def _tokens(values: Dict[str, Any]) -> Dict[str, str]:
    from prefect_compat._lazy import require

    dask_base = require("dask.base", extra="dask", feature="Comparing hashed_inputs of a cache")
    return {key: dask_base.tokenize(value) for key, value in values.items()}


def _names(validate_on: Iterable[str] | None) -> Iterable[str] | None:
    """`validate_on` as a reusable collection (a generator would be used up by one call)."""
    if validate_on is None or isinstance(validate_on, str):
        return validate_on
    return tuple(validate_on)


def _only(values: Dict[str, Any], keys: Iterable[str]) -> Dict[str, Any]:
    return {key: value for key, value in values.items() if key in keys}


def never_use(state: Any, inputs: Any, parameters: Any) -> bool:
    """Never reuse a cache."""
    return False


def duration_only(state: Any, inputs: Any, parameters: Any) -> bool:
    """Reuse until `cached_result_expiration` (None means forever)."""
    expiration: datetime | None = state.cached_result_expiration
    if expiration is None:
        return True
    if expiration.tzinfo is None:
        expiration = expiration.replace(tzinfo=timezone.utc)
    return expiration > datetime.now(timezone.utc)


def all_inputs(
    state: Any, inputs: Dict[str, Any] | None, parameters: Dict[str, Any] | None
) -> bool:
    """Reuse while unexpired and this run's inputs equal the cached ones, all of them.

    `inputs=None` (no input information at all) never matches, as in Prefect.
    """
    if not duration_only(state, inputs, parameters) or inputs is None:
        return False
    values = _values(inputs)
    hashed = getattr(state, "hashed_inputs", None)
    if hashed is not None:
        return bool(hashed == _tokens(values))
    return _cached_values(state) == values


def all_parameters(
    state: Any, inputs: Dict[str, Any] | None, parameters: Dict[str, Any] | None
) -> bool:
    """Reuse while unexpired and this run's flow parameters equal the cached ones."""
    if not duration_only(state, inputs, parameters):
        return False
    return bool(state.cached_parameters == parameters)


def partial_parameters_only(validate_on: Iterable[str] | None = None) -> Validator:
    """A validator comparing only the parameters named in `validate_on`.

    With `validate_on=None` only the expiration is checked.
    """
    names = _names(validate_on)

    def _partial_parameters_only(
        state: Any, inputs: Dict[str, Any] | None, parameters: Dict[str, Any] | None
    ) -> bool:
        if not duration_only(state, inputs, parameters):
            return False
        if names is None:
            return True
        current = _only(parameters or {}, names)
        return current == _only(state.cached_parameters or {}, names)

    return _partial_parameters_only


def partial_inputs_only(validate_on: Iterable[str] | None = None) -> Validator:
    """A validator comparing only the task inputs named in `validate_on`.

    With `validate_on=None` only the expiration is checked.
    """
    names = _names(validate_on)

    def _partial_inputs_only(
        state: Any, inputs: Dict[str, Any] | None, parameters: Dict[str, Any] | None
    ) -> bool:
        if not duration_only(state, inputs, parameters):
            return False
        if names is None:
            return True
        current = _only(_values(inputs), names)
        hashed = getattr(state, "hashed_inputs", None)
        if hashed is not None:
            return bool(_tokens(current) == _only(hashed, names))
        return current == _only(_cached_values(state), names)

    return _partial_inputs_only

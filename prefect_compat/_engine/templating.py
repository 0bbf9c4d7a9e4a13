"""The keyword arguments that location templates, targets and run names see.

In increasing priority: the flow's parameters by name, every context key, then the
task's own inputs by argument name (Prefect's order). Built only when a template is
actually rendered, never on the plain run path.

A checkpoint renders its location once per task run, so `template_keys` reads a
Result's template once per plan and `formatting_kwargs(run, keys)` then looks up
only the names it uses: `"{task_name}/{map_index}.pkl"` needs two lookups, not a
merge of every context frame. Callables and Result classes from outside this package
(which may read any keyword in their own `write`) get everything, as in Prefect.
"""

from __future__ import annotations

import string
from typing import Any

from prefect_compat import _context

__all__ = ["formatting_kwargs", "template_keys"]

_MISSING: Any = object()
_OURS = "prefect_compat."


def template_keys(result: Any) -> tuple[str, ...] | None:
    """The names `result`'s location template uses, or None when it may use any."""
    if not type(result).__module__.startswith(_OURS) or result._formatter is not None:
        return None
    location = result.location
    if location is None:
        return ()  # the default location: no template at all
    names = []
    try:
        for _, field, spec, _ in string.Formatter().parse(location):
            if field is None:
                continue
            if not field or field[0].isdigit() or (spec and "{" in spec):
                return None  # positional or nested fields: let str.format decide
            names.append(field.split(".", 1)[0].split("[", 1)[0])
    except ValueError:
        return None  # a malformed template: str.format will say what is wrong
    return tuple(dict.fromkeys(names))


def formatting_kwargs(run: Any, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Parameters < context < raw inputs, as one dict (Prefect drops a `self` input).

    With `keys`, only those names (a name found nowhere is left out, so rendering
    raises KeyError for it as it would with everything).
    """
    if keys is not None:
        return _selected(run, keys)
    visible = _context.flatten()
    kwargs = dict(visible.get("parameters") or {})
    kwargs.update(visible)
    kwargs.update(run.raw_inputs)
    kwargs.pop("self", None)
    return kwargs


def _selected(run: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    inputs = run.raw_inputs
    parameters: Any = None
    for key in keys:
        if key in inputs and key != "self":
            found[key] = inputs[key]
            continue
        value = _context.lookup(key, _MISSING)
        if value is _MISSING:
            if parameters is None:
                parameters = _context.get("parameters") or {}
            value = parameters.get(key, _MISSING)
        if value is not _MISSING:
            found[key] = value
    return found

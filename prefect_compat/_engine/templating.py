"""The keyword arguments that location templates, targets and run names see.

In increasing priority: the flow's parameters by name, every context key, then the
task's own inputs by argument name (Prefect's order). Built only when a template is
actually rendered, never on the plain run path.
"""

from __future__ import annotations

from typing import Any

from prefect_compat import _context

__all__ = ["formatting_kwargs"]


def formatting_kwargs(run: Any) -> dict[str, Any]:
    """Parameters < context < raw inputs, as one dict (Prefect drops a `self` input)."""
    visible = _context.flatten()
    kwargs = dict(visible.get("parameters") or {})
    kwargs.update(visible)
    kwargs.update(run.raw_inputs)
    kwargs.pop("self", None)
    return kwargs

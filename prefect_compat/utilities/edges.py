"""Edge annotations: `mapped(x)`, `unmapped(x)`, `flatten(x)` around task arguments.

An annotation only carries flags for the edge the argument will become; binding a
task (`Task.bind`, `Flow.set_dependencies`) strips it with `strip_annotations`.
Annotations nest (`unmapped(flatten(x))`): the flags of both are kept and, as in
Prefect, the inner one wins where both set the same flag (`mapped(unmapped(x))` is
unmapped).
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["EdgeAnnotation", "flatten", "mapped", "strip_annotations", "unmapped"]


class EdgeAnnotation:
    """Base class: a value plus the edge flags (`mapped`, `flattened`) to give it."""

    flags: ClassVar[dict[str, bool]] = {}
    value: Any

    def __init__(self, value: Any) -> None:
        inner: dict[str, bool] = {}
        if isinstance(value, EdgeAnnotation):
            inner = value.annotations
            value = value.value
        self.annotations: dict[str, bool] = {**self.flags, **inner}
        self.value = value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"


class mapped(EdgeAnnotation):  # noqa: N801 - Prefect's public name
    """Map over this argument in a normal (non-`.map`) call."""

    flags: ClassVar[dict[str, bool]] = {"mapped": True}


class unmapped(EdgeAnnotation):  # noqa: N801 - Prefect's public name
    """Pass this argument whole to every child of a mapped task."""

    flags: ClassVar[dict[str, bool]] = {"mapped": False}


class flatten(EdgeAnnotation):  # noqa: N801 - Prefect's public name
    """Flatten a list-of-lists upstream result by one level before using it."""

    flags: ClassVar[dict[str, bool]] = {"flattened": True}


def strip_annotations(value: Any, mapped: bool = False) -> tuple[Any, bool, bool]:
    """`(value, mapped, flattened)` for a possibly annotated argument.

    `mapped` is the default for arguments without a mapped/unmapped annotation (True
    inside `.map(...)`).
    """
    if not isinstance(value, EdgeAnnotation):
        return value, mapped, False
    flags = value.annotations
    return value.value, flags.get("mapped", mapped), flags.get("flattened", False)

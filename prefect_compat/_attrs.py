"""Submodules as lazy package attributes, the way `import prefect` makes them reachable.

Real Prefect imports most of its subpackages in `prefect/__init__.py`, so after a plain
`import prefect`, `prefect.utilities.configuration` or `prefect.engine.cache_validators`
are attributes. Importing them all here would cost the import time we keep low, so
each package's module `__getattr__` imports a listed submodule on first access
instead (PEP 562, as `concurrent.futures` does for its executors).

A listed submodule that is not installed (a module another part of the project
has not shipped yet) reads as a missing attribute: `hasattr()` and
`getattr(..., default)` work, and the AttributeError says which module is absent.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Iterable, List

__all__ = ["lazy_submodules"]


def lazy_submodules(
    package: str, names: Iterable[str], fallback: Callable[[str], Any] | None = None
) -> tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """`(__getattr__, __dir__)` for `package` that import `package.<name>` on first access.

    `fallback(name)` handles any other name (a package's own lazy classes); without
    one, other names raise the usual AttributeError.
    """
    submodules = frozenset(names)

    def __getattr__(name: str) -> Any:
        if name in submodules:
            full = f"{package}.{name}"
            try:
                return importlib.import_module(full)
            except ModuleNotFoundError as exc:
                if exc.name != full:
                    raise  # a dependency inside the module is missing: keep that error
                raise AttributeError(
                    f"module {package!r} has no attribute {name!r}: {full} is not available "
                    "in this installation of prefect-compat."
                ) from None
        if fallback is not None:
            return fallback(name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> List[str]:
        module = importlib.import_module(package)
        return sorted(set(vars(module)) | submodules)

    return __getattr__, __dir__

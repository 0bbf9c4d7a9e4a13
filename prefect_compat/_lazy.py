"""Import optional dependencies on first use, with the pip command in the error."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]


def require(module: str, extra: str, feature: str = "") -> ModuleType:
    """Import `module`, or raise ImportError telling which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        what = feature or "This feature"
        package = module.split(".", maxsplit=1)[0]
        raise ImportError(
            f"{what} needs the '{package}' package, which is not installed: "
            f"pip install 'prefect-compat[{extra}]'"
        ) from exc

"""Import optional dependencies on first use, with the pip command in the error."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]


def _distribution(module: str) -> str:
    """The pip name that provides `module` (google.cloud.storage -> google-cloud-storage)."""
    if module.startswith("google.cloud."):
        return "google-cloud-" + module.split(".")[2]
    return module.split(".", maxsplit=1)[0]


def require(module: str, extra: str, feature: str = "") -> ModuleType:
    """Import `module`, or raise ImportError telling which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        what = feature or "This feature"
        package = _distribution(module)
        raise ImportError(
            f"{what} needs the '{package}' package, which is not installed: "
            f"pip install 'prefect-compat[{extra}]'"
        ) from exc

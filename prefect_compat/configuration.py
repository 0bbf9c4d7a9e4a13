"""The public configuration object: `prefect_compat.config` (also `prefect.config`).

Loading rules live in `_config.py`; this module only wraps the loaded tree in a
`Config` (a `box.Box`, so `config.flows.checkpointing` and `config["flows"]` both
work and a missing key raises `BoxKeyError`, which is a KeyError *and* an
AttributeError, as in Prefect).

The configuration is loaded once, when the package is imported. The running context
holds a reference to this very object (not a copy), so assigning
`config.flows.checkpointing = True` at run time takes effect; see
docs/compat-notes.md for how that differs from Prefect.
"""

from __future__ import annotations

import os
from typing import Any

from box import Box

from prefect_compat import _config
from prefect_compat._config import ConfigError

__all__ = ["Config", "ConfigError", "config", "load_configuration", "load_default_config"]


class Config(Box):
    """Nested configuration with attribute access; sections are Configs too."""

    def copy(self) -> Config:
        """A new Config whose nested sections are copies as well (values are shared)."""
        return Config(self.to_dict())


_RESERVED = frozenset(name for name in dir(Config) if not name.startswith("_"))


def load_configuration(
    path: str = _config.DEFAULTS_PATH,
    user_config_path: str | None = None,
    backend_config_path: str | None = None,
    env: dict[str, str] | None = None,
) -> Config:
    """Load defaults, merge the user and backend files, apply `PREFECT__*` env vars."""
    tree: Any = _config.load_configuration(
        path, user_config_path, backend_config_path, env=env, reserved=_RESERVED
    )
    return Config(tree)


def load_default_config() -> Config:
    """The configuration this process runs with (files from the usual places + env)."""
    user, backend = _config.default_paths(os.environ)
    return load_configuration(_config.DEFAULTS_PATH, user, backend)


config: Config = load_default_config()

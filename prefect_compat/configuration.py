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
import shutil
from collections.abc import Iterable, Mapping
from typing import Any

from box import Box

from prefect_compat import _config
from prefect_compat._config import ConfigError

__all__ = [
    "BACKEND_CONFIG",
    "DEFAULT_CONFIG",
    "ENV_VAR_PREFIX",
    "USER_CONFIG",
    "Config",
    "ConfigError",
    "config",
    "create_user_config",
    "interpolate_config",
    "interpolate_env_vars",
    "load_configuration",
    "load_default_config",
    "load_toml",
    "process_task_defaults",
    "string_to_type",
    "to_environment_variables",
    "validate_config",
]

DEFAULT_CONFIG = _config.DEFAULTS_PATH
ENV_VAR_PREFIX = _config.ENV_PREFIX
USER_CONFIG, BACKEND_CONFIG = _config.default_paths()


class Config(Box):
    """Nested configuration with attribute access; sections are Configs too."""

    def copy(self) -> Config:
        """A new Config whose nested sections are copies as well (values are shared)."""
        return Config(self.to_dict())


# every attribute of Config, dunders included: a key named like one would be shadowed
_RESERVED = frozenset(dir(Config))


def load_configuration(
    path: str = _config.DEFAULTS_PATH,
    user_config_path: str | None = None,
    backend_config_path: str | None = None,
    env_var_prefix: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> Config:
    """Load `path`, merge the user and backend files over it, then apply env vars.

    As in Prefect, environment variables `<env_var_prefix>__A__B` set keys only when
    `env_var_prefix` is given (`load_default_config` passes "PREFECT"). `env`, a
    mapping to read instead of `os.environ`, implies the "PREFECT" prefix when none
    is given.
    """
    if env_var_prefix is None and env is None:
        env = {}
    tree: Any = _config.load_configuration(
        path,
        user_config_path,
        backend_config_path,
        env=env,
        reserved=_RESERVED,
        prefix=env_var_prefix or ENV_VAR_PREFIX,
    )
    return Config(tree)


def load_toml(path: str) -> dict[str, Any]:
    """The TOML file at `path` as plain dicts (ConfigError, a ValueError, on bad syntax)."""
    return _config.load_toml(path)


def string_to_type(val: str) -> Any:
    """Cast a config string: "true"/"false" (any case) -> bool, Python literals -> values."""
    return _config.cast_string(val)


def interpolate_env_vars(env_var: Any) -> Any:
    """Expand `$VAR`, `${VAR}` and `~` in a string (repeatedly); other values unchanged.

    Unknown variables stay as written; the result is not cast (see `string_to_type`).
    """
    if not isinstance(env_var, str):
        return env_var
    return _config.expand_string(env_var)


def interpolate_config(config: Mapping[str, Any], env_var_prefix: str | None = None) -> Config:
    """A new Config: `PREFIX__A__B` env vars applied, strings expanded and cast, `${a.b}` resolved.

    `config` itself is not changed. Without `env_var_prefix` no environment variable
    is read (other than `$VAR` references inside values).
    """
    tree = _config.copy_tree(config)
    if env_var_prefix:
        for key_path, raw in _config.env_overrides(os.environ, _RESERVED, prefix=env_var_prefix):
            _config.set_path(tree, key_path, raw)
    _config.post_process(tree)
    _config.interpolate(tree)
    return Config(tree)


def validate_config(config: Mapping[str, Any]) -> None:
    """Refuse keys that shadow Config attributes (`keys`, `copy`, ...) with a ValueError.

    As in Prefect, the keys of `config` itself are checked, and those of nested
    sections that are Config (Box) objects; a plain nested dict is not looked into.
    """
    _config.validate_keys(config, _RESERVED, section_type=Box)


def process_task_defaults(config: Config) -> Config:
    """Turn `tasks.defaults` sentinels into values (False -> 0/None, seconds -> timedelta).

    Changes `config` in place and returns it.
    """
    _config.normalise_task_defaults(config)
    return config


def to_environment_variables(
    config: Mapping[str, Any], include: Iterable[str] | None = None, prefix: str = ENV_VAR_PREFIX
) -> dict[str, str]:
    """`{"PREFECT__A__B": "value"}` for every leaf `a.b` (or only the dotted keys in `include`)."""
    from prefect_compat.utilities.collections import dict_to_flatdict

    wanted = None if include is None else set(include)
    out = {}
    for key, value in dict_to_flatdict(config).items():
        if wanted is not None and ".".join(key) not in wanted:
            continue
        out["__".join([prefix, *(part.upper() for part in key)])] = str(value)
    return out


def create_user_config(dest_path: str, source_path: str = DEFAULT_CONFIG) -> None:
    """Copy `source_path` (the shipped defaults) to `dest_path` to start a user config file.

    Refuses to overwrite: ValueError "File already exists: <path>".
    """
    dest = _config.expand_string(dest_path)
    if os.path.isfile(dest):
        raise ValueError(f"File already exists: {dest_path}")
    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
    shutil.copyfile(source_path, dest)


def load_default_config() -> Config:
    """The configuration this process runs with (files from the usual places + env)."""
    user, backend = _config.default_paths(os.environ)
    return load_configuration(_config.DEFAULTS_PATH, user, backend, ENV_VAR_PREFIX)


def _prefect_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith(ENV_VAR_PREFIX + "__")}


config: Config = load_default_config()
_LOADED_FROM = _prefect_environment()  # the PREFECT__* variables `config` was built from


def refresh_from_environment() -> bool:
    """Reload `config`, in place, if the PREFECT__* environment variables changed since
    it was loaded; True if it did.

    Prefect reads them when `prefect` is imported. A script run by `prefect-compat
    run` (or under the import alias) may set some in `os.environ` before its `import
    prefect`, after prefect-compat itself was imported; the alias calls this then.
    """
    global _LOADED_FROM
    current = _prefect_environment()
    if current == _LOADED_FROM:
        return False
    _config.restore_tree(config, load_default_config().to_dict())
    _LOADED_FROM = current
    return True

"""Prefect 2.x settings (`prefect.settings`): `PREFECT_*` objects with `.value()`.

Sources, highest first: the environment, the active profile in `$PREFECT_HOME/profiles.toml`
(`PREFECT_PROFILE` picks it, else the file's `active`, else "default"), the default. They
are read once, when this module is imported, as Prefect 2.6.9 does: changing `os.environ`
afterwards has no effect; `temporary_settings(updates={...})` does, for the current context
(a ContextVar, so concurrent runs do not see each other's overrides).

Values are parsed and checked when read: a boolean accepts true/false, 1/0, yes/no, on/off,
t/f, y/n (any case); a bad value raises ValueError naming the setting and where it came
from. Path settings may refer to others as `${PREFECT_HOME}`; `PREFECT_HOME` expands `~`.

These are 2.x settings only. The 1.x configuration (`prefect_compat.config`,
`PREFECT__SECTION__KEY`, `~/.prefect/config.toml`) is separate and never reads them.
"""

from __future__ import annotations

import os
import re
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import (
    Any,
    Dict,
    Generic,
    Iterable,
    Iterator,
    Mapping,
    Tuple,
    TypeVar,
    Union,
)

from prefect_compat._toml_store import read_toml

__all__ = [
    "PREFECT_ASYNC_FETCH_STATE_RESULT",
    "PREFECT_HOME",
    "PREFECT_LOCAL_STORAGE_PATH",
    "PREFECT_PROFILES_PATH",
    "PREFECT_RESULTS_DEFAULT_SERIALIZER",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT",
    "SETTING_VARIABLES",
    "Setting",
    "Settings",
    "get_current_settings",
    "temporary_settings",
]

T = TypeVar("T")

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_TEMPLATE = re.compile(r"\$\{(PREFECT_[A-Z0-9_]+)\}")


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("value could not be parsed to a boolean")


class Setting(Generic[T]):
    """One setting: its name, type and default; `value()` reads the current settings."""

    def __init__(self, name: str, type: type, default: Any, expand_user: bool = False) -> None:  # noqa: A002
        self.name = name
        self.type = type
        self.default = default
        self.expand_user = expand_user

    def value(self) -> T:
        return get_current_settings().value_of(self)

    def value_from(self, settings: Settings) -> T:
        return settings.value_of(self)

    def parse(self, raw: Any) -> Any:
        """`raw` checked and converted to the setting's type (ValueError if it cannot be)."""
        if self.type is bool:
            return _parse_bool(raw)
        if self.type is Path:
            if not isinstance(raw, (str, os.PathLike)):
                raise ValueError(f"expected a path, got {type(raw).__name__}")
            return os.fspath(raw)  # kept as text until read: it may hold ${PREFECT_HOME}
        return str(raw)

    def __repr__(self) -> str:
        return f"<{self.name}: {self.type.__name__}>"

    __str__ = __repr__


PREFECT_HOME: Setting[Path] = Setting("PREFECT_HOME", Path, "~/.prefect", expand_user=True)
PREFECT_PROFILES_PATH: Setting[Path] = Setting(
    "PREFECT_PROFILES_PATH", Path, "${PREFECT_HOME}/profiles.toml"
)
PREFECT_LOCAL_STORAGE_PATH: Setting[Path] = Setting(
    "PREFECT_LOCAL_STORAGE_PATH", Path, "${PREFECT_HOME}/storage"
)
PREFECT_RESULTS_PERSIST_BY_DEFAULT: Setting[bool] = Setting(
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT", bool, False
)
PREFECT_RESULTS_DEFAULT_SERIALIZER: Setting[str] = Setting(
    "PREFECT_RESULTS_DEFAULT_SERIALIZER", str, "pickle"
)
PREFECT_ASYNC_FETCH_STATE_RESULT: Setting[bool] = Setting(
    "PREFECT_ASYNC_FETCH_STATE_RESULT", bool, False
)

SETTING_VARIABLES: Dict[str, Setting[Any]] = {
    s.name: s
    for s in (
        PREFECT_ASYNC_FETCH_STATE_RESULT,
        PREFECT_HOME,
        PREFECT_LOCAL_STORAGE_PATH,
        PREFECT_PROFILES_PATH,
        PREFECT_RESULTS_DEFAULT_SERIALIZER,
        PREFECT_RESULTS_PERSIST_BY_DEFAULT,
    )
}


class Settings:
    """An immutable snapshot: raw values with their sources ("env", "profile", "defaults")."""

    def __init__(
        self,
        values: Mapping[str, Any],
        sources: Mapping[str, str],
        defaults: Mapping[str, Any] | None = None,
        profile: str = "default",
    ) -> None:
        self._values = dict(values)
        self._sources = dict(sources)
        self._defaults = dict(defaults or {})
        self.profile = profile
        self._cache: Dict[str, Any] = {}

    def raw(self, setting: Setting[Any]) -> Any:
        if setting.name in self._values:
            return self._values[setting.name]
        return self._defaults.get(setting.name, setting.default)

    def source_of(self, setting: Setting[Any]) -> str:
        return self._sources.get(setting.name, "defaults")

    def value_of(self, setting: Setting[T]) -> T:
        try:
            return self._cache[setting.name]  # type: ignore[no-any-return]
        except KeyError:
            pass
        raw = self.raw(setting)
        if setting.type is Path:
            text = _TEMPLATE.sub(lambda m: self._template_value(m.group(1)), os.fspath(raw))
            value: Any = Path(os.path.expanduser(text) if setting.expand_user else text)
        else:
            value = raw
        self._cache[setting.name] = value
        return value  # type: ignore[no-any-return]

    def _template_value(self, name: str) -> str:
        setting = SETTING_VARIABLES.get(name)
        return str(self.value_of(setting)) if setting is not None else "${" + name + "}"

    def with_changes(
        self,
        updates: Mapping[Setting[Any], Any] | None = None,
        set_defaults: Mapping[Setting[Any], Any] | None = None,
        restore_defaults: Iterable[Setting[Any]] = (),
    ) -> Settings:
        """A new snapshot with values overridden, defaults changed or values dropped."""
        values, sources, defaults = dict(self._values), dict(self._sources), dict(self._defaults)
        for setting in restore_defaults:
            values.pop(setting.name, None)
            sources.pop(setting.name, None)
        for setting, raw in (set_defaults or {}).items():
            defaults[setting.name] = _checked(setting, raw, "set_defaults")
        for setting, raw in (updates or {}).items():
            values[setting.name] = _checked(setting, raw, "temporary_settings")
            sources[setting.name] = "temporary"
        return Settings(values, sources, defaults, self.profile)


def _checked(setting: Setting[Any], raw: Any, origin: str) -> Any:
    if not isinstance(setting, Setting):
        raise TypeError(
            f"{origin} takes Setting objects as keys (e.g. PREFECT_RESULTS_PERSIST_BY_DEFAULT "
            f"from prefect.settings); got {setting!r}."
        )
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ValueError(
            f"Invalid value {raw!r} for setting {setting.name} (from {origin}): {exc}."
        ) from exc


def profiles_path(env: Mapping[str, str]) -> Path:
    """Where the profiles live, from the environment alone (the profile cannot move itself)."""
    base = Settings(
        {k: v for k, v in env.items() if k in ("PREFECT_HOME", "PREFECT_PROFILES_PATH")}, {}
    )
    return base.value_of(PREFECT_PROFILES_PATH)


def active_profile(
    env: Mapping[str, str], document: Mapping[str, Any]
) -> Tuple[str, Dict[str, Any]]:
    """The active profile's name and table (`PREFECT_PROFILE`, else `active`, else default)."""
    profiles = document.get("profiles") or {}
    wanted = env.get("PREFECT_PROFILE")
    if wanted and wanted not in profiles:
        warnings.warn(
            f"Active profile {wanted!r} set by environment variable not found. The default "
            "profile will be used instead.",
            UserWarning,
            stacklevel=3,
        )
        wanted = None
    name = wanted or str(document.get("active") or "default")
    return name, dict(profiles.get(name) or {})


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the environment and the active profile into a snapshot (raises on bad values)."""
    env = dict(os.environ if env is None else env)
    name, table = active_profile(env, read_toml(str(profiles_path(env))))
    values: Dict[str, Any] = {}
    sources: Dict[str, str] = {}
    for source, mapping in (("profile", table), ("env", env)):
        for key, raw in mapping.items():
            setting = SETTING_VARIABLES.get(key)
            if setting is None:
                continue
            where = "the environment" if source == "env" else f"profile {name!r}"
            try:
                values[key] = setting.parse(raw)
            except ValueError as exc:
                raise ValueError(
                    f"Invalid value {raw!r} for setting {key} (from {where}): {exc}. Fix or "
                    f"unset it (`prefect-compat config unset {key}` for a profile value)."
                ) from exc
            sources[key] = source
    return Settings(values, sources, profile=name)


def _load_or_error(env: Mapping[str, str] | None = None) -> Union[Settings, ValueError]:
    try:
        return load_settings(env)
    except ValueError as exc:
        return exc


# Read at import. A bad value is raised when a setting is first read, not at import, so
# 1.x code and `prefect-compat config unset` keep working while a 2.x value is broken.
_BASE = _load_or_error()
_CURRENT: ContextVar[Settings | None] = ContextVar("prefect_compat_settings", default=None)


def get_current_settings() -> Settings:
    current = _CURRENT.get()
    if current is not None:
        return current
    if isinstance(_BASE, ValueError):
        raise _BASE
    return _BASE


def reload_settings(env: Mapping[str, str] | None = None) -> None:
    """Re-read the environment and profile as at import (tests and the CLI use this).

    Like the import, this never raises for a bad value: reading a setting does.
    """
    global _BASE
    _BASE = _load_or_error(env)


@contextmanager
def temporary_settings(
    updates: Mapping[Setting[Any], Any] | None = None,
    set_defaults: Mapping[Setting[Any], Any] | None = None,
    restore_defaults: Iterable[Setting[Any]] | None = None,
) -> Iterator[Settings]:
    """Override settings inside the block (this context only); restored on exit."""
    new = get_current_settings().with_changes(updates, set_defaults, restore_defaults or ())
    token = _CURRENT.set(new)
    try:
        yield new
    finally:
        _CURRENT.reset(token)

"""Load the configuration once: packaged defaults < user file < backend file < env vars.

This module builds plain nested dicts; `configuration.Config` wraps the result for
attribute access. It must stay cheap at import (it runs when `prefect_compat` is
imported) and it must never import the rest of the package.

Rules kept from Prefect so that existing user files and `PREFECT__*` variables mean
the same thing here:

* every string value, from files and env alike, has `$VAR`/`~` expanded and is then
  cast: "true"/"false" (any case) become booleans, anything `ast.literal_eval` accepts
  becomes that literal, everything else stays a string;
* `${dotted.key}` refers to another key; a whole-value reference keeps the type of
  the referenced value, a partial one splices in `str(value)`, an unknown one (or one
  naming a section rather than a value) becomes the empty string;
* env vars may create keys that no file mentions.
"""

from __future__ import annotations

import ast
import datetime
import os
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

ENV_PREFIX = "PREFECT"
DEFAULTS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.toml")
DEFAULT_USER_PATH = "~/.prefect/config.toml"
DEFAULT_BACKEND_PATH = "~/.prefect/backend.toml"

_INTERPOLATION = re.compile(r"\$\{([^${}]+)\}")
_MAX_PASSES = 10


class ConfigError(ValueError):
    """A configuration file or key that cannot be used; the message names the fix."""


def load_toml(path: str) -> dict[str, Any]:
    """Parse one TOML file, turning syntax errors into a `ConfigError` that names the line."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise
    except OSError as exc:  # unreadable (permissions, a directory): say which file
        raise ConfigError(
            f"Config file {path} cannot be read: {exc.strerror or exc}. Make it readable, or "
            f"point {ENV_PREFIX}__USER_CONFIG_PATH at another file."
        ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"Config file {path} is not valid UTF-8 text ({exc}). Save it as UTF-8 TOML."
        ) from exc
    if sys.version_info >= (3, 11):
        import tomllib

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"Config file {path} is not valid TOML: {exc}. Fix the syntax at that line "
                f"or point {ENV_PREFIX}__USER_CONFIG_PATH at another file."
            ) from exc
    import toml

    try:
        return dict(toml.loads(text))
    except toml.TomlDecodeError as exc:
        raise ConfigError(
            f"Config file {path} is not valid TOML: {exc.msg} (line {exc.lineno}, column "
            f"{exc.colno}). Fix the syntax at that line or point {ENV_PREFIX}__USER_CONFIG_PATH "
            "at another file."
        ) from exc


def deep_merge(base: MutableMapping[str, Any], extra: Mapping[str, Any]) -> None:
    """Merge `extra` into `base` in place; nested mappings merge, other values replace."""
    for key, value in extra.items():
        current = base.get(key)
        if isinstance(value, Mapping) and isinstance(current, MutableMapping):
            deep_merge(current, value)
        elif isinstance(value, Mapping):
            base[key] = _plain(value)
        else:
            base[key] = value


def restore_tree(node: MutableMapping[str, Any], snapshot: Mapping[str, Any]) -> None:
    """Make `node` hold exactly `snapshot`, in place: sections that exist in both are
    updated rather than replaced, so references to them stay live."""
    for key in [k for k in node if k not in snapshot]:
        del node[key]
    for key, value in snapshot.items():
        current = node.get(key)
        if isinstance(value, Mapping) and isinstance(current, MutableMapping):
            restore_tree(current, value)
        else:
            node[key] = value


def _plain(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) if isinstance(v, Mapping) else v for k, v in mapping.items()}


def copy_tree(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a nested mapping as plain dicts (leaf values are shared)."""
    return _plain(mapping)


def cast_string(value: str) -> Any:
    """Cast one config string the way Prefect does ("true" -> True, "[1]" -> [1], ...)."""
    upper = value.upper()
    if upper == "TRUE":
        return True
    if upper == "FALSE":
        return False
    try:  # leading blanks stripped as Python 3.10+'s literal_eval does, on 3.9 too
        return ast.literal_eval(value.lstrip(" \t"))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return value


def expand_string(value: str) -> str:
    """Expand `$VAR`, `${VAR}` and a leading `~`, repeating until the value is stable."""
    for _ in range(_MAX_PASSES):
        expanded = os.path.expanduser(os.path.expandvars(value))
        if expanded == value:
            break
        value = expanded
    return value


def env_overrides(
    environ: Mapping[str, str], reserved: Iterable[str] = (), prefix: str = ENV_PREFIX
) -> list[tuple[list[str], str]]:
    """The (key path, raw value) pairs that `PREFIX__A__B=value` variables set.

    A variable that cannot be used is skipped with a warning instead of failing the
    import: a stray variable in a shell must not break every script.
    """
    reserved = set(reserved)
    marker = prefix + "__"
    found = []
    for name, value in environ.items():
        if not name.startswith(marker):
            continue
        parts = name[len(marker) :].split("__")
        if not all(parts):
            warnings.warn(
                f"Ignoring environment variable {name}: empty key segment (use single "
                "names between double underscores, e.g. PREFECT__FLOWS__CHECKPOINTING).",
                stacklevel=3,
            )
            continue
        lowered = [p.lower() for p in parts]
        if reserved.intersection(lowered):
            warnings.warn(
                f"Ignoring environment variable {name}: a key in it clashes with a method "
                "of Config (e.g. 'keys', 'copy'). Rename the key.",
                stacklevel=3,
            )
            continue
        # secret names keep their case: PREFECT__CONTEXT__SECRETS__MY_KEY -> MY_KEY
        if len(parts) > 2 and lowered[:2] == ["context", "secrets"]:
            lowered[2:] = parts[2:]
        found.append((lowered, value))
    # environment order, as Prefect: `A=x` after `A__B=y` replaces the section `a`
    return found


def set_path(tree: MutableMapping[str, Any], path: list[str], value: Any) -> None:
    """Set `tree[a][b][c] = value`, creating sections (and replacing non-sections)."""
    node = tree
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, MutableMapping):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


def get_path(tree: Mapping[str, Any], dotted: str) -> Any:
    """Look up `a.b.c`; raises KeyError when any part is missing."""
    node: Any = tree
    for key in dotted.split("."):
        if not isinstance(node, Mapping):
            raise KeyError(dotted)
        node = node[key]
    return node


def _walk(tree: MutableMapping[str, Any], fn: Any) -> None:
    for key, value in list(tree.items()):
        if isinstance(value, MutableMapping):
            _walk(value, fn)
        else:
            tree[key] = fn(value)


def _post_process(value: Any) -> Any:
    if isinstance(value, str):
        return cast_string(expand_string(value))
    return value


def post_process(tree: MutableMapping[str, Any]) -> None:
    """Expand and cast every string leaf of `tree`, in place."""
    _walk(tree, _post_process)


def _leaf(tree: Mapping[str, Any], dotted: str) -> Any:
    """The value at `dotted`, or "" when it is missing or is a section (as Prefect)."""
    try:
        value = get_path(tree, dotted)
    except KeyError:
        return ""
    return "" if isinstance(value, Mapping) else value


def interpolate(tree: MutableMapping[str, Any]) -> None:
    """Resolve `${dotted.key}` references in place (at most ten passes, for nesting)."""

    def resolve(value: Any) -> Any:
        if not isinstance(value, str) or "${" not in value:
            return value
        whole = _INTERPOLATION.fullmatch(value)
        if whole:
            return _leaf(tree, whole.group(1))

        def splice(match: re.Match[str]) -> str:
            return str(_leaf(tree, match.group(1)))

        return _INTERPOLATION.sub(splice, value)

    for _ in range(_MAX_PASSES):
        before = repr(tree)
        _walk(tree, resolve)
        if repr(tree) == before:
            break


def validate_keys(
    tree: Mapping[str, Any],
    reserved: Iterable[str],
    where: str = "",
    section_type: type | tuple[type, ...] = Mapping,
) -> None:
    """Refuse keys that would shadow methods of the Config class (`keys`, `copy`, ...).

    Values that are instances of `section_type` are checked as sections too.
    """
    reserved = set(reserved)
    for key, value in tree.items():
        dotted = f"{where}.{key}" if where else str(key)
        if key in reserved:
            raise ConfigError(
                f'Invalid config key: "{key}" (at "{dotted}"): it clashes with a method of '
                "Config. Rename the key in your config file or environment."
            )
        if isinstance(value, section_type) and isinstance(value, Mapping):
            validate_keys(value, reserved, dotted, section_type)


def normalise_task_defaults(tree: MutableMapping[str, Any]) -> None:
    """Turn the `tasks.defaults` sentinels into the values `Task.__init__` expects."""
    tasks = tree.setdefault("tasks", {})
    if not isinstance(tasks, MutableMapping):
        tasks = tree["tasks"] = {}
    defaults = tasks.setdefault("defaults", {})
    if not isinstance(defaults, MutableMapping):
        defaults = tasks["defaults"] = {}
    defaults["max_retries"] = defaults.get("max_retries") or 0
    delay = defaults.get("retry_delay")
    if delay is False or delay is None:
        defaults["retry_delay"] = None
    elif isinstance(delay, (int, float)):
        defaults["retry_delay"] = datetime.timedelta(seconds=delay)
    timeout = defaults.get("timeout")
    defaults["timeout"] = None if timeout is False or timeout is None else timeout


PREFECT_VERSIONS = ("1", "0.13")


def prefect_version(tree: Mapping[str, Any] | None) -> str:
    """`compat.prefect_version` of a config tree as "1" or "0.13" (the one reader of it).

    Values arrive cast (`0.13` a float, `1` an int) or as set at run time by
    `set_temporary_config`; unset means "1". Anything else is a ConfigError naming the key.
    """
    compat = tree.get("compat") if tree is not None else None
    value = compat.get("prefect_version", "1") if isinstance(compat, Mapping) else "1"
    text = str(value).strip() if value not in (None, "") else "1"
    text = {"1.0": "1", "1.x": "1", "1.4": "1", "1.4.1": "1", "0.13.19": "0.13"}.get(text, text)
    if text not in PREFECT_VERSIONS:
        raise ConfigError(
            f'compat.prefect_version = {value!r} is not supported: use "1" (Prefect 1.x '
            'behaviour, the default) or "0.13" (set it in your config file or as '
            "PREFECT__COMPAT__PREFECT_VERSION)."
        )
    return text


def normalise_compat(tree: MutableMapping[str, Any]) -> None:
    """`compat.prefect_version` stored as the string "1" or "0.13"."""
    version = prefect_version(tree)
    if not isinstance(tree.get("compat"), MutableMapping):
        tree["compat"] = {}
    tree["compat"]["prefect_version"] = version


# Keys whose value the engine compares with `is True`: anything else means "off".
BOOLEAN_SWITCHES = ("flows.checkpointing", "context.checkpointing")

# The ConfigError a `prefect-compat` command hit while the package was imported (see
# `load_configuration`); the CLI reports it as one line once `--help`/`--version` had
# their chance. None outside the CLI, or when the configuration loaded fine.
CLI_CONFIG_ERROR: ConfigError | None = None


def _env_name(dotted: str) -> str:
    return f"{ENV_PREFIX}__" + "__".join(part.upper() for part in dotted.split("."))


def warn_non_boolean_switches(
    tree: Mapping[str, Any], sources: Mapping[str, str], environ: Mapping[str, str]
) -> None:
    """One warning per on/off key that holds something other than true or false.

    Prefect treats such a value (`maybe`, `1`, `yes`) as off without a word; the
    behaviour stays that, but the user is told which key, which value, and where.
    """
    for dotted in BOOLEAN_SWITCHES:
        try:
            value = get_path(tree, dotted)
        except KeyError:
            continue
        if isinstance(value, bool):
            continue
        env_name = _env_name(dotted)
        where = (
            f"environment variable {env_name}"
            if env_name in environ
            else f"config file {sources.get(dotted, DEFAULTS_PATH)}"
        )
        warnings.warn(
            f"Config key {dotted} is {value!r} (from {where}), which is not true or false: "
            "it counts as false, so checkpointing stays off (as in Prefect). Set it to true "
            "or false.",
            UserWarning,
            stacklevel=2,
        )


def _cli_invocation() -> bool:
    """Whether this process is the `prefect-compat` command (script or `python -m`).

    The console script imports the package, and so loads the configuration, before
    its `main()` can catch anything; only here can a broken config file be held back
    so that `--help` and `--version` still work.
    """
    argv0 = sys.argv[0] if sys.argv else ""
    if os.path.basename(argv0).startswith("prefect-compat"):
        return True
    orig = getattr(sys, "orig_argv", None)
    if orig is None:  # Python 3.9: argv[0] is "-m" while `python -m` imports the package
        return argv0 == "-m"
    return any(
        flag == "-m" and module in ("prefect_compat", "prefect_compat.cli.main")
        for flag, module in zip(orig, orig[1:])
    )


def load_configuration(
    path: str = DEFAULTS_PATH,
    user_config_path: str | None = None,
    backend_config_path: str | None = None,
    env: Mapping[str, str] | None = None,
    reserved: Iterable[str] = (),
    prefix: str = ENV_PREFIX,
) -> dict[str, Any]:
    """Build the full configuration tree as plain dicts (see the module docstring).

    Variables `<prefix>__A__B` of `env` (default `os.environ`) set keys. When `path`
    is the shipped defaults file, the result is also made ready for the engine
    (`tasks.defaults` and `compat.prefect_version` normalised, on/off switches
    checked); another file is loaded as it is, as Prefect does.

    In the `prefect-compat` command a ConfigError from the user's files or
    environment is kept in `CLI_CONFIG_ERROR` and the shipped defaults are loaded
    instead; everywhere else it is raised.
    """
    global CLI_CONFIG_ERROR
    environ = os.environ if env is None else env
    try:
        return _load(path, user_config_path, backend_config_path, environ, reserved, prefix)
    except ConfigError as exc:
        if path != DEFAULTS_PATH or not _cli_invocation():
            raise
        CLI_CONFIG_ERROR = exc
        return _load(DEFAULTS_PATH, None, None, {}, reserved, prefix)


def _load(
    path: str,
    user_config_path: str | None,
    backend_config_path: str | None,
    environ: Mapping[str, str],
    reserved: Iterable[str],
    prefix: str,
) -> dict[str, Any]:
    tree = load_toml(path)
    sources: dict[str, str] = {}
    for candidate in (user_config_path, backend_config_path):
        expanded = expand_string(candidate) if candidate else ""
        if expanded and os.path.isfile(expanded):
            loaded = load_toml(expanded)
            for dotted in BOOLEAN_SWITCHES:
                try:
                    get_path(loaded, dotted)
                except KeyError:
                    continue
                sources[dotted] = expanded
            deep_merge(tree, loaded)
    for key_path, raw in env_overrides(environ, reserved, prefix):
        set_path(tree, key_path, raw)
    post_process(tree)
    interpolate(tree)
    validate_keys(tree, reserved)
    if os.path.abspath(path) != DEFAULTS_PATH:
        return tree
    normalise_task_defaults(tree)
    normalise_compat(tree)
    warn_non_boolean_switches(tree, sources, environ)
    return tree


def default_paths(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The user and backend file paths, honouring their PREFECT__*_PATH overrides."""
    environ = os.environ if env is None else env
    user = environ.get(f"{ENV_PREFIX}__USER_CONFIG_PATH", DEFAULT_USER_PATH)
    backend = environ.get(f"{ENV_PREFIX}__BACKEND_CONFIG_PATH", DEFAULT_BACKEND_PATH)
    return user, backend

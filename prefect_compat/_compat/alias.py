"""`install_alias()`: make `import prefect` and every `prefect.X.Y` load `prefect_compat.X.Y`.

What it is for: running Core-era scripts that say `import prefect` unchanged. The alias
must hand out the *very same* module objects, not copies, so that classes are
identical under both names (`isinstance` checks agree, a pickle written under one name
loads under the other, `sys.modules["prefect.engine.state"] is
sys.modules["prefect_compat.engine.state"]`).

How: a meta-path finder, first on `sys.meta_path`, claims `prefect` and `prefect.*`.
Its loader's `create_module` imports the real `prefect_compat` module and returns it;
the import system then stores it under the `prefect.*` name too. The import system
stamps the alias spec onto the module it is given, so `exec_module` puts the module's
own `__spec__` back: the `prefect_compat` modules stay exactly as they were.

What it must not do: act implicitly. `import prefect_compat` never installs it (a
real Prefect may live in the same environment); only an explicit call does, and then
for the rest of the process. A `prefect.*` module that prefect-compat does not
re-implement (`prefect.client`, `prefect.agent`, ...) raises ModuleNotFoundError saying
so, instead of falling through to whatever else is on `sys.path`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any, Sequence

__all__ = ["AliasFinder", "alias_installed", "install_alias"]

ALIAS = "prefect"
TARGET = "prefect_compat"


def _target_name(fullname: str) -> str:
    return TARGET + fullname[len(ALIAS) :]


def _not_provided(fullname: str) -> ModuleNotFoundError:
    return ModuleNotFoundError(
        f"No module named {fullname!r}: prefect-compat does not provide `{fullname}` "
        f"(there is no `{_target_name(fullname)}`). prefect-compat re-implements the Core "
        "engine API (flows, tasks, states, results, executors, ...); Prefect Cloud/Server "
        "clients, agents, artifacts and the like are out of scope. Remove the "
        "import or run this script with real Prefect.",
        name=fullname,
    )


class _AliasLoader(importlib.abc.Loader):
    """Hands out the already-imported `prefect_compat` module for a `prefect` name."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = spec.loader_state
        # the import system overwrites __spec__ with our alias spec after this returns;
        # remember the real one so exec_module can restore it
        spec.loader_state = (module, module.__spec__)
        return module  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        spec = module.__spec__
        real, real_spec = spec.loader_state  # type: ignore[union-attr]
        if real is module:
            module.__spec__ = real_spec


class AliasFinder(importlib.abc.MetaPathFinder):
    """Claims `prefect` and `prefect.*` and resolves them to `prefect_compat` modules."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
            return None
        real_name = _target_name(fullname)
        if fullname == ALIAS and TARGET in sys.modules:
            # prefect-compat was imported first (by `prefect-compat run`, say): apply the
            # PREFECT__* variables the script set since, as `import prefect` would read them
            sys.modules[TARGET]._refresh_from_environment()
        try:
            module = importlib.import_module(real_name)
        except ModuleNotFoundError as exc:
            # only "this module does not exist" becomes our message; a missing optional
            # dependency *inside* an existing module keeps its own error
            if exc.name is not None and (real_name + ".").startswith(exc.name + "."):
                raise _not_provided(fullname) from None
            raise
        is_package = hasattr(module, "__path__")
        spec = importlib.machinery.ModuleSpec(
            fullname,
            _AliasLoader(),
            origin=getattr(module, "__file__", None),
            is_package=is_package,
        )
        if is_package:
            spec.submodule_search_locations = list(module.__path__)
        spec.loader_state = module
        return spec

    def __repr__(self) -> str:
        return f"<AliasFinder: {ALIAS}.* -> {TARGET}.*>"


def _installed_finder() -> Any:
    return next((f for f in sys.meta_path if isinstance(f, AliasFinder)), None)


def alias_installed() -> bool:
    """Whether `import prefect` resolves to prefect-compat in this process."""
    return _installed_finder() is not None


def install_alias() -> None:
    """Make `import prefect` (and every `prefect.*`) resolve to prefect-compat, for good.

    Idempotent. Refuses when a real `prefect` is already imported in this process:
    two different `Flow` classes under one name would break silently later.
    """
    if _installed_finder() is not None:
        return
    loaded = sys.modules.get(ALIAS)
    if loaded is not None and loaded is not sys.modules.get(TARGET):
        where = getattr(loaded, "__file__", None) or repr(loaded)
        raise RuntimeError(
            f"install_alias(): a different `prefect` is already imported ({where}). Call "
            "prefect_compat.install_alias() before anything imports prefect, or run the "
            "script with `prefect-compat run SCRIPT.py`."
        )
    importlib.import_module(TARGET)
    sys.meta_path.insert(0, AliasFinder())
    # `prefect_compat.context` is a module in sys.modules but the context object as the
    # package attribute: register the module under the alias name now, so importing
    # `prefect.context` finds it and never sets the package attribute to the module
    sys.modules.setdefault(f"{ALIAS}.context", sys.modules[f"{TARGET}.context"])

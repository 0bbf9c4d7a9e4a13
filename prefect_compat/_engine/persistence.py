"""Prefect 2.x result persistence for task and flow runs: who persists, where, and caching.

Decisions (Prefect 2.6.9's rules, RESULTS_V2 §5), first rule that applies:

  task   persist_result given -> it; its flow has retries -> yes; it has a cache_key_fn
         -> yes; cache_result_in_memory=False -> yes; else PREFECT_RESULTS_PERSIST_BY_DEFAULT
  flow   persist_result given -> it; cache_result_in_memory=False -> yes; a child of a
         flow with retries -> yes; else the setting

Storage and serializer: the task's own (resolved when it was decorated), else its
flow's, else the parent flow's, else the defaults (`PREFECT_LOCAL_STORAGE_PATH`,
`PREFECT_RESULTS_DEFAULT_SERIALIZER`). One `ResultFactory` per task per flow run
holds the outcome (`factory_for`), built on the task's first call in that run.

Task caching across processes: 2.6.9 finds cached runs through its database; here a
small index under `$PREFECT_HOME/task-cache/` holds, per cache key, a JSON document
with the expiry and a description of the result (a literal, a reference to a
persisted document, or nothing when the run did not persist). One file per key,
written atomically, so concurrent processes never read half an entry.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from typing import Any

from prefect_compat import settings
from prefect_compat._storage.base import NotFound, StorageError
from prefect_compat._storage.local import LocalStorage
from prefect_compat.results import BaseResult, ResultFactory

__all__ = ["cache_lookup", "cache_record", "factory_for", "flow_factory", "flow_persists"]


def _setting(name: str) -> Any:
    return getattr(settings, name).value()


def task_persists(task: Any, flow_context: Any) -> bool:
    if task.persist_result is not None:
        return bool(task.persist_result)
    if flow_context is not None and flow_context.flow.retries:
        return True
    if task.cache_key_fn is not None:
        return True
    if task.cache_result_in_memory is False:
        return True
    return bool(_setting("PREFECT_RESULTS_PERSIST_BY_DEFAULT"))


def flow_persists(flow: Any, parent: Any) -> bool:
    if flow.persist_result is not None:
        return bool(flow.persist_result)
    if flow.cache_result_in_memory is False:
        return True
    if parent is not None and parent.flow.retries:
        return True
    return bool(_setting("PREFECT_RESULTS_PERSIST_BY_DEFAULT"))


def _factory(persist: bool, in_memory: bool, storage: Any, serializer: Any) -> Any:
    return ResultFactory(
        persist_result=persist,
        cache_result_in_memory=in_memory,
        storage=storage,
        serializer=serializer,
    )


def factory_for(flow_context: Any, task: Any) -> Any:
    """The ResultFactory of `task` in this flow run (built once per run)."""
    factories = flow_context.factories
    found = factories.get(task)
    if found is None:
        found = factories[task] = _factory(
            task_persists(task, flow_context),
            bool(task.cache_result_in_memory),
            task._storage if task._storage is not None else flow_context.storage,
            task._serializer if task._serializer is not None else flow_context.serializer,
        )
    return found


def flow_factory(flow: Any, parent: Any) -> tuple[Any, Any, Any]:
    """(factory, storage, serializer) of a flow run: its own, else inherited from `parent`."""
    storage = flow._storage if flow._storage is not None else getattr(parent, "storage", None)
    serializer = (
        flow._serializer if flow._serializer is not None else getattr(parent, "serializer", None)
    )
    factory = _factory(
        flow_persists(flow, parent), bool(flow.cache_result_in_memory), storage, serializer
    )
    return factory, storage, serializer


# -- the cache index ---------------------------------------------------------------------------


def _index() -> LocalStorage:
    home = os.path.expanduser(str(_setting("PREFECT_HOME")))
    return LocalStorage(os.path.join(home, "task-cache"))


def _entry_name(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest() + ".json"


def cache_record(key: str, data: Any, expiration: datetime.datetime | None) -> None:
    """Remember that the run with cache key `key` produced `data` (until `expiration`)."""
    entry = {
        "cache_key": key,
        "expiration": expiration.isoformat() if expiration is not None else None,
        "result": _describe(data),
    }
    _index().write_bytes(_entry_name(key), json.dumps(entry, default=str).encode("utf-8"))


def cache_lookup(key: str) -> tuple[Any, datetime.datetime | None] | None:
    """(result, expiration) of an unexpired cached run with this key, else None."""
    try:
        raw = _index().read_bytes(_entry_name(key))
    except (NotFound, StorageError):
        return None
    try:
        entry = json.loads(raw)
    except ValueError:
        return None  # an unreadable entry is a miss; the next run rewrites it
    expiration = entry.get("expiration")
    expires = datetime.datetime.fromisoformat(expiration) if expiration else None
    if expires is not None and expires <= datetime.datetime.now(datetime.timezone.utc):
        return None
    return _restore(entry.get("result")), expires


def _describe(data: Any) -> Any:
    """A JSON description of a run's result data (None when nothing can be reloaded)."""
    if isinstance(data, BaseResult):
        return data.dict()
    return None


def _restore(description: Any) -> Any:
    if not description:
        return None
    return BaseResult.parse_obj(description)

"""`prefect.serialization.flow`: a flow's structure as Prefect writes it in `flow.serialize()`.

Tasks, parameters and edges (tasks referred to by slug), reference tasks, and the
deployment-side settings (schedule, run config, storage; 0.13 environment) through
their own schemas. Code is never included, so a loaded flow has base Tasks with the
original settings and graph: enough to inspect it, not to run it (as in Prefect).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from prefect_compat.serialization._objects import _dotted
from prefect_compat.serialization._schema import (
    FORMAT_VERSIONS,
    Schema,
    as_mapping,
    check_version,
    fail,
    format_version,
    join,
    require,
)
from prefect_compat.serialization.edge import dump_edge, load_edge
from prefect_compat.serialization.task import dump_parameter, dump_task, load_parameter, load_task

__all__ = ["FlowSchema", "get_edges", "get_parameters", "get_reference_tasks", "get_tasks"]


def _slugs(flow: Any) -> Dict[Any, str]:
    slugs = dict(getattr(flow, "slugs", None) or {})
    for task in flow.tasks:
        slugs.setdefault(task, getattr(task, "slug", None) or task.name)
    return slugs


def get_tasks(obj: Any, context: Mapping[str, Any] | None = None) -> List[Any]:
    """The flow's tasks, sorted by slug (Prefect's accessor)."""
    slugs = _slugs(obj)
    return sorted(obj.tasks, key=lambda t: slugs[t])


def get_parameters(obj: Any, context: Mapping[str, Any] | None = None) -> List[Any]:
    return sorted(obj.parameters(), key=lambda p: p.name)


def get_edges(obj: Any, context: Mapping[str, Any] | None = None) -> List[Any]:
    slugs = _slugs(obj)
    return sorted(
        obj.edges, key=lambda e: (slugs[e.upstream_task], slugs[e.downstream_task], e.key or "")
    )


def get_reference_tasks(obj: Any, context: Mapping[str, Any] | None = None) -> List[Any]:
    explicit = getattr(obj, "_reference_tasks", None)
    return sorted(explicit or [], key=lambda t: _slugs(obj)[t])


def _dump_optional(value: Any, schema_path: str, where: str) -> Any:
    if value is None:
        return None
    import importlib

    module, _, name = schema_path.rpartition(".")
    return getattr(importlib.import_module(module), name)().dump(value)


def dump_flow(flow: Any, where: str = "") -> Dict[str, Any]:
    slugs = _slugs(flow)
    version = format_version()
    out = {
        "name": flow.name,
        "type": _dotted(type(flow)),
        "parameters": [dump_parameter(p, slugs.get(p)) for p in get_parameters(flow)],
        "tasks": [dump_task(t, slugs[t]) for t in get_tasks(flow)],
        "edges": [dump_edge(e, slugs) for e in get_edges(flow)],
        "reference_tasks": [
            {"slug": slugs[t], "__version__": version} for t in get_reference_tasks(flow)
        ],
        "schedule": _dump_optional(
            getattr(flow, "schedule", None),
            "prefect_compat.serialization.schedule.ScheduleSchema",
            where,
        ),
        "run_config": _dump_optional(
            getattr(flow, "run_config", None),
            "prefect_compat.serialization.run_config.RunConfigSchema",
            where,
        ),
        "storage": _dump_optional(
            getattr(flow, "storage", None),
            "prefect_compat.serialization.storage.StorageSchema",
            where,
        ),
        "__version__": version,
    }
    # 0.13's flows always have the key (null when there is no environment)
    if version == FORMAT_VERSIONS["0.13"] or getattr(flow, "environment", None) is not None:
        out["environment"] = _dump_optional(
            getattr(flow, "environment", None),
            "prefect_compat.serialization.environment.EnvironmentSchema",
            where,
        )
    return out


def load_flow(data: Any, where: str = "") -> Any:
    from prefect_compat.core.flow import Flow

    data = as_mapping(data, where, "a flow")
    check_version(data, where)
    flow = Flow(require(data, "name", where))
    by_slug: Dict[str, Any] = {}
    # Parameters are listed twice (with their default under "parameters"); use that one
    for i, spec in enumerate(data.get("parameters") or []):
        param = load_parameter(spec, join(where, f"parameters[{i}]"))
        by_slug[spec.get("slug") or param.name] = param
        flow.add_task(param)
    for i, spec in enumerate(require(data, "tasks", where) or []):
        if spec.get("slug") in by_slug:
            continue
        task = load_task(spec, join(where, f"tasks[{i}]"))
        by_slug[spec.get("slug") or task.name] = task
        flow.add_task(task)

    def task_for(slug: str, at: str) -> Any:
        if slug not in by_slug:
            raise fail(join(at, "slug"), f"No task with slug {slug!r} in this flow's tasks.")
        return by_slug[slug]

    for i, spec in enumerate(data.get("edges") or []):
        edge = load_edge(spec, join(where, f"edges[{i}]"), task_for)
        flow.add_edge(
            edge.upstream_task,
            edge.downstream_task,
            key=edge.key,
            mapped=edge.mapped,
            flattened=edge.flattened,
        )
    references = [
        task_for(ref["slug"], join(where, "reference_tasks"))
        for ref in data.get("reference_tasks") or []
    ]
    if references:
        flow.set_reference_tasks(references)
    _load_settings(flow, data, where)
    return flow


_SETTINGS = {
    "schedule": "prefect_compat.serialization.schedule.ScheduleSchema",
    "run_config": "prefect_compat.serialization.run_config.RunConfigSchema",
    "storage": "prefect_compat.serialization.storage.StorageSchema",
    "environment": "prefect_compat.serialization.environment.EnvironmentSchema",
}


def _load_settings(flow: Any, data: Mapping[str, Any], where: str) -> None:
    """The schedule, run config, storage (and 0.13 environment) come back, as in Prefect."""
    import importlib

    for key, schema_path in _SETTINGS.items():
        if data.get(key) is None:
            continue
        module, _, name = schema_path.rpartition(".")
        schema = getattr(importlib.import_module(module), name)()
        setattr(flow, key, schema._load(data[key], join(where, key)))


class FlowSchema(Schema):
    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_flow(obj, where)

    def _load(self, data: Any, where: str) -> Any:
        return load_flow(data, where)

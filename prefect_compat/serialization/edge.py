"""`prefect.serialization.edge`: an edge as `{upstream_task: {slug}, downstream_task: {slug}, ...}`.

Tasks are referred to by slug; `EdgeSchema(context={"slugs": {task: slug}})` gives
the slugs a flow assigned (FlowSchema passes them). Loading alone builds placeholder
Tasks carrying the slugs; FlowSchema connects the loaded flow's own tasks instead.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping

from prefect_compat.serialization._schema import Schema, as_mapping, format_version, join, require

__all__ = ["EdgeSchema"]


def _slug(task: Any, slugs: Mapping[Any, str]) -> str:
    return slugs.get(task) or getattr(task, "slug", None) or task.name


def dump_edge(edge: Any, slugs: Mapping[Any, str]) -> Dict[str, Any]:
    version = format_version()
    return {
        "upstream_task": {"slug": _slug(edge.upstream_task, slugs), "__version__": version},
        "downstream_task": {"slug": _slug(edge.downstream_task, slugs), "__version__": version},
        "key": edge.key,
        "mapped": edge.mapped,
        "flattened": edge.flattened,
        "__version__": version,
    }


def load_edge(data: Any, where: str, task_for: Callable[[str, str], Any]) -> Any:
    from prefect_compat.core.edge import Edge

    data = as_mapping(data, where, "an edge")
    ends = []
    for side in ("upstream_task", "downstream_task"):
        ref = as_mapping(require(data, side, where), join(where, side), "a task reference")
        ends.append(task_for(require(ref, "slug", join(where, side)), join(where, side)))
    return Edge(
        ends[0],
        ends[1],
        key=data.get("key"),
        mapped=bool(data.get("mapped")),
        flattened=bool(data.get("flattened")),
    )


class EdgeSchema(Schema):
    def __init__(
        self, *, many: bool = False, context: Mapping[str, Any] | None = None, **options: Any
    ) -> None:
        super().__init__(many=many, **options)
        self.context = dict(context or {})

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_edge(obj, self.context.get("slugs") or {})

    def _load(self, data: Any, where: str) -> Any:
        from prefect_compat.core.task import Task

        return load_edge(data, where, lambda slug, _where: Task(slug=slug))

"""`Flow.visualize()`: the graphviz source it builds, its colours per state, and its errors.

Expected sources were observed on Prefect 1.4.1 with graphviz 0.21: node ids are
`id(task)` (plus the map index for mapped children), labels are task names (`<map>`
for mapped tasks, drawn as boxes), edges carry their argument name and are dashed
when mapped; states fill nodes with `<state colour>80`.
"""

from __future__ import annotations

import os
import subprocess
import sys

import graphviz
import pytest

from prefect_compat import Flow, Parameter, task, unmapped
from prefect_compat.core._visualize import build_graph
from prefect_compat.engine.state import Success


@task
def numbers():
    return [1, 2, 3]


@task
def inc(x):
    return x + 1


@task
def add(x, y):
    return x + y


@task(name="Fail Me")
def boom(x):
    raise ValueError("no")


@pytest.fixture
def flow():
    with Flow("viz") as built:
        p = Parameter("p", default=2)
        a = inc(p)
        b = add(a, 10)
        mapped = inc.map(numbers())
        add.map(mapped, unmapped(b))
        boom(b).set_upstream(a)
    return built


def ids(flow):
    """Task name (with ' <map>' for mapped ones) -> node id."""
    found = {}
    for t in flow.tasks:
        mapped = any(e.mapped for e in flow.edges_to(t))
        found[f"{t.name} <map>" if mapped else t.name] = str(id(t))
    return found


def body(graph):
    return sorted(line.strip() for line in graph.source.splitlines()[1:-1] if line.strip())


def test_structure_matches_prefects_drawing(flow):
    n = ids(flow)
    graph = build_graph(flow)
    assert isinstance(graph, graphviz.Digraph)
    assert body(graph) == sorted(
        [
            f"{n['p']} [label=p shape=ellipse]",
            f"{n['inc']} [label=inc shape=ellipse]",
            f"{n['add']} [label=add shape=ellipse]",
            f"{n['numbers']} [label=numbers shape=ellipse]",
            f'{n["inc <map>"]} [label="inc <map>" shape=box]',
            f'{n["add <map>"]} [label="add <map>" shape=box]',
            f'{n["Fail Me"]} [label="Fail Me" shape=ellipse]',
            f"{n['p']} -> {n['inc']} [label=x]",
            f"{n['inc']} -> {n['add']} [label=x]",
            f"{n['numbers']} -> {n['inc <map>']} [label=x style=dashed]",
            f"{n['inc <map>']} -> {n['add <map>']} [label=x style=dashed]",
            f"{n['add']} -> {n['add <map>']} [label=y]",
            f"{n['add']} -> {n['Fail Me']} [label=x]",
            f"{n['inc']} -> {n['Fail Me']}",
        ]
    )


def test_flow_state_colours_nodes_and_expands_mapped_children(flow):
    n = ids(flow)
    state = flow.run()
    source = build_graph(flow, flow_state=state).source
    ok = 'color="#28a74580" colorscheme=svg'
    assert f"{n['add']} [label=add {ok} shape=ellipse style=filled]" in source
    assert (
        f'{n["Fail Me"]} [label="Fail Me" color="#eb000080" colorscheme=svg '
        "shape=ellipse style=filled]"
    ) in source
    for i in range(3):
        child, target = n["inc <map>"] + str(i), n["add <map>"] + str(i)
        assert f'{child} [label="inc <map>" {ok} shape=box style=filled]' in source
        assert f"{n['numbers']} -> {child} [label=x style=dashed]" in source
        assert f"{child} -> {target} [label=x style=dashed]" in source  # index by index
        assert f"{n['add']} -> {target} [label=y]" in source
    assert f"{n['inc <map>']} " not in source  # the parent itself is not drawn


def test_mapped_children_fan_into_a_reducing_task():
    @task
    def total(xs):
        return sum(xs)

    with Flow("reduce") as flow:
        total(inc.map(numbers()))
    n = ids(flow)
    source = build_graph(flow, flow_state=flow.run()).source
    for i in range(3):
        assert f"{n['inc <map>']}{i} -> {n['total']} [label=xs]" in source


def test_tasks_missing_from_the_state_are_drawn_unfilled(flow):
    only = next(t for t in flow.tasks if t.name == "p")
    source = build_graph(flow, flow_state=Success(result={only: Success()})).source
    assert source.count("style=filled") == 1


def test_horizontal_sets_rankdir(flow):
    assert "graph [rankdir=LR]" in build_graph(flow, horizontal=True).source
    assert "rankdir" not in build_graph(flow).source


def test_filename_renders_and_without_dot_leaves_the_source(flow, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no `dot` reachable
    target = tmp_path / "drawing"
    with pytest.raises(graphviz.ExecutableNotFound) as info:
        flow.visualize(filename=str(target), format="png")
    assert target.read_text().startswith("digraph {")
    if sys.version_info >= (3, 11):
        assert f"source was written to {str(target)!r}" in "".join(info.value.__notes__)


def test_without_a_filename_it_renders_to_a_temporary_file(flow, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(graphviz.ExecutableNotFound):
        flow.visualize()


def test_missing_graphviz_names_the_extra(flow, monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # what an uninstalled package gives
    with pytest.raises(ImportError, match=r"pip install 'prefect-compat\[viz\]'"):
        flow.visualize()


def test_graphviz_is_imported_only_when_drawing(tmp_path):
    code = (
        "import sys, prefect_compat\n"
        "from prefect_compat import Flow, task\n"
        "import prefect_compat.tasks.shell, prefect_compat.tasks.files\n"
        "with Flow('f') as f:\n"
        "    task(lambda: 1)()\n"
        "f.run()\n"
        "print('graphviz' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env["PREFECT__HOME_DIR"] = str(tmp_path / "home")  # its run journal too
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr

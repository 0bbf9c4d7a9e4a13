"""`prefect.context` behaves as Prefect 1.4.1's (observed by differential probes)."""

from __future__ import annotations

import pickle

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.utilities.context import Context

context = prefect_compat.context


def test_missing_attribute_message_is_pythons_usual_one():
    for name in ("nope", "_nope", "__nope__"):
        with pytest.raises(AttributeError, match=f"^'Context' object has no attribute '{name}'$"):
            getattr(context, name)
    with pytest.raises(AttributeError, match="^'Context' object has no attribute 'qq'$"):
        del context.qq
    assert getattr(context, "nope", 9) == 9


def test_scope_arguments_follow_dict():
    with pytest.raises(TypeError, match="not iterable"), context(None):
        pass
    with pytest.raises(TypeError, match="at most 1 argument"), context({"a": 1}, {"b": 2}):
        pass
    with context([("a", 1)], b=2):
        assert (context.a, context.b) == (1, 2)
    assert "a" not in context


def test_scope_config_must_be_a_mapping():
    with pytest.raises(TypeError, match=r"context\(config=\.\.\.\) takes a mapping.*got NoneType"):
        with context(config=None):
            pass
    assert context.config is prefect_compat.config


def test_building_a_context_with_keys_leaves_the_live_one_alone():
    detached = Context(a=1)
    assert "a" not in context
    assert detached.a == 1
    assert detached["config"] is context.config
    assert sorted(detached) == ["a", "config"]
    detached.z = 3
    detached["y"] = 4
    with detached(q=1):
        assert detached.q == 1
        assert "q" not in context
    assert "q" not in detached
    assert (detached.z, detached.get("y"), context.get("z")) == (3, 4, None)
    assert Context({"b": 2}).b == 2
    with pytest.raises(AttributeError, match="'Context' object has no attribute 'nope'"):
        _ = detached.nope


def test_copy_is_a_detached_context():
    with context(w=1):
        snapshot = context.copy()
        assert isinstance(snapshot, Context)
        snapshot.w = 5
        assert context.w == 1
    assert snapshot.w == 5
    assert "w" not in context
    assert pickle.loads(pickle.dumps(Context(a=1))).a == 1


def test_context_without_arguments_is_the_live_view():
    with Context()(k=1):
        assert context.k == 1


def test_task_changes_to_the_context_do_not_reach_the_next_task():
    seen = {}

    @task
    def first():
        context.leak = "first"
        context["leak2"] = 1
        return context.task_full_name

    @task
    def second(_):
        seen["second"] = (context.get("leak"), context.get("leak2"), context.task_name)

    with Flow("leak") as flow:
        second(first())
    flow.run()
    assert seen["second"] == (None, None, "second")
    assert "leak" not in context

"""Task construction: defaults, validation errors and warnings, copy, run() signature checks."""

from __future__ import annotations

import datetime
import pickle
import warnings

import pytest

import prefect_compat.tasks.core.collections  # noqa: F401 - class creation inspects run()
from prefect_compat import Flow, Task, tags
from prefect_compat.engine import cache_validators
from prefect_compat.engine.results import LocalResult, PrefectResult
from prefect_compat.engine.state import Failed, Success
from prefect_compat.triggers import all_finished, all_successful
from prefect_compat.utilities.configuration import set_temporary_config

ONE_SECOND = datetime.timedelta(seconds=1)


def test_defaults():
    t = Task()
    assert t.name == "Task"
    assert t.slug is None
    assert t.tags == set()
    assert t.max_retries == 0
    assert t.retry_delay is None
    assert t.retry_on is None
    assert t.timeout is None
    assert t.trigger is all_successful
    assert t.skip_on_upstream_skip is True
    assert t.cache_for is None
    assert t.cache_validator is cache_validators.never_use
    assert t.cache_key is None
    assert t.checkpoint is None
    assert t.result is None
    assert t.target is None
    assert t.state_handlers == []
    assert t.log_stdout is False
    assert t.task_run_name is None
    assert t.nout is None
    assert t.result_handler is None


def test_subclass_name_defaults_to_class_name_and_repr():
    class Extract(Task):
        def run(self):
            return 1

    assert Extract().name == "Extract"
    assert repr(Extract(name="ex")) == "<Task: ex>"


def test_hash_is_identity_even_for_equal_settings():
    a, b = Task(name="x"), Task(name="x")
    assert a != b
    assert len({a, b}) == 2
    assert hash(a) == object.__hash__(a)


def test_settings_are_stored():
    handler = lambda task, old, new: new  # noqa: E731
    t = Task(
        name="n",
        slug="s",
        tags=["a", "b"],
        max_retries=2,
        retry_delay=ONE_SECOND,
        retry_on=[ValueError, KeyError],
        timeout=5,
        trigger=all_finished,
        skip_on_upstream_skip=False,
        cache_for=ONE_SECOND,
        cache_key="k",
        checkpoint=False,
        state_handlers=(handler,),
        log_stdout=True,
        task_run_name="run-{x}",
        nout=2,
    )
    assert (t.name, t.slug, t.tags) == ("n", "s", {"a", "b"})
    assert (t.max_retries, t.retry_delay, t.retry_on) == (2, ONE_SECOND, {ValueError, KeyError})
    assert t.timeout == 5
    assert t.trigger is all_finished
    assert t.skip_on_upstream_skip is False
    assert t.cache_validator is cache_validators.duration_only
    assert (t.cache_key, t.checkpoint, t.log_stdout) == ("k", False, True)
    assert t.state_handlers == [handler]
    assert (t.task_run_name, t.nout, t.result_handler) == ("run-{x}", 2, None)


def test_single_retry_on_type_becomes_a_set():
    t = Task(max_retries=1, retry_delay=ONE_SECOND, retry_on=ValueError)
    assert t.retry_on == {ValueError}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"tags": "a"}, TypeError, "Tags should be a set of tags, not a string."),
        ({"max_retries": 1}, ValueError, "A datetime.timedelta `retry_delay` must be provided"),
        ({"retry_delay": ONE_SECOND}, ValueError, "A `max_retries` argument greater than 0"),
        ({"retry_on": ValueError}, ValueError, "A number of `max_retries` must be provided"),
        (
            {"max_retries": 1, "retry_delay": ONE_SECOND, "retry_on": [3]},
            TypeError,
            "Expected an exception type but got an instance of int",
        ),
        (
            {"max_retries": 1, "retry_delay": ONE_SECOND, "retry_on": [int]},
            TypeError,
            "Expected an exception subclass",
        ),
        ({"timeout": 1.5}, TypeError, "Only integer timeouts"),
        ({"state_handlers": 3}, TypeError, "state_handlers should be iterable."),
        ({"state_handlers": {print}}, TypeError, "state_handlers should be iterable."),
    ],
)
def test_invalid_settings(kwargs, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        Task(**kwargs)


def test_timedelta_timeout_becomes_seconds_and_warns_on_fractions():
    assert Task(timeout=datetime.timedelta(minutes=2)).timeout == 120
    with pytest.warns(UserWarning, match="sub-second resolution") as seen:
        t = Task(timeout=datetime.timedelta(seconds=1.5))
    assert t.timeout == 1
    assert seen[0].filename == __file__


def test_retry_defaults_come_from_config_at_init():
    with set_temporary_config(
        {
            "tasks.defaults.max_retries": 3,
            "tasks.defaults.retry_delay": 7,
            "tasks.defaults.timeout": 9,
        }
    ):
        t = Task()
    assert t.max_retries == 3
    assert t.retry_delay == datetime.timedelta(seconds=7)
    assert t.timeout == 9
    assert Task().max_retries == 0


def test_cache_validator_without_cache_for_warns():
    with pytest.warns(
        UserWarning, match=r"cache_validator provided without specifying cache"
    ) as seen:
        t = Task(cache_validator=cache_validators.all_inputs)
    assert seen[0].filename == __file__
    assert t.cache_validator is cache_validators.all_inputs


def test_tags_from_enclosing_tags_blocks():
    with tags("x", "y"):
        with tags("z"):
            inner = Task(tags=["a"])
        outer = Task()
    assert inner.tags == {"a", "x", "y", "z"}
    assert outer.tags == {"x", "y"}
    assert Task().tags == set()


def test_on_failure_fires_only_on_failed_states_and_its_return_is_ignored():
    calls = []

    def on_failure(task, state):
        calls.append((task, state))
        return Success("ignored")

    def first(task, old, new):
        return new

    t = Task(state_handlers=[first], on_failure=on_failure)
    assert t.state_handlers[0] is first
    handler = t.state_handlers[1]
    ok = Success("fine")
    assert handler(t, None, ok) is ok
    assert calls == []
    bad = Failed("broken")
    assert handler(t, None, bad) is bad
    assert calls == [(t, bad)]


def test_target_is_copied_into_result_location():
    result = LocalResult(dir="/tmp/results")
    t = Task(result=result, target="out/{task_name}.pkl")
    assert t.target == "out/{task_name}.pkl"
    assert t.result.location == "out/{task_name}.pkl"
    assert t.result is not result
    assert result.location is None


def test_target_and_different_result_location_warn():
    with pytest.warns(UserWarning, match="The `target` value will be used") as seen:
        t = Task(result=PrefectResult(location="a"), target="b")
    assert seen[0].filename == __file__
    assert t.result.location == "b"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same = Task(result=PrefectResult(location="b"), target="b")
    assert same.result.location == "b"


def test_callable_target_formats_the_result_location():
    t = Task(result=LocalResult(dir="/tmp/r"), target=lambda **kw: f"{kw['task_name']}.out")
    assert t.result.format(task_name="x").location == "x.out"


def test_passing_a_task_to_a_subclass_constructor_warns_once():
    class Configured(Task):
        def __init__(self, setting=None, **kwargs):
            self.setting = setting
            super().__init__(**kwargs)

    class MoreConfigured(Configured):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

    with pytest.warns(UserWarning, match="A Task was passed as an argument to Configured") as seen:
        Configured(Task())
    assert len(seen) == 1
    assert seen[0].filename == __file__
    with pytest.warns(UserWarning, match="to MoreConfigured") as seen:
        MoreConfigured(setting=Task())
    assert len(seen) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Configured(setting=3)


@pytest.mark.parametrize(
    ("source", "error", "message"),
    [
        ("def run(self, *args): pass", ValueError, r"variable positional arguments \(\*args\)"),
        ("def run(self, upstream_tasks): pass", ValueError, "argument names: upstream_tasks"),
        ("def run(self, x, flow=None): pass", ValueError, "argument names: flow"),
        ("def run(self, mapped, task_args): pass", ValueError, "mapped, task_args"),
        ("def run(self, a, /, b): pass", TypeError, r"positional-only parameters .*\['a'\]"),
    ],
)
def test_run_signatures_are_checked_when_the_class_is_created(source, error, message):
    namespace: dict = {}
    exec(source, namespace)
    with pytest.raises(error, match=message):
        type("Bad", (Task,), {"run": namespace["run"]})


def test_run_signature_is_inspected_once_per_class(monkeypatch):
    import inspect

    class Add(Task):
        def run(self, x, y):
            return x + y

    def no_signature(*args, **kwargs):
        raise AssertionError("inspect.signature called on the call path")

    monkeypatch.setattr(inspect, "signature", no_signature)
    with Flow("f") as flow:
        for _ in range(3):
            Add()(1, [2, 3])
    assert len(flow.tasks) == 3


def test_copy_is_shallow_with_fixups():
    def handler(task, old, new):
        return new

    original = Task(name="t", slug="s", tags=["a"], state_handlers=[handler])
    new = original.copy()
    assert new is not original
    assert new.slug == "s-copy"
    assert new.tags == {"a"}
    assert new.tags is not original.tags
    assert new.state_handlers == [handler]
    assert new.state_handlers is not original.state_handlers
    assert new.trigger is original.trigger


def test_copy_with_task_args():
    original = Task(name="t", slug="s", tags=["a"])
    new = original.copy(name="renamed", tags=["b"], slug="own", max_retries=5)
    assert (new.name, new.slug, new.tags, new.max_retries) == ("renamed", "own", {"a", "b"}, 5)
    assert (original.name, original.tags, original.max_retries) == ("t", {"a"}, 0)
    with pytest.raises(AttributeError, match="<Task: t> does not have foo as an attribute"):
        original.copy(foo=1)


def test_copy_adds_context_tags():
    original = Task(tags=["a"])
    with tags("ctx"):
        new = original.copy()
    assert new.tags == {"a", "ctx"}
    assert original.tags == {"a"}


def test_inputs_and_outputs_describe_run():
    # exec'd without `from __future__ import annotations`, so annotations are real types
    namespace = {"Task": Task}
    source = "class Typed(Task):\n    def run(self, x: int, y=2, **rest) -> str:\n        return ''"
    exec(compile(source, "<typed>", "exec", dont_inherit=True), namespace)
    Typed = namespace["Typed"]
    inputs = Typed().inputs()
    assert inputs["x"] == {"type": int, "default": None, "required": True}
    assert inputs["y"]["default"] == 2
    assert inputs["y"]["required"] is False
    assert set(inputs) == {"x", "y", "rest"}
    assert Typed().outputs() is str
    assert Task().outputs() is None  # Prefect's base run() is annotated `-> None`


def test_tasks_pickle():
    t = Task(name="p", tags=["a"], max_retries=1, retry_delay=ONE_SECOND)
    back = pickle.loads(pickle.dumps(t))
    assert (back.name, back.tags, back.max_retries, back.retry_delay) == (
        "p",
        {"a"},
        1,
        ONE_SECOND,
    )

"""How `resource_manager` wires a flow and reruns, as probed on Prefect 1.4.1.

The edges listed here are exactly those real 1.4.1 builds for the same code: setup
before the tasks of the block that have no upstream in it, cleanup after those with
no downstream in it, nothing more. Setup and cleanup (and secrets) run again in each
pass of `flow.run()` unless Cached.
"""

from __future__ import annotations

import datetime

import pytest

from prefect_compat import Flow, Parameter, case, resource_manager, task
from prefect_compat.tasks.core.resource_manager import ResourceContext, resource_cleanup_trigger
from prefect_compat.tasks.secrets import SecretBase

EVENTS: list = []


@pytest.fixture(autouse=True)
def _clear_events():
    EVENTS.clear()


@resource_manager
class Full:
    def __init__(self, n=1):
        self.n = n

    def setup(self):
        EVENTS.append(("setup", self.n))
        return self.n

    def cleanup(self, resource):
        EVENTS.append(("cleanup", resource))


@resource_manager
class NoSetup:
    def cleanup(self, resource=None):
        EVENTS.append(("cleanup", resource))


@task
def first():
    return 1


@task
def plus_one(x):
    return x + 1


def edges(flow):
    return sorted((e.upstream_task.name, e.downstream_task.name, e.key) for e in flow.edges)


def test_a_chain_in_the_block_is_bracketed_at_its_ends_only():
    with Flow("chain") as flow:
        with Full(5):
            a = first()
            b = plus_one(a)
            plus_one(b)
    assert len(flow.tasks) == 6
    assert edges(flow) == [
        ("Full", "Full.cleanup", "mgr"),
        ("Full", "Full.setup", "mgr"),
        ("Full.setup", "Full.cleanup", "resource"),
        ("Full.setup", "first", None),
        ("first", "plus_one", "x"),
        ("plus_one", "Full.cleanup", None),
        ("plus_one", "plus_one", "x"),
    ]


def test_a_task_given_the_resource_gets_no_second_edge_from_setup():
    with Flow("uses") as flow:
        with Full(3) as resource:
            inside = plus_one(resource)
        after = plus_one(inside)
    assert ("Full.setup", "plus_one", "x") in edges(flow)
    assert ("Full.setup", "plus_one", None) not in edges(flow)
    assert len(flow.edges) == 6
    state = flow.run()
    assert state.result[after].result == 5
    assert EVENTS == [("setup", 3), ("cleanup", 3)]


def test_a_class_without_setup_gives_none_and_cleanup_runs_after_the_block():
    with Flow("nosetup") as flow:
        with NoSetup() as resource:
            assert resource is None
            first()
    assert edges(flow) == [
        ("NoSetup", "NoSetup.cleanup", "mgr"),
        ("first", "NoSetup.cleanup", None),
    ]
    assert flow.run().is_successful()
    assert EVENTS == [("cleanup", None)]


def test_calling_the_manager_adds_its_three_tasks_without_a_block():
    with Flow("nowith") as flow:
        block = Full(2)
    assert isinstance(block, ResourceContext)
    assert sorted(t.name for t in flow.tasks) == ["Full", "Full.cleanup", "Full.setup"]
    assert block.setup_task.name == "Full.setup" and block.cleanup_task.name == "Full.cleanup"


def test_an_error_inside_the_block_still_wires_the_tasks_made_before_it():
    with Flow("err") as flow:
        with pytest.raises(RuntimeError):
            with Full(3) as resource:
                plus_one(resource)
                raise RuntimeError("while building")
    assert ("plus_one", "Full.cleanup", None) in edges(flow)


def test_a_block_serves_one_flow():
    with Flow("a"):
        block = Full(1)
    with Flow("b") as other:
        with pytest.raises(ValueError, match="one resource block serves one flow"):
            block.add_task(first.copy(), other)


def test_task_kwargs_get_prefects_defaults_and_keep_the_users():
    manager = resource_manager(Full.resource_class, name="db", setup_task_kwargs={"tags": ["x"]})
    assert manager.init_task_kwargs == {"name": "db"}
    assert manager.setup_task_kwargs == {"tags": ["x"], "name": "db.setup", "checkpoint": False}
    assert manager.cleanup_task_kwargs == {
        "name": "db.cleanup",
        "trigger": resource_cleanup_trigger,
        "skip_on_upstream_skip": False,
        "checkpoint": False,
    }


def test_a_class_without_cleanup_is_accepted_with_a_warning_and_its_cleanup_fails():
    with pytest.warns(UserWarning, match="NoCleanup has no `cleanup"):

        @resource_manager
        class NoCleanup:
            def setup(self):
                return 1

    with Flow("nc") as flow:
        with NoCleanup() as resource:
            used = plus_one(resource)
    state = flow.run()
    assert state.is_successful() and state.result[used].result == 2
    cleanup = {t.name: s for t, s in state.result.items()}["NoCleanup.cleanup"]
    assert cleanup.is_failed() and "cleanup" in cleanup.message


def test_setup_and_cleanup_run_again_in_a_retry_pass():
    attempts = []

    @task(max_retries=1, retry_delay=datetime.timedelta(seconds=0))
    def flaky():
        attempts.append(1)
        if len(attempts) < 2:
            raise RuntimeError("once")
        return len(attempts)

    with Flow("retry") as flow:
        flaky()
        with Full(7) as resource:
            plus_one(resource)
    state = flow.run()
    assert state.is_successful() and len(attempts) == 2
    assert EVENTS == [("setup", 7), ("cleanup", 7)] * 2


def test_a_secret_is_read_again_in_a_retry_pass_but_a_plain_task_is_not():
    reads, plain, attempts = [], [], []

    class Counted(SecretBase):
        def run(self):
            reads.append(1)
            return "s3cret"

    @task
    def once():
        plain.append(1)

    @task(max_retries=1, retry_delay=datetime.timedelta(seconds=0))
    def flaky(secret):
        attempts.append(secret)
        if len(attempts) < 2:
            raise RuntimeError("once")

    with Flow("secret") as flow:
        once()
        flaky(Counted(name="s"))
    assert flow.run().is_successful()
    assert len(reads) == 2 and len(plain) == 1 and attempts == ["s3cret", "s3cret"]


def test_a_parameter_first_used_in_the_block_stays_outside_it():
    with Flow("param") as flow:
        p = Parameter("p", default=1)
        with Full():
            plus_one(p)
    assert ("Full.setup", "p", None) not in edges(flow)
    assert ("Full.setup", "plus_one", None) in edges(flow)
    assert flow.run().is_successful()


def test_reference_tasks_skip_init_and_cleanup_only():
    """1.4.1: a task whose downstream tasks are all cleanups is a reference task (setup
    of an empty block too); init never is; a task feeding a resource's init is not."""
    with Flow("refs") as flow:
        flag = Parameter("flag", default=True)
        with case(flag, True):
            with Full() as resource:
                used = plus_one(resource)
        with Full(2):
            pass
    names = sorted(t.name for t in flow.reference_tasks())
    assert names == ["Full.setup", "plus_one"]
    assert used in flow.reference_tasks()

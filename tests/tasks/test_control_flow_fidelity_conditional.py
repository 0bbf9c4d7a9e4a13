"""ifelse / switch / merge / FilterTask behave as in Prefect 1.4.1 (observed by probes)."""

from __future__ import annotations

import logging

import pytest

from prefect_compat import Flow, Task, task
from prefect_compat.engine import signals
from prefect_compat.engine.result import NoResult
from prefect_compat.engine.state import Skipped
from prefect_compat.tasks.control_flow import FilterTask, ifelse, merge, switch
from prefect_compat.tasks.control_flow.conditional import Merge
from prefect_compat.utilities.configuration import set_temporary_config


@task
def ident(x):
    return x


def tags_by_name(flow):
    return sorted((t.name, sorted(t.tags)) for t in flow.tasks)


def test_switch_tags_the_constants_it_creates():
    with Flow("s") as flow:
        switch(ident("a"), {"a": 1, "b": "x"})
    assert tags_by_name(flow) == [
        ("'x'", ["switch"]),
        ("1", ["switch"]),
        ('CompareValue: "a"', ["switch"]),
        ('CompareValue: "b"', ["switch"]),
        ("ident", []),
    ]
    state = flow.run()
    (one,) = [t for t in flow.tasks if t.name == "1"]
    assert state.result[one].result == 1


def test_switch_and_ifelse_outside_a_flow_say_where_to_call_them():
    with pytest.raises(ValueError, match=r"Could not infer an active Flow context.*switch\(\)"):
        switch(Task(), {1: Task()})
    with pytest.raises(ValueError, match=r"Could not infer an active Flow context.*ifelse\(\)"):
        ifelse(Task(), Task(), Task())


def test_merge_orders_inputs_by_argument_position_past_nine():
    assert Merge().run(task_10=10, task_2=2) == 2
    assert Merge().run(task_1=None, task_2=False, task_3=2) is False


def test_merge_orders_other_keys_as_strings_like_prefect():
    assert Merge().run(b=2, a=1) == 1
    assert Merge().run(task_x=3, task_1=1) == 1


def test_merge_of_eleven_branches_picks_the_earliest_that_ran():
    with Flow("m") as flow:
        branches = [ident(None) for _ in range(9)] + [ident("tenth"), ident("eleventh")]
        merged = merge(*branches)
    assert flow.run().result[merged].result == "tenth"


def test_filter_default_keeps_signals_and_noresult_under_1x():
    skip = signals.SKIP("s")
    items = [1, None, 0, "", ValueError("x"), NoResult, False, skip, KeyboardInterrupt()]
    kept = FilterTask().run(items)
    assert kept[:3] == [1, 0, ""]
    assert kept[3] is NoResult
    assert kept[4] is False
    assert kept[5] is skip
    assert isinstance(kept[6], KeyboardInterrupt)
    assert len(kept) == 7


def test_filter_default_drops_signals_and_noresult_under_013():
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        assert FilterTask().run([1, NoResult, None, ValueError("x")]) == [1]


def test_filter_after_mapped_skips_passes_the_skip_signal_on():
    @task
    def work(x):
        if x == 2:
            raise ValueError("two")
        if x == 3:
            raise signals.SKIP("skip three")
        return None if x == 4 else x * 10

    with Flow("f") as flow:
        kept = FilterTask()(work.map([1, 2, 3, 4, 5]))
    result = flow.run().result[kept].result
    assert result[0] == 10
    assert isinstance(result[1], signals.SKIP)
    assert str(result[1]) == "skip three"
    assert result[2] == 50
    assert len(result) == 3


def test_filter_log_func_logs_on_the_task_logger(caplog):
    flt = FilterTask(log_func=lambda kept: f"kept {kept}")
    flt.name = "renamed"
    with caplog.at_level(logging.INFO, logger="prefect"):
        assert flt.run([1, None, 3]) == [1, 3]
    (record,) = [r for r in caplog.records if r.getMessage() == "kept [1, 3]"]
    assert record.name == "prefect.FilterTask"


def test_ifelse_false_branch_skip_message():
    with Flow("ie") as flow:
        yes, no = ident("yes"), ident("no")
        ifelse(ident(0), yes, no)
    state = flow.run()
    assert state.result[no].result == "no"
    assert type(state.result[yes]) is Skipped
    (compare,) = [t for t in flow.tasks if t.name == 'CompareValue: "True"']
    assert state.result[compare].message == 'Provided value "False" did not match "True"'


def test_ifelse_without_branches_adds_nothing():
    # Prefect warns that its as_bool task was created but never added; so do we
    with pytest.warns(UserWarning, match="not added to the flow.*as_bool"), Flow("e") as flow:
        c = ident(2)
        ifelse(c, None, None)
        switch(c, {})
    assert flow.tasks == {c}
    assert not flow.edges

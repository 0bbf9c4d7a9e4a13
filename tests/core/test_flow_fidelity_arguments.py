"""Bad arguments to `Flow(...)` and `flow.run(...)` fail where they are given.

Prefect 1.4.1 also raises TypeError for these, but from deep inside (the logger's name
join, a dict() conversion) with messages that do not say what was wrong.
"""

from __future__ import annotations

import pytest

from prefect_compat import Flow, Parameter, task


@task
def add(x, y=1):
    return x + y


def test_empty_name_keeps_prefect_message():
    with pytest.raises(ValueError, match="A name must be provided for the flow."):
        Flow("")


@pytest.mark.parametrize("name", [1, ["f"], b"f"])
def test_non_string_name_is_a_type_error(name):
    with pytest.raises(TypeError, match=r"A flow's name must be a string \(received "):
        Flow(name)


@pytest.mark.parametrize("parameters", [[1], "x=1", [("x", 1)]])
def test_run_parameters_must_be_a_mapping(parameters):
    with Flow("f") as flow:
        add(Parameter("x"))
    with pytest.raises(TypeError, match=r"flow.run\(parameters=...\) takes a dict .* flow 'f'"):
        flow.run(parameters=parameters)


def test_run_takes_any_mapping_of_parameters():
    from types import MappingProxyType

    with Flow("f") as flow:
        result = add(Parameter("x"))
    state = flow.run(parameters=MappingProxyType({"x": 2}))
    assert state.result[result].result == 3

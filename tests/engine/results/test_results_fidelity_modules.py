"""Module and signature details of Results and 0.13 handlers, probed against Prefect."""

from __future__ import annotations

import importlib
import inspect

import pytest

from prefect_compat.engine import result_handlers as handlers
from prefect_compat.engine import results


@pytest.mark.parametrize(
    ("package", "module", "name"),
    [
        (results, "local_result", "LocalResult"),
        (results, "s3_result", "S3Result"),
        (results, "result_handler_result", "ResultHandlerResult"),
        (handlers, "local_result_handler", "LocalResultHandler"),
        (handlers, "s3_result_handler", "S3ResultHandler"),
        (handlers, "constant_result_handler", "ConstantResultHandler"),
    ],
)
def test_submodules_are_attributes_of_their_package(package, module, name):
    submodule = getattr(package, module)
    assert submodule is importlib.import_module(f"{package.__name__}.{module}")
    assert getattr(submodule, name) is getattr(package, name)
    assert module in dir(package)


def test_unknown_package_attributes_still_raise_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope_result'"):
        results.nope_result  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        handlers.nope  # noqa: B018


def test_handler_read_parameters_have_0_13_names():
    assert list(inspect.signature(handlers.ResultHandler.read).parameters) == ["self", "loc"]
    constant = handlers.ConstantResultHandler(4)
    assert list(inspect.signature(constant.read).parameters) == ["arg"]
    assert constant.read(arg="anything") == 4
    assert constant.read() == 4

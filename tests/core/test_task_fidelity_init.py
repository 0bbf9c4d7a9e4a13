"""Task subclasses that set Task attributes before `Task.__init__` (Prefect 1.4.1 behaviour).

Prefect warns once per such attribute, in name order, and `Task.__init__` then
replaces the value (including a `logger` set early). Class-level definitions count.
"""

from __future__ import annotations

import logging
import warnings

import pytest

from prefect_compat import Task
from prefect_compat.utilities.configuration import set_temporary_config


def _message(cls_name: str, attr: str) -> str:
    return (
        f"`{cls_name}` sets a `{attr}` attribute, which will be overwritten by `prefect.Task`. "
        "Please rename this attribute to avoid this issue."
    )


class EarlySetter(Task):
    def __init__(self, **kwargs):
        self.tags = {"mine"}
        self.name = "mine"
        self.logger = None
        self.own_setting = 1  # not a Task attribute: no warning
        super().__init__(**kwargs)


def test_attributes_set_before_init_are_warned_about_in_name_order_then_replaced():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = EarlySetter(name="given")
    assert [str(w.message) for w in caught] == [
        _message("EarlySetter", "logger"),
        _message("EarlySetter", "name"),
        _message("EarlySetter", "tags"),
    ]
    assert caught[0].filename == __file__
    assert (t.name, t.tags, t.own_setting) == ("given", set(), 1)
    assert isinstance(t.logger, logging.Logger)


def test_a_class_level_task_attribute_is_warned_about():
    class Named(Task):
        name = "class level"

    with pytest.warns(UserWarning, match="`Named` sets a `name` attribute"):
        t = Named()
    assert t.name == "Named"


def test_plain_subclasses_and_attributes_set_after_init_do_not_warn():
    class After(Task):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.name = "after"

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert After().name == "after"
        assert Task(name="x").name == "x"


def test_prefect_013_did_not_warn():
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            t = EarlySetter()
    assert t.tags == set()

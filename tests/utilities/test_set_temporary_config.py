"""`set_temporary_config`: dotted keys on the global config, undone in place on exit."""

from __future__ import annotations

import pytest

import prefect_compat
from prefect_compat.configuration import Config
from prefect_compat.utilities.configuration import set_temporary_config

config = prefect_compat.config


def test_dotted_keys_are_set_and_restored():
    with set_temporary_config({"flows.checkpointing": True, "logging.level": "DEBUG"}) as cfg:
        assert cfg is config
        assert config.flows.checkpointing is True
        assert config.logging.level == "DEBUG"
    assert config.flows.checkpointing is False
    assert config.logging.level == "INFO"


def test_top_level_key():
    with set_temporary_config({"debug": True}):
        assert config.debug is True
    assert config.debug is False


def test_missing_sections_are_created_then_removed():
    with set_temporary_config({"brand.new.section.key": 5, "flows.extra.deep": "x"}):
        assert config.brand.new.section.key == 5
        assert isinstance(config.brand, Config)
        assert isinstance(config.brand.new.section, Config)
        assert config.flows.extra.deep == "x"
        assert config.flows.checkpointing is False  # siblings untouched
    assert "brand" not in config
    assert "extra" not in config.flows


def test_values_are_not_cast():
    with set_temporary_config({"flows.checkpointing": "true", "x.port": "4200"}):
        assert config.flows.checkpointing == "true"
        assert isinstance(config.flows.checkpointing, str)
        assert config.x.port == "4200"


def test_restored_when_the_block_raises():
    with pytest.raises(RuntimeError, match="boom"):
        with set_temporary_config({"flows.checkpointing": True, "new.key": 1}):
            assert config.flows.checkpointing is True
            raise RuntimeError("boom")
    assert config.flows.checkpointing is False
    assert "new" not in config


def test_other_changes_made_inside_the_block_are_rolled_back():
    with set_temporary_config({"flows.checkpointing": True}):
        config.flows.run_on_schedule = False
        config.logging.extra_loggers.append("somebody")
        config.made_up = {"a": 1}
        del config.logging.datefmt
    assert config.flows.run_on_schedule is True
    assert list(config.logging.extra_loggers) == []
    assert "made_up" not in config
    assert config.logging.datefmt == "%Y-%m-%d %H:%M:%S%z"


def test_sections_referenced_before_the_block_stay_live():
    flows = config.flows
    executor = config.engine.executor
    with set_temporary_config({"flows.checkpointing": True, "engine.executor.dask.address": "x"}):
        assert flows.checkpointing is True  # the reference sees the temporary value
        assert executor.dask.address == "x"
    assert config.flows is flows
    assert config.engine.executor is executor
    assert flows.checkpointing is False
    assert executor.dask.address == ""
    config.flows.checkpointing = True  # and keeps tracking the live config afterwards
    try:
        assert flows.checkpointing is True
    finally:
        config.flows.checkpointing = False


def test_section_replaced_by_a_scalar_inside_the_block_is_restored():
    flows = config.flows
    with set_temporary_config({"flows": 1}):
        assert config.flows == 1
    assert isinstance(config.flows, Config)
    assert config.flows == flows
    assert config.flows.checkpointing is False


def test_nested_blocks_restore_in_order():
    with set_temporary_config({"flows.checkpointing": True}):
        with set_temporary_config({"flows.checkpointing": "inner", "only.inner": 1}):
            assert config.flows.checkpointing == "inner"
        assert config.flows.checkpointing is True
        assert "only" not in config
    assert config.flows.checkpointing is False


def test_context_config_sees_the_temporary_values():
    context = prefect_compat.context
    with set_temporary_config({"flows.checkpointing": True}):
        assert context.config is config
        assert context.config.flows.checkpointing is True
        assert context["config"]["flows"]["checkpointing"] is True
    assert context.config.flows.checkpointing is False


def test_visible_inside_a_context_block_with_its_own_config():
    context = prefect_compat.context
    with context(config={"x": 1}):
        with set_temporary_config({"flows.checkpointing": True}):
            assert context.config.flows.checkpointing is True
            assert context.config.x == 1
        assert context.config.flows.checkpointing is False
        assert context.config.x == 1


def test_context_writes_inside_the_block_are_dropped_on_exit():
    context = prefect_compat.context
    with set_temporary_config({"flows.checkpointing": True}):
        context.written_inside = 1
        assert context.written_inside == 1
    assert "written_inside" not in context

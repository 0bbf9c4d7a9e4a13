"""Configuration details checked against Prefect 1.4.1 with differential probes."""

from __future__ import annotations

import textwrap

import pytest

from prefect_compat import _config
from prefect_compat.configuration import (
    Config,
    interpolate_config,
    load_configuration,
    validate_config,
)
from prefect_compat.utilities.collections import dict_to_flatdict


def shipped(env=None):
    return load_configuration(_config.DEFAULTS_PATH, None, None, env=env or {})


def test_shipped_defaults_match_prefects_values_and_key_order():
    config = shipped()
    assert config.backend == "cloud"
    assert config.cloud.send_flow_run_logs is True
    assert list(config.logging) == ["level", "format", "log_attributes", "datefmt", "extra_loggers"]
    assert list(config.flows)[:3] == ["eager_edge_validation", "run_on_schedule", "checkpointing"]
    keys = [".".join(k) for k in dict_to_flatdict(config.to_dict())]
    # Prefect's top-level order: debug, home_dir, backend, (server,) cloud, logging, flows, ...
    firsts = list(dict.fromkeys(k.split(".")[0] for k in keys))
    assert firsts[:7] == ["debug", "home_dir", "backend", "cloud", "logging", "flows", "tasks"]


def test_env_vars_apply_in_environment_order():
    # a later PREFIX__A replaces the section a that an earlier PREFIX__A__B created
    config = shipped(
        {"PREFECT__E__Z": "1", "PREFECT__E__A": "2", "PREFECT__S__B": "7", "PREFECT__S": "x"}
    )
    assert list(config.e) == ["z", "a"]
    assert config.s == "x"


def test_a_reference_to_a_section_is_empty(tmp_path):
    user = tmp_path / "user.toml"
    user.write_text(
        textwrap.dedent(
            """
            whole = "${flows}"
            part = "a-${flows}-b"
            leaf = "${flows.run_on_schedule}"
            """
        )
    )
    config = load_configuration(_config.DEFAULTS_PATH, str(user), None, env={})
    assert config.whole == ""
    assert config.part == "a--b"
    assert config.leaf is True
    again = interpolate_config({"s": {"x": 1}, "w": "${s}", "p": "<${s}>"})
    assert (again.w, again.p) == ("", "<>")


def test_validate_config_checks_top_level_keys_of_any_mapping():
    with pytest.raises(ValueError, match='^Invalid config key: "keys"'):
        validate_config({"keys": 1})
    with pytest.raises(ValueError, match='^Invalid config key: "__init__"'):
        validate_config({"__init__": 1})
    with pytest.raises(ValueError, match='^Invalid config key: "merge_update"'):
        validate_config(Config({"a": {"merge_update": 1}}))
    # sections that are plain dicts are not looked into, Config sections are
    assert validate_config({"a": {"keys": 1}}) is None
    with pytest.raises(ValueError, match='"keys" \\(at "a.keys"\\)'):
        validate_config({"a": Config({"keys": 1})})


def test_load_configuration_reads_env_vars_only_with_a_prefix(tmp_path, monkeypatch):
    defaults = tmp_path / "def.toml"
    defaults.write_text('a = "1"\nb = "${a}"\n[s]\nx = 1\n')
    monkeypatch.setenv("ZZP__S__Y", "3")
    monkeypatch.setenv("ZZP__A", "9")
    monkeypatch.setenv("PREFECT__A", "7")
    assert load_configuration(str(defaults)).to_dict() == {"a": 1, "b": 1, "s": {"x": 1}}
    expected = {"a": 9, "b": 9, "s": {"x": 1, "y": 3}}
    assert load_configuration(str(defaults), env_var_prefix="ZZP").to_dict() == expected
    assert load_configuration(str(defaults), None, None, "ZZP").to_dict() == expected


def test_load_configuration_of_another_file_adds_no_keys(tmp_path):
    defaults = tmp_path / "def.toml"
    defaults.write_text("[tasks.defaults]\nmax_retries = false\n")
    config = load_configuration(str(defaults))
    assert config.to_dict() == {"tasks": {"defaults": {"max_retries": False}}}
    # the shipped defaults are still made ready for the engine
    assert shipped().tasks.defaults.to_dict() == {
        "max_retries": 0,
        "retry_delay": None,
        "timeout": None,
    }

"""`prefect.configuration` helpers, with values observed on Prefect 1.4.1."""

from __future__ import annotations

import datetime
import os

import pytest

from prefect_compat import configuration as C


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("FALSE", False),
        ("1", 1),
        ("1.5", 1.5),
        ("[1, 2]", [1, 2]),
        ("{'a': 1}", {"a": 1}),
        ("None", None),
        ("none", "none"),
        ("abc", "abc"),
        ("'q'", "q"),
        ("  2", 2),
        ("", ""),
        ("(1,2)", (1, 2)),
    ],
)
def test_string_to_type(text, value):
    assert C.string_to_type(text) == value
    assert type(C.string_to_type(text)) is type(value)


def test_interpolate_env_vars(monkeypatch):
    monkeypatch.setenv("PC_XV", "42")
    monkeypatch.setenv("PC_XP", "~/a/$PC_XV")
    assert C.interpolate_env_vars("$PC_XV") == C.interpolate_env_vars("${PC_XV}") == "42"
    assert C.interpolate_env_vars("$PC_XP") == os.path.expanduser("~/a/42")
    assert C.interpolate_env_vars("$PC_UNSET_VAR") == "$PC_UNSET_VAR"
    assert C.interpolate_env_vars("true") == "true"  # expanded, not cast
    assert C.interpolate_env_vars(None) is None
    assert C.interpolate_env_vars(5) == 5


def test_interpolate_config_casts_resolves_references_and_reads_prefixed_env(monkeypatch):
    monkeypatch.setenv("PC_XV", "42")
    raw = {"a": {"b": "1", "c": "${a.b}", "d": "x${a.b}y", "e": "${missing.k}"}, "f": "$PC_XV"}
    assert C.interpolate_config(raw) == {"a": {"b": 1, "c": 1, "d": "x1y", "e": ""}, "f": 42}
    monkeypatch.setenv("ZZP__A__B", "9")
    monkeypatch.setenv("ZZP__NEW__KEY", "[1]")
    result = C.interpolate_config(raw, env_var_prefix="ZZP")
    assert isinstance(result, C.Config)
    assert result == {"a": {"b": 9, "c": 9, "d": "x9y", "e": ""}, "f": 42, "new": {"key": [1]}}
    assert raw["a"]["b"] == "1"  # the input is not changed


def test_validate_config_refuses_keys_that_shadow_methods():
    assert C.validate_config(C.Config({"a": 1})) is None
    with pytest.raises(ValueError, match=r'^Invalid config key: "keys"'):
        C.validate_config(C.Config({"keys": 1}))
    with pytest.raises(ValueError, match=r'^Invalid config key: "copy" \(at "a.copy"\)'):
        C.validate_config(C.Config({"a": {"copy": 1}}))
    assert C.validate_config({"a": {"values": 1}}) is None  # plain dicts are not checked


def test_process_task_defaults_in_place():
    config = C.Config(
        {"tasks": {"defaults": {"max_retries": False, "retry_delay": False, "timeout": False}}}
    )
    assert C.process_task_defaults(config) is config
    assert config.tasks.defaults == {"max_retries": 0, "retry_delay": None, "timeout": None}
    other = C.process_task_defaults(
        C.Config({"tasks": {"defaults": {"max_retries": 3, "retry_delay": 10, "timeout": 5}}})
    )
    assert other.tasks.defaults == {
        "max_retries": 3,
        "retry_delay": datetime.timedelta(seconds=10),
        "timeout": 5,
    }
    assert C.process_task_defaults(C.Config({})).tasks.defaults.max_retries == 0


def test_to_environment_variables():
    config = C.Config({"a": {"b": 1, "c": {"d": "x"}}, "e": True})
    assert C.to_environment_variables(config) == {
        "PREFECT__A__B": "1",
        "PREFECT__A__C__D": "x",
        "PREFECT__E": "True",
    }
    assert C.to_environment_variables(config, include=["a.b", "e"]) == {
        "PREFECT__A__B": "1",
        "PREFECT__E": "True",
    }
    assert C.to_environment_variables(config, include=["a"]) == {}  # leaves only
    assert C.to_environment_variables(C.Config({"a": {"b": [1]}}), prefix="X") == {"X__A__B": "[1]"}
    assert C.to_environment_variables(C.Config({"a": None, "c": {"d": {}}})) == {
        "PREFECT__A": "None"
    }


def test_create_user_config_copies_the_defaults_once(tmp_path):
    dest = tmp_path / "sub" / "config.toml"
    C.create_user_config(str(dest))
    with open(C.DEFAULT_CONFIG) as defaults:
        assert dest.read_text() == defaults.read()
    with pytest.raises(ValueError, match=f"^File already exists: {dest}$"):
        C.create_user_config(str(dest))


def test_load_toml_and_constants(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('a = 1\n[b]\nc = "x"\n')
    assert C.load_toml(str(path)) == {"a": 1, "b": {"c": "x"}}
    path.write_text("a = \n")
    with pytest.raises(ValueError, match="is not valid TOML"):
        C.load_toml(str(path))
    assert C.ENV_VAR_PREFIX == "PREFECT"
    assert C.DEFAULT_CONFIG.endswith(os.path.join("prefect_compat", "config.toml"))
    env = os.environ
    expected = (
        env.get("PREFECT__USER_CONFIG_PATH", "~/.prefect/config.toml"),
        env.get("PREFECT__BACKEND_CONFIG_PATH", "~/.prefect/backend.toml"),
    )
    assert expected == (C.USER_CONFIG, C.BACKEND_CONFIG)


def test_compat_prefect_version_is_a_string_setting():
    assert C.config.compat.prefect_version == "1"
    from prefect_compat import _config

    tree = {"compat": {"prefect_version": 0.13}}
    _config.normalise_compat(tree)
    assert tree["compat"]["prefect_version"] == "0.13"
    with pytest.raises(
        C.ConfigError, match=r'compat.prefect_version = \'2\' is not supported: use "1"'
    ):
        _config.normalise_compat({"compat": {"prefect_version": "2"}})

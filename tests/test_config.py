"""Configuration loading: sources and their order, casting, expansion, interpolation, access."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import textwrap

import pytest
from box import BoxList

import prefect_compat
from prefect_compat import _config
from prefect_compat.configuration import Config, ConfigError, load_configuration


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


@pytest.fixture
def defaults_file(tmp_path):
    return write(
        tmp_path / "defaults.toml",
        """
        a = 1
        b = 1
        c = 1
        d = 1

        [section]
        kept = "from-defaults"
        over = "from-defaults"
        """,
    )


def load_user(tmp_path, text, env=None):
    """The shipped defaults plus one user file, with an explicit (isolated) env."""
    user = write(tmp_path / "user.toml", text)
    return load_configuration(_config.DEFAULTS_PATH, user, None, env=env or {})


def clean_env(**extra):
    """This process's environment minus every PREFECT__* variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env.update(extra)
    return env


def run_python(code, tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(**env),
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# -- sources and order ---------------------------------------------------------------------


def test_defaults_then_user_file_then_backend_file_then_env(tmp_path, defaults_file):
    user = write(tmp_path / "user.toml", "b = 2\nc = 2\nd = 2\n[section]\nover = 'from-user'\n")
    backend = write(tmp_path / "backend.toml", "c = 3\nd = 3\n")
    cfg = load_configuration(defaults_file, user, backend, env={"PREFECT__D": "4"})
    assert (cfg.a, cfg.b, cfg.c, cfg.d) == (1, 2, 3, 4)
    # sections merge key by key rather than being replaced
    assert cfg.section.kept == "from-defaults"
    assert cfg.section.over == "from-user"


def test_user_file_overrides_shipped_defaults_without_dropping_siblings(tmp_path):
    cfg = load_user(tmp_path, "[flows]\ncheckpointing = true\n")
    assert cfg.flows.checkpointing is True
    assert cfg.flows.run_on_schedule is True
    assert cfg.flows.eager_edge_validation is False


def test_env_overrides_user_file(tmp_path):
    cfg = load_user(
        tmp_path, "[flows]\ncheckpointing = true\n", env={"PREFECT__FLOWS__CHECKPOINTING": "false"}
    )
    assert cfg.flows.checkpointing is False


def test_missing_user_and_backend_files_are_ignored(tmp_path, defaults_file):
    cfg = load_configuration(
        defaults_file, str(tmp_path / "nope.toml"), str(tmp_path / "nope2.toml"), env={}
    )
    assert cfg.to_dict()["a"] == 1
    assert cfg.b == 1


def test_default_paths_honour_env_overrides():
    assert _config.default_paths({}) == ("~/.prefect/config.toml", "~/.prefect/backend.toml")
    env = {"PREFECT__USER_CONFIG_PATH": "/x/u.toml", "PREFECT__BACKEND_CONFIG_PATH": "/x/b.toml"}
    assert _config.default_paths(env) == ("/x/u.toml", "/x/b.toml")


def test_user_config_path_env_var_selects_the_user_file(tmp_path):
    user = write(tmp_path / "custom.toml", "[flows]\ncheckpointing = true\n")
    env = {"PREFECT__USER_CONFIG_PATH": user}
    cfg = load_configuration(_config.DEFAULTS_PATH, *_config.default_paths(env), env=env)
    assert cfg.flows.checkpointing is True


def test_default_user_path_is_user_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".prefect").mkdir()
    write(tmp_path / ".prefect" / "config.toml", "[flows]\nrun_on_schedule = false\n")
    cfg = load_configuration(_config.DEFAULTS_PATH, *_config.default_paths({}), env={})
    assert cfg.flows.run_on_schedule is False


def test_shipped_defaults_have_the_keys_the_engine_reads():
    cfg = load_configuration(env={})
    assert cfg.flows.checkpointing is False
    assert cfg.flows.run_on_schedule is True
    assert cfg.engine.executor.default_class == "prefect.executors.LocalExecutor"
    assert cfg.logging.level == "INFO"
    assert cfg.logging.format == "[%(asctime)s] %(levelname)s - %(name)s | %(message)s"
    assert cfg.home_dir == os.path.expanduser("~/.prefect")
    assert cfg.logging.log_attributes == []
    assert isinstance(cfg.logging.log_attributes, BoxList)


# -- casting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("tRuE", True),
        ("false", False),
        ("False", False),
        ("42", 42),
        ("-7", -7),
        ("1.5", 1.5),
        ("None", None),
        ("'quoted'", "quoted"),
        ('"42"', "42"),
        ("hello world", "hello world"),
        ("prefect.executors.LocalExecutor", "prefect.executors.LocalExecutor"),
        ("", ""),
    ],
)
def test_env_strings_are_cast(raw, expected):
    cfg = load_configuration(env={"PREFECT__SECTION__VALUE": raw})
    value = cfg.section.value
    assert value == expected
    assert type(value) is type(expected)


def test_env_lists_and_dicts_become_box_containers():
    cfg = load_configuration(
        env={"PREFECT__SECTION__L": "[1, 2, 'x']", "PREFECT__SECTION__D": "{'k': 1, 'n': [2]}"}
    )
    assert isinstance(cfg.section.l, BoxList)
    assert list(cfg.section.l) == [1, 2, "x"]
    assert isinstance(cfg.section.d, Config)
    assert cfg.section.d.k == 1
    assert list(cfg.section.d.n) == [2]


def test_file_strings_are_cast_too(tmp_path):
    cfg = load_user(
        tmp_path,
        """
        [server]
        port = "4200"
        flag = "TRUE"
        ratio = "0.25"
        empty = "[]"
        name = "plain text"
        native = 7
        """,
    )
    assert cfg.server.port == 4200
    assert cfg.server.flag is True
    assert cfg.server.ratio == 0.25
    assert isinstance(cfg.server.empty, BoxList)
    assert list(cfg.server.empty) == []
    assert cfg.server.name == "plain text"
    assert cfg.server.native == 7


# -- $VAR and ~ expansion ------------------------------------------------------------------


def test_env_vars_and_tilde_are_expanded_in_file_values(tmp_path, monkeypatch):
    monkeypatch.setenv("PC_TEST_DIR", "/data/dir")
    monkeypatch.setenv("PC_TEST_NUM", "7")
    cfg = load_user(
        tmp_path,
        """
        [paths]
        plain = "$PC_TEST_DIR/x"
        braced = "${PC_TEST_DIR}/y"
        home = "~/z"
        number = "$PC_TEST_NUM"
        unknown = "$PC_TEST_NOT_SET_ANYWHERE/q"
        """,
    )
    assert cfg.paths.plain == "/data/dir/x"
    assert cfg.paths.braced == "/data/dir/y"
    assert cfg.paths.home == os.path.join(os.path.expanduser("~"), "z")
    assert cfg.paths.number == 7  # expanded first, then cast
    assert cfg.paths.unknown == "$PC_TEST_NOT_SET_ANYWHERE/q"


def test_env_vars_are_expanded_in_env_override_values(monkeypatch):
    monkeypatch.setenv("PC_TEST_DIR", "/data/dir")
    cfg = load_configuration(env={"PREFECT__SECTION__P": "$PC_TEST_DIR/results"})
    assert cfg.section.p == "/data/dir/results"


# -- ${dotted.key} interpolation -----------------------------------------------------------


def test_interpolation_whole_partial_unknown_and_nested(tmp_path):
    cfg = load_user(
        tmp_path,
        """
        x = 1
        [section]
        interp = "abc"
        which = "flows"
        whole_str = "${section.interp}"
        whole_int = "${x}"
        whole_bool = "${flows.run_on_schedule}"
        partial = "${section.interp}-x"
        partial_int = "${x}0"
        two = "${section.interp}/${x}"
        unknown = "${no.such.key}"
        unknown_partial = "a${no.such.key}b"
        nested = "${${section.which}.run_on_schedule}"
        """,
    )
    s = cfg.section
    assert s.whole_str == "abc"
    assert s.whole_int == 1
    assert s.whole_bool is True
    assert s.partial == "abc-x"
    assert s.partial_int == "10"  # a spliced value stays a string
    assert s.two == "abc/1"
    assert s.unknown == ""
    assert s.unknown_partial == "ab"
    assert s.nested is True


def test_interpolation_sees_env_overrides_and_home_dir(tmp_path):
    cfg = load_user(
        tmp_path,
        '[section]\nref = "${flows.checkpointing}"\nsub = "${home_dir}/sub"\n',
        env={"PREFECT__FLOWS__CHECKPOINTING": "true"},
    )
    assert cfg.section.ref is True
    assert cfg.section.sub == os.path.expanduser("~/.prefect") + "/sub"


def test_interpolation_in_env_values():
    cfg = load_configuration(env={"PREFECT__SECTION__LEVEL": "${logging.level}!"})
    assert cfg.section.level == "INFO!"


# -- env var names ---------------------------------------------------------------------------


def test_env_keys_are_lower_cased_but_secret_names_keep_case():
    cfg = load_configuration(
        env={"PREFECT__FLOWS__CheckPointing": "true", "PREFECT__CONTEXT__SECRETS__MyKey": "v"}
    )
    assert cfg.flows.checkpointing is True
    assert cfg.context.secrets.MyKey == "v"
    assert "mykey" not in cfg.context.secrets


def test_env_var_can_create_an_unknown_section():
    cfg = load_configuration(env={"PREFECT__MYSECTION__X": "1", "PREFECT__TOP": "yes"})
    assert cfg.mysection.x == 1
    assert isinstance(cfg.mysection, Config)
    assert cfg.top == "yes"


@pytest.mark.parametrize(
    "name", ["PREFECT__A____B", "PREFECT__FLOWS__", "PREFECT____DEBUG", "PREFECT__"]
)
def test_env_var_with_an_empty_segment_is_skipped_with_a_warning(name):
    with pytest.warns(UserWarning, match=f"Ignoring environment variable {re.escape(name)}: empty"):
        cfg = load_configuration(env={name: "1", "PREFECT__FLOWS__CHECKPOINTING": "true"})
    assert cfg.flows.checkpointing is True  # the good variable still applies
    assert "a" not in cfg
    assert "" not in cfg.flows
    assert cfg.debug is False


@pytest.mark.parametrize("name", ["PREFECT__FOO__KEYS", "PREFECT__FLOWS__COPY", "PREFECT__ITEMS"])
def test_env_var_with_a_reserved_key_is_skipped_with_a_warning(name):
    with pytest.warns(UserWarning, match=f"Ignoring environment variable {name}: .*clashes"):
        cfg = load_configuration(env={name: "1", "PREFECT__DEBUG": "true"})
    assert cfg.debug is True
    assert "foo" not in cfg
    assert "copy" not in cfg.flows
    assert callable(cfg.items)


def test_reserved_key_in_a_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r'Invalid config key: "keys" \(at "keys"\)'):
        load_user(tmp_path, "keys = 1\n")
    with pytest.raises(ValueError, match=r'Invalid config key: "copy" \(at "flows\.copy"\)'):
        load_user(tmp_path, "[flows]\ncopy = true\n")


# -- tasks.defaults --------------------------------------------------------------------------


def test_task_defaults_are_normalised():
    cfg = load_configuration(env={})
    assert dict(cfg.tasks.defaults) == {"max_retries": 0, "retry_delay": None, "timeout": None}


def test_task_defaults_from_a_file_and_env(tmp_path):
    cfg = load_user(
        tmp_path,
        "[tasks.defaults]\nmax_retries = 3\nretry_delay = 10\n",
        env={"PREFECT__TASKS__DEFAULTS__TIMEOUT": "30"},
    )
    assert cfg.tasks.defaults.max_retries == 3
    assert cfg.tasks.defaults.retry_delay == datetime.timedelta(seconds=10)
    assert cfg.tasks.defaults.timeout == 30


def test_task_default_retry_delay_from_env_becomes_a_timedelta():
    cfg = load_configuration(env={"PREFECT__TASKS__DEFAULTS__RETRY_DELAY": "5"})
    assert cfg.tasks.defaults.retry_delay == datetime.timedelta(seconds=5)


# -- access ------------------------------------------------------------------------------------


def test_dot_and_item_access_agree():
    cfg = load_configuration(env={"PREFECT__FLOWS__CHECKPOINTING": "true"})
    assert cfg.flows.checkpointing is True
    assert cfg["flows"]["checkpointing"] is True
    assert cfg["flows"].checkpointing is True
    assert isinstance(cfg.flows, Config)
    assert cfg.get("nope", "fallback") == "fallback"
    assert cfg.flows.get("checkpointing") is True


@pytest.mark.parametrize("access", [lambda c: c.nope, lambda c: c["nope"], lambda c: c.flows.nope])
def test_missing_key_is_both_key_error_and_attribute_error(access):
    cfg = load_configuration(env={})
    with pytest.raises(KeyError, match="nope") as info:
        access(cfg)
    assert isinstance(info.value, AttributeError)
    assert not hasattr(cfg, "nope")


def test_copy_is_deep_for_sections():
    cfg = load_configuration(env={})
    dup = cfg.copy()
    assert type(dup) is Config
    assert type(dup.flows) is Config
    assert dup == cfg
    assert dup.flows is not cfg.flows
    assert dup.engine.executor is not cfg.engine.executor
    dup.flows.checkpointing = True
    dup.engine.executor.dask.address = "tcp://x:1"
    assert cfg.flows.checkpointing is False
    assert cfg.engine.executor.dask.address == ""


# -- broken files ----------------------------------------------------------------------------


def test_bad_toml_user_file_names_the_file_and_line(tmp_path):
    bad = write(tmp_path / "bad.toml", "[flows]\ncheckpointing = true\nthis is not toml\n")
    with pytest.raises(ConfigError, match=re.escape(bad) + r".*line 3"):
        load_configuration(_config.DEFAULTS_PATH, bad, None, env={})


def test_bad_toml_user_file_fails_the_import_naming_file_and_line(tmp_path):
    bad = write(tmp_path / "bad.toml", "[flows]\ncheckpointing = true\nthis is not toml\n")
    proc = run_python("import prefect_compat", tmp_path, PREFECT__USER_CONFIG_PATH=bad)
    assert proc.returncode != 0
    assert "ConfigError" in proc.stderr
    assert re.search(re.escape(bad) + r".*line 3", proc.stderr), proc.stderr


# -- env at import (fresh interpreters) ------------------------------------------------------


def test_checkpointing_env_var_at_import(tmp_path):
    code = "import prefect_compat; print(prefect_compat.config.flows.checkpointing is True)"
    proc = run_python(code, tmp_path, PREFECT__FLOWS__CHECKPOINTING="true")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"


def test_unknown_section_env_var_at_import(tmp_path):
    code = "import prefect_compat as p; print(repr(p.config.mysection.x))"
    proc = run_python(code, tmp_path, PREFECT__MYSECTION__X="1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_bad_env_var_at_import_warns_and_does_not_crash(tmp_path):
    code = "import prefect_compat as p; print(p.config.debug)"
    proc = run_python(code, tmp_path, PREFECT__FOO__KEYS="1", PREFECT__DEBUG="true")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"
    assert "Ignoring environment variable PREFECT__FOO__KEYS" in proc.stderr


def test_global_config_is_a_config():
    assert isinstance(prefect_compat.config, Config)
    assert prefect_compat.config is prefect_compat.configuration.config

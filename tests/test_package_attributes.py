"""Package attributes as after `import prefect`: lazy submodules; left-out names answer."""

from __future__ import annotations

import pytest

import prefect_compat
from prefect_compat.exceptions import NoBackendError, NotProvidedError
from tests.fixtures.fresh import fresh_python

LEFT_OUT = ("api", "models", "plugins", "agent", "backend")


def _fresh(code: str, tmp_path) -> list[str]:
    return fresh_python(code, tmp_path)


def test_submodules_are_attributes_but_load_only_on_access(tmp_path):
    printed = _fresh(
        "import sys, prefect_compat as p\n"
        "name = 'prefect_compat.utilities.configuration'\n"
        "print(name in sys.modules)\n"
        "print(p.utilities.configuration.set_temporary_config.__name__, name in sys.modules)\n"
        "print(p.engine.cache_validators.never_use.__name__,\n"
        "      p.serialization.state.StateSchema.__name__)\n"
        "print(p.tasks.core.operators.__name__, p.engine.executors.base.__name__,\n"
        "      p.core.edge.__name__)\n"
        "print(p.engine.config is p.config, 'dask' in sys.modules)\n",
        tmp_path,
    )
    assert printed == [
        "False",
        "set_temporary_config True",
        "never_use StateSchema",
        " ".join(
            f"prefect_compat.{m}"
            for m in ("tasks.core.operators", "engine.executors.base", "core.edge")
        ),
        "True False",
    ]


@pytest.mark.parametrize("name", LEFT_OUT)
def test_left_out_names_are_attribute_errors_with_a_message(name):
    assert hasattr(prefect_compat, name) is False
    assert getattr(prefect_compat, name, "default") == "default"
    with pytest.raises(
        NotProvidedError, match=rf"^prefect-compat does not provide prefect.{name}: it runs"
    ):
        getattr(prefect_compat, name)
    assert issubclass(NotProvidedError, AttributeError)


def test_from_import_of_a_left_out_name_keeps_the_message():
    with pytest.raises(
        ImportError, match=r"^prefect-compat does not provide prefect.api: .*out of scope"
    ):
        from prefect_compat import api  # noqa: F401


def test_from_prefect_import_through_the_alias_keeps_the_message(tmp_path):
    printed = _fresh(
        "import prefect_compat; prefect_compat.install_alias()\n"
        "import prefect\n"
        "try:\n"
        "    from prefect import models\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
        "print(hasattr(prefect, 'models'), hasattr(prefect, 'Client'))\n",
        tmp_path,
    )
    assert printed[0].startswith("ImportError prefect-compat does not provide prefect.models: ")
    assert printed[1] == "False True"


def test_client_is_the_inert_client_class():
    from prefect_compat.client import Client

    assert prefect_compat.Client is Client
    with pytest.raises(NoBackendError, match="needs a Prefect Cloud/Server backend"):
        prefect_compat.Client()


def test_a_listed_submodule_that_is_not_installed_reads_as_missing():
    from prefect_compat._attrs import lazy_submodules

    getattr_, dir_ = lazy_submodules("prefect_compat.utilities", ("collections", "no_such_module"))
    assert getattr_("collections").__name__ == "prefect_compat.utilities.collections"
    with pytest.raises(
        AttributeError, match=r"prefect_compat.utilities.no_such_module is not available"
    ):
        getattr_("no_such_module")
    assert "no_such_module" in dir_()
    with pytest.raises(AttributeError, match="has no attribute 'other'"):
        getattr_("other")


def test_dir_lists_the_lazy_names():
    names = dir(prefect_compat)
    for name in ("utilities", "serialization", "client", "Client", "Flow", "configuration"):
        assert name in names

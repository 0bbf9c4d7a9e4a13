"""Fault injection with real servers: the storage endpoint hangs or dies mid-run.

Each test owns its server (`server_factory`), so the shared session servers are
never disturbed: moto's S3 server stopped with SIGSTOP (it still accepts
connections, nothing answers) or killed with SIGKILL, the GCS emulator killed,
Azurite killed. The fault is injected by a state handler of the first task, right
after its checkpoint was written, so the run is deterministic.

What must hold:
* without retries the flow ends within the configured bound (one attempt of a 1 s
  connect and a 1 s read per checkpoint) with every affected task Failed and its
  message naming the endpoint;
* with `max_retries` and the server back (restored by a handler once every task
  has failed once) every task ends Success and its value is stored.

The only timing assertion is "within the bound", with a generous margin.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from prefect_compat import Flow, task, unmapped
from prefect_compat.engine.results import AzureResult, GCSResult, S3Result
from prefect_compat.engine.state import Retrying, Success
from prefect_compat.utilities.configuration import set_temporary_config
from tests.fixtures.servers import FAKE_AWS_ENV, azure_connection_string, unique_bucket_name

ITEMS = [1, 2, 3]
PER_CALL_BOUND = 1 + 1  # one attempt: connect_timeout + read_timeout
MARGIN = 20.0  # seconds: a slow, shared CI machine
LOCATION = "{flow_name}/{task_full_name}.pkl"


class S3Side:
    keys = {
        "results.s3.connect_timeout": 1,
        "results.s3.read_timeout": 1,
        "results.s3.max_attempts": 1,
    }

    def __init__(self, server, monkeypatch):
        for name, value in FAKE_AWS_ENV.items():
            monkeypatch.setenv(name, value)
        self.server = server
        self.endpoint = server.url
        self.bucket = unique_bucket_name()

    def prepare(self):
        import boto3

        client = boto3.session.Session().client("s3", endpoint_url=self.server.url)
        client.create_bucket(Bucket=self.bucket)

    def result(self):
        return S3Result(
            self.bucket, boto3_kwargs={"endpoint_url": self.endpoint}, location=LOCATION
        )


class GCSSide:
    keys = {
        "results.gcs.connect_timeout": 1,
        "results.gcs.read_timeout": 1,
        "results.gcs.retry_timeout": 0,
    }

    def __init__(self, server, monkeypatch):
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", server.url)
        self.server = server
        self.endpoint = server.url
        self.bucket = unique_bucket_name()

    def prepare(self):
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        client = storage.Client(project="faults", credentials=AnonymousCredentials())
        client.create_bucket(self.bucket)

    def result(self):
        return GCSResult(bucket=self.bucket, location=LOCATION)


class AzureSide:
    keys = {
        "results.azure.connect_timeout": 1,
        "results.azure.read_timeout": 1,
        "results.azure.max_attempts": 1,
    }

    def __init__(self, server, monkeypatch):
        self.server = server
        self.endpoint = f"{server.url}/devstoreaccount1"
        self.connection = azure_connection_string(server.url)
        self.container = unique_bucket_name()

    def prepare(self):
        from azure.core.exceptions import ResourceExistsError
        from azure.storage.blob import BlobServiceClient

        service = BlobServiceClient.from_connection_string(self.connection)
        try:
            service.create_container(self.container)
        except ResourceExistsError:  # Azurite keeps its workspace across a restart
            pass

    def result(self):
        return AzureResult(self.container, connection_string=self.connection, location=LOCATION)


SIDES = {"s3": S3Side, "gcs": GCSSide, "azure": AzureSide}
SCENARIOS = [("s3", "pause"), ("s3", "kill"), ("gcs", "kill"), ("azure", "kill")]


@pytest.fixture
def side(request, server_factory, monkeypatch):
    kind, fault = request.param
    backend = SIDES[kind](server_factory(kind), monkeypatch)
    backend.fault = fault
    backend.prepare()
    return backend


def inject(backend):
    if backend.fault == "pause":
        backend.server.pause()
    else:
        backend.server.kill()


def restore(backend):
    if backend.fault == "pause":
        backend.server.resume()
    else:
        backend.server.restart()
        backend.prepare()  # in-memory servers forget their buckets when killed


def build_flow(backend, retries: bool):
    """`start` checkpoints, then breaks the server; three mapped `work` runs checkpoint."""
    retrying = []

    def break_after_success(task_obj, old, new):
        if isinstance(new, Success):
            inject(backend)
        return new

    def restore_when_all_failed(task_obj, old, new):
        if isinstance(new, Retrying):
            retrying.append(task_obj)
            if len(retrying) == len(ITEMS):  # every mapped run has failed once
                restore(backend)
        return new

    @task(result=backend.result(), state_handlers=[break_after_success])
    def start():
        return "seed"

    retry_options = {"max_retries": 1, "retry_delay": timedelta(seconds=0.1)} if retries else {}

    @task(result=backend.result(), state_handlers=[restore_when_all_failed], **retry_options)
    def work(x, seed):
        return f"{seed}-{x * 10}"

    with Flow(f"faults-{backend.fault}") as flow:
        seed = start()
        outputs = work.map(ITEMS, seed=unmapped(seed))
    return flow, seed, outputs


def assert_failed_within_the_bound(backend, state, seed, outputs, elapsed):
    assert elapsed < len(ITEMS) * PER_CALL_BOUND + MARGIN
    assert state.is_failed()
    assert state.result[seed].is_successful()
    children = state.result[outputs].map_states
    assert len(children) == len(ITEMS)
    for child in children:
        assert child.is_failed(), child
        assert "StorageError" in child.message
        assert f"at {backend.endpoint}" in child.message


def assert_all_succeeded(backend, state, outputs):
    assert state.is_successful(), state
    children = state.result[outputs].map_states
    assert [c.result for c in children] == ["seed-10", "seed-20", "seed-30"]
    assert all(isinstance(c, Success) for c in children)
    result = backend.result()
    for index, child in enumerate(children):
        assert child._result.location == f"faults-{backend.fault}/work[{index}].pkl"
        assert result.read(child._result.location).value == child.result


@pytest.mark.parametrize("side", SCENARIOS, indirect=True, ids=[f"{k}-{f}" for k, f in SCENARIOS])
def test_a_broken_endpoint_fails_tasks_within_the_bound_and_retries_recover(side):
    """One server per scenario, two runs: without retries, then with them."""
    with set_temporary_config({"flows.checkpointing": True, **side.keys}):
        flow, seed, outputs = build_flow(side, retries=False)
        started = time.monotonic()
        state = flow.run()
        assert_failed_within_the_bound(side, state, seed, outputs, time.monotonic() - started)

        restore(side)
        flow, seed, outputs = build_flow(side, retries=True)
        assert_all_succeeded(side, flow.run(), outputs)

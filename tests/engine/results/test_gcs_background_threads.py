"""google-cloud-storage 3.x fetches bucket metadata for its OpenTelemetry spans in a
background thread of its own, with its own retries (up to two minutes against a hung
endpoint), on the first call for each bucket. Our clients turn that off: every GCS call
prefect-compat makes stays on the caller's thread, under its bounded timeout."""

from __future__ import annotations

import threading

from prefect_compat.engine.results.gcs_result import GCSResult


def test_a_gcs_write_and_read_start_no_thread(gcs_bucket, monkeypatch):
    started: list[str] = []
    real_start = threading.Thread.start

    def start(thread):
        started.append(thread.name)
        return real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    written = GCSResult(bucket=gcs_bucket).write({"a": 1}, task_name="t")
    assert GCSResult(bucket=gcs_bucket).read(written.location).value == {"a": 1}
    assert GCSResult(bucket=gcs_bucket).exists(written.location)
    assert started == []

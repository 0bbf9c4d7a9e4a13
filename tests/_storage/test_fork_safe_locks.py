"""The storage modules' own locks (the client caches, the temp-file sweep) are fresh in
a forked child: a process pool forked while another thread of the parent held one
would otherwise wait on it forever."""

from __future__ import annotations

import os
import select
import signal
import warnings

from prefect_compat import filesystems
from prefect_compat._storage import azure, gcs, local, s3

LOCKS = {
    "local sweep": local._swept_lock,
    "s3 clients": s3._CLIENTS_LOCK,
    "gcs clients": gcs._CLIENTS_LOCK,
    "azure clients": azure._CLIENTS_LOCK,
    "2.x gcs filesystem": filesystems._GCS_LOCK,
}


def test_every_storage_lock_held_at_a_fork_is_free_in_the_child():
    read, write = os.pipe()
    for lock in LOCKS.values():
        lock.__enter__()
    try:
        with warnings.catch_warnings():  # 3.12+: fork in a threaded process
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            try:
                held = [name for name, lock in LOCKS.items() if lock.locked()]
                os.write(write, (",".join(held) or "none held").encode())
            finally:
                os._exit(0)
        assert all(lock.locked() for lock in LOCKS.values())  # the parent's stay held
    finally:
        for lock in LOCKS.values():
            lock.__exit__(None, None, None)
    os.close(write)
    ready, _, _ = select.select([read], [], [], 10)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    report = os.read(read, 256).decode() if ready else "no answer"
    os.close(read)
    os.waitpid(pid, 0)
    assert report == "none held"

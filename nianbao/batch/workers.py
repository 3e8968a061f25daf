"""Where the files are extracted: in this process, in local worker processes, or on a dask.distributed cluster.
Every way yields the same encoded reports (in any order: the batch orders them by their index)."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Iterator

from nianbao.batch.inputs import Job
from nianbao.batch.parts import Encoded, extract_chunk

CHUNK_REPORTS = 32  # files per task: large enough to amortise the hand-over, small enough to keep memory flat
SCHEDULER_VARIABLE = "NIANBAO_SCHEDULER"
_PR_SET_PDEATHSIG = 1


def chunks(jobs: list[Job], workers: int) -> list[list[Job]]:
    size = max(1, min(CHUNK_REPORTS, len(jobs) // (4 * max(1, workers)) or 1))
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


def run_here(jobs: list[Job]) -> Iterator[Encoded]:
    for job in jobs:
        yield from extract_chunk([job])


def _worker_setup(parent: int) -> None:
    """A worker dies with its parent (Linux: the kernel kills it), leaves Ctrl-C to the parent, and stops at once
    when the parent's pool terminates it (not through the parent's SIGTERM handler, inherited by fork)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still stops the workers
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def run_local(jobs: list[Job], processes: int) -> Iterator[Encoded]:
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(processes, initializer=_worker_setup, initargs=(os.getpid(),)) as pool:
        for encoded in pool.imap_unordered(extract_chunk, chunks(jobs, processes)):
            yield from encoded


def run_dask(jobs: list[Job], address: str) -> Iterator[Encoded]:
    """Each task extracts a chunk on a worker and sends back its encoded rows; tasks are gathered as they finish,
    so that the client holds only what is in flight. The workers must see the input paths (a shared folder)."""
    from distributed import Client, as_completed

    with Client(address) as client:
        workers = max(1, len(client.scheduler_info()["workers"]))
        futures = client.map(extract_chunk, chunks(jobs, workers), pure=False)
        for future in as_completed(futures):
            yield from future.result()
            future.release()

"""Where a batch's documents are parsed: this process, local worker processes, or a Dask cluster.

An engine runs one function over a list of jobs and yields `(index, result)`
as each job ends, in whatever order they end; the batch puts the results back
in input order, so the tables do not depend on the engine. A job the engine
could not run to its end (its Dask worker died more often than the cluster
allows) yields a `Lost` instead of a result.

- `LocalEngine(workers)`: one process does it all (`workers=1`), or a pool of
  processes on this machine; a worker dies with the process that started it.
- `DaskEngine(workers, scheduler)`: `dask.distributed`. With no scheduler
  address, a local cluster of `workers` processes (one thread each) is started
  on first use and stopped at the end; with `tcp://HOST:PORT`, the jobs go to
  that cluster. A job is a few names and numbers, never a file's bytes, and
  its result is small: with every engine, the worker writes the rows to the
  output's cache, where the batch reads them.
  A worker that dies takes its job back to the scheduler, which gives it to
  another worker, up to `distributed.scheduler.allowed-failures` times (3 by
  default); after that the job is `Lost`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

ENGINES = ("local", "dask")
# Retries of a job whose function raised (the parse functions catch a document's own errors,
# so this is for the rare failure of the worker's machine itself: a full disk, a lost mount).
DASK_RETRIES = 1


@dataclass(frozen=True, slots=True)
class Lost:
    """A job that no worker finished, and why."""

    message: str


class EngineUnavailable(Exception):
    """The engine asked for cannot run here (a package missing, a scheduler not reachable); one line."""


def make_engine(name: str, workers: int | None = None, scheduler: str | None = None):
    if name == "local":
        if scheduler:
            raise EngineUnavailable("--scheduler is for --engine dask")
        return LocalEngine(workers or os.cpu_count() or 1)
    if name == "dask":
        return DaskEngine(workers or os.cpu_count() or 1, scheduler)
    raise EngineUnavailable(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")


# ------------------------------------------------------------------ this machine


def _die_with_parent(parent: int) -> None:
    """Pool initializer: a worker whose batch is gone must stop, not parse on and write cache files.

    Linux kills the worker when its parent dies (the parent-death signal);
    elsewhere a thread watches for the parent's end.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:  # pragma: no cover
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)
        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


class LocalEngine:
    """This process (one worker), or a pool of processes on this machine."""

    name = "local"

    def __init__(self, workers: int):
        self.workers = max(1, workers)

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        pass

    @property
    def parent(self) -> int | None:
        """The pid a worker checks before it writes: when it is gone, so is the batch."""
        return os.getpid() if self.workers > 1 else None

    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        workers = min(self.workers, len(jobs))
        if workers <= 1:
            for index, job in enumerate(jobs):
                yield index, fn(job)
            return
        with ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            yield from enumerate(pool.map(fn, jobs, chunksize=1))


# ------------------------------------------------------------------ a Dask cluster


class DaskEngine:
    """`dask.distributed`: a local cluster started here, or an existing one at `scheduler`."""

    name = "dask"
    parent = None  # a Dask worker outlives no batch of ours: its scheduler cancels what is not wanted

    def __init__(self, workers: int, scheduler: str | None = None):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise EngineUnavailable("--engine dask needs dask.distributed: "
                                    "pip install 'vn-plan-pipeline[cluster]' (make setup installs it)") from None
        self.workers = max(1, workers)
        self.scheduler = scheduler
        self._client = None
        self._cluster = None

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def client(self):
        """The client, connected on first use: a cluster is started only for a batch with work to do."""
        if self._client is None:
            import logging

            from distributed import Client, LocalCluster

            try:
                if self.scheduler:
                    self._client = Client(self.scheduler)  # waits distributed.comm.timeouts.connect (30 s)
                else:
                    self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                 dashboard_address=":0", silence_logs=logging.ERROR)
                    self._client = Client(self._cluster)
            except (OSError, TimeoutError) as exc:
                self.__exit__()
                where = self.scheduler or "a local cluster"
                raise EngineUnavailable(f"cannot reach the Dask scheduler at {where} ({exc})") from None
        return self._client

    def map(self, fn: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        if not jobs:
            return
        from distributed import as_completed

        client = self.client()
        futures = client.map(fn, list(jobs), pure=False, retries=DASK_RETRIES)
        index = {future.key: i for i, future in enumerate(futures)}
        try:
            for future in as_completed(futures):
                i = index[future.key]
                if future.status == "finished":
                    yield i, future.result()
                else:
                    exc = future.exception()
                    yield i, Lost(_lost_message(exc))
                future.release()
        finally:
            client.cancel([f for f in futures if not f.done()])


def _lost_message(exc: BaseException | None) -> str:
    from distributed.scheduler import KilledWorker

    if isinstance(exc, KilledWorker):
        return "its Dask worker died while parsing it, each time it was tried"
    return f"the Dask task failed: {type(exc).__name__}: {exc}"

"""Where a batch's documents are parsed: this process, local worker processes, or a Dask cluster.

An engine runs one function over a list of jobs and yields `(index, result)`
as each job ends, in whatever order they end; the batch puts the results back
in input order, so the tables do not depend on the engine. A job the engine
could not run to its end (its Dask worker died more often than the cluster
allows) yields a `Lost` instead of a result.

- `LocalEngine(workers)`: one process does it all (`workers=1`), or a pool of
  processes on this machine; a worker dies with the process that started it.
  A worker that dies (killed for its memory, or by a crash in a library) takes
  the pool down with it: the jobs it may have been running are run again, each
  alone in a process of its own, and one that dies there too is `Lost`; the
  others go on in a new pool.
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
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
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


# Jobs sent to a local pool per worker before their results are back: one more than the worker runs
# keeps it busy while this process takes a result and sends the next; the more are in flight, the more
# are run again alone when a worker dies.
IN_FLIGHT_PER_WORKER = 2


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
        pending = list(range(len(jobs)))
        while pending:
            suspects, pending = yield from self._pool(fn, jobs, pending, workers)
            for i in suspects:
                yield i, self._alone(fn, jobs[i])

    @staticmethod
    def _pool(fn, jobs: Sequence[Any], order: list[int], workers: int):
        """Run the jobs `order` names in a pool, a few at a time (so that the jobs a dying worker may have
        held are known: those in flight), yielding each result as it ends. Returns the jobs in flight when
        a worker died, and those not yet sent; both empty when all ended."""
        queue = iter(order)
        unsent: list[int] = []
        with ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            in_flight = {}

            def send_next() -> bool:
                for i in queue:
                    try:
                        in_flight[pool.submit(fn, jobs[i])] = i
                    except BrokenProcessPool:
                        unsent.append(i)
                        return False
                    break
                return True

            broken = not all(send_next() for _ in range(IN_FLIGHT_PER_WORKER * workers))
            while in_flight and not broken:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=in_flight.get):
                    if isinstance(future.exception(), BrokenProcessPool):
                        broken = True
                        continue
                    yield in_flight.pop(future), future.result()
                    broken = broken or not send_next()
        return sorted(in_flight.values()), unsent + list(queue)

    @staticmethod
    def _alone(fn, job: Any) -> Any:
        """A job run again in a process of its own: its result, or `Lost` when that process dies too."""
        with ProcessPoolExecutor(max_workers=1, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            try:
                return pool.submit(fn, job).result()
            except BrokenProcessPool:
                return Lost("its worker process died while parsing it, and again when it was parsed alone "
                            "(killed for its memory? a crash in a library?)")


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
